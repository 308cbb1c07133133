"""Enrolment, revocation and rotation over real connections to a real server (real SQLite
file): a device declared without a token enrols with a one-time code and gets its own token,
kept by the server as its hash only; a revoked device is cut off at once and refused after."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
from pathlib import Path

from queue_server.config.settings import Device, Role, SiteConfig
from queue_server.core.enrolment_qr import EnrolmentQr, parse_enrolment_text
from queue_server.protocol import enrolling
from queue_server.server.enrolment import CLOSE_REVOKED
from tests.integration.client import Client
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import TOKENS, site_config


def enrolled_site(**settings: object) -> SiteConfig:
    """The test site with two devices declared without a token: a kiosk and a board."""
    config = site_config(**settings)
    return dataclasses.replace(
        config, devices=(*config.devices, Device("kiosk-2", Role.KIOSK, ""), Device("board-2", Role.DISPLAY, ""))
    )


async def closed(client: Client) -> tuple[int | None, str | None]:
    await asyncio.wait_for(client.connection.wait_closed(), 5)
    frame = client.connection.protocol.close_rcvd
    return (frame.code, frame.reason) if frame is not None else (None, None)


def test_a_device_enrols_once_with_its_code_and_its_token_then_says_hello_as_it(db_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site()) as lobby:
            manager = await lobby.client("manager")
            made = await manager.ok("device.enrolment_code", device="kiosk-2")
            code = made["code"]
            assert len(code) == 9 and code[4] == "-" and made["qr_svg"].startswith("<?xml")
            # the QR carries the server's address (the site's server_url) with the code
            assert made["qr_text"] == f"MOTCUA-ENROL:1:ws://127.0.0.1:8765/:{code}"
            assert parse_enrolment_text(made["qr_text"]) == EnrolmentQr("ws://127.0.0.1:8765/", code)
            kiosk = await lobby.client()
            reply = await kiosk.ok("hello", enrol=code.lower().replace("-", ""))  # as typed
            assert (reply["device"], reply["role"]) == ("kiosk-2", "kiosk")
            token = reply["token"]
            assert len(token) == 43  # 32 bytes, URL-safe base64
            event = await manager.next_event("device.enrolled")
            assert event["device"] == "kiosk-2" and event["replaced"] is False and token not in str(event)
            await (await lobby.client()).error("hello", "bad_token", enrol=code)  # once only
            await (await lobby.client()).error("hello", "bad_token", token="")  # a device without a token has none
            again = await lobby.client(token=token)
            assert again.hello["device"] == "kiosk-2"  # type: ignore[attr-defined]
            await again.ok("ticket.issue", service="HT")
        with sqlite3.connect(db_path) as db:  # the store keeps hashes only
            assert token.encode() not in db_path.read_bytes()
            assert db.execute("SELECT device FROM device_tokens").fetchall() == [("kiosk-2",)]

    run(scenario())


def test_an_expired_or_unknown_code_is_refused_and_wrong_codes_are_budgeted(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site(), clock=clock) as lobby:
            manager = await lobby.client("manager")
            code = (await manager.ok("device.enrolment_code", device="board-2"))["code"]
            clock.advance(minutes=15)
            error = await (await lobby.client()).error("hello", "bad_token", enrol=code)
            assert "hết hạn" in error["message"]
            for _ in range(9):  # with the one above: the address's 10 failed hellos at once
                await (await lobby.client()).error("hello", "bad_token", enrol="ABCD-EFGH")
            fresh = (await manager.ok("device.enrolment_code", device="board-2"))["code"]
            await (await lobby.client()).error("hello", "rate_limited", enrol=fresh)

    run(scenario())


def test_a_revoked_device_is_cut_off_at_once_and_refused_after(db_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site()) as lobby:
            manager = await lobby.client("manager")
            code = (await manager.ok("device.enrolment_code", device="kiosk-2"))["code"]
            token = (await (await lobby.client()).ok("hello", enrol=code))["token"]
            kiosk = await lobby.client(token=token)
            counter = await lobby.client("counter-3")  # a token of the site file: revoked as well
            await manager.ok("device.revoke", device="kiosk-2")
            assert await closed(kiosk) == (CLOSE_REVOKED, "device revoked")
            await manager.ok("device.revoke", device="counter-3")
            assert await closed(counter) == (CLOSE_REVOKED, "device revoked")
            refused = await (await lobby.client()).error("hello", "device_revoked", token=token)
            assert refused["message"] == (
                "Thiết bị đã bị thu hồi — xin cấp lại mã đăng ký (This device was revoked — ask for a new enrolment code)."
            )
            await (await lobby.client()).error("hello", "device_revoked", token=TOKENS["counter-3"])
            assert [(await manager.next_event("device.revoked"))["device"] for _ in range(2)] == ["kiosk-2", "counter-3"]
            await manager.error("device.revoke", "device_unknown", device="kiosk-9")
            # enrolled again, it works again
            code = (await manager.ok("device.enrolment_code", device="counter-3"))["code"]
            token = (await (await lobby.client()).ok("hello", enrol=code))["token"]
            await (await lobby.client(token=token)).ok("queue.snapshot")

    run(scenario())


def test_a_rotation_keeps_the_old_token_until_the_device_has_enrolled_again(db_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site()) as lobby:
            manager = await lobby.client("manager")
            code = (await manager.ok("device.enrolment_code", device="board-2"))["code"]
            old = (await (await lobby.client()).ok("hello", enrol=code))["token"]
            board = await lobby.client(token=old)
            rotation = await manager.ok("device.rotate", device="board-2")
            assert (await manager.next_event("device.rotated"))["expires_at"] == rotation["expires_at"]
            await (await lobby.client(token=old)).ok("queue.snapshot")  # still good
            new = (await (await lobby.client()).ok("hello", enrol=rotation["code"]))["token"]
            assert (await manager.next_event("device.enrolled"))["replaced"] is True
            assert await closed(board) == (CLOSE_REVOKED, "token replaced")
            await (await lobby.client()).error("hello", "device_revoked", token=old)
            await (await lobby.client(token=new)).ok("queue.snapshot")

    run(scenario())


def test_a_code_given_to_a_device_of_another_role_is_refused_and_neither_used_nor_replacing_a_token(
    db_path: Path,
) -> None:
    """A kiosk's code typed at a board (hello's ``role``): refused in words, the code still good
    for the kiosk, the kiosk's token untouched; a wrong role is not a wrong code (not budgeted)."""

    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site()) as lobby:
            manager = await lobby.client("manager")
            first = (await manager.ok("device.enrolment_code", device="kiosk-2"))["code"]
            old = (await (await lobby.client()).ok("hello", enrol=first, role="kiosk"))["token"]
            assert (await manager.next_event("device.enrolled"))["device"] == "kiosk-2"
            code = (await manager.ok("device.rotate", device="kiosk-2"))["code"]  # "Cấp lại mã"
            kiosk = await lobby.client(token=old)
            for _ in range(12):  # more than the address's 10 failed hellos: a right code is no guess
                refused = await (await lobby.client()).error("hello", "enrol_wrong_role", enrol=code, role="display")
            assert refused["message"].startswith("Mã này dành cho thiết bị khác (ki-ốt kiosk-2), không phải bảng hiển thị")
            assert "(This code is for another device (kiosk kiosk-2), not a display board" in refused["message"]
            assert refused["details"] == {"device": "kiosk-2", "role": "kiosk"}
            await (await lobby.client()).error("hello", "enrol_wrong_role", enrol=code, role="counter")
            await kiosk.ok("queue.snapshot")  # its connection and its token stand
            await (await lobby.client(token=old)).ok("queue.snapshot")
            await (await lobby.client()).error("hello", "bad_token", enrol="ABCD-EFGH", role="display")  # a wrong code is
            await (await lobby.client()).error("hello", "bad_field", enrol=code, role="officer")
            await (await lobby.client()).error("hello", "bad_field", token=old, role="kiosk")  # role goes with enrol
            new = await (await lobby.client()).ok("hello", enrol=code, role="kiosk")  # the code was not used
            assert (new["device"], new["role"]) == ("kiosk-2", "kiosk")
            assert (await manager.next_event("device.enrolled"))["replaced"] is True
            await (await lobby.client()).error("hello", "device_revoked", token=old)
            await (await lobby.client(token=new["token"])).ok("queue.snapshot")

    run(scenario())


def test_a_volunteers_code_and_a_kiosks_code_each_refused_in_words_at_the_others_machine(db_path: Path) -> None:
    """Every role a code may be given for has its words: a volunteer's phone's code typed at a
    kiosk, and a kiosk's code typed on the volunteers' page (hello's ``role`` "volunteer"), are
    refused in Vietnamese first and stay good (a volunteer's code at a kiosk was an internal
    error: the role had no words)."""

    async def scenario() -> None:
        config = enrolled_site()
        config = dataclasses.replace(config, devices=(*config.devices, Device("volunteer-2", Role.VOLUNTEER, "")))
        async with running_lobby(db_path, config) as lobby:
            manager = await lobby.client("manager")
            phone = (await manager.ok("device.enrolment_code", device="volunteer-2"))["code"]
            kiosk = (await manager.ok("device.enrolment_code", device="kiosk-2"))["code"]
            refused = await (await lobby.client()).error("hello", "enrol_wrong_role", enrol=phone, role="kiosk")
            assert refused["message"].startswith(
                "Mã này dành cho thiết bị khác (điện thoại tình nguyện viên volunteer-2), không phải ki-ốt"
            )
            refused = await (await lobby.client()).error("hello", "enrol_wrong_role", enrol=kiosk, role="volunteer")
            assert refused["message"].startswith(
                "Mã này dành cho thiết bị khác (ki-ốt kiosk-2), không phải điện thoại tình nguyện viên"
            )
            assert "not a volunteer's phone" in refused["message"]
            assert (await (await lobby.client()).ok("hello", enrol=phone, role="volunteer"))["role"] == "volunteer"
            assert (await (await lobby.client()).ok("hello", enrol=kiosk, role="kiosk"))["role"] == "kiosk"

    run(scenario())


def test_the_pads_enrol_given_a_kiosks_code_writes_nothing_and_the_code_still_works(db_path: Path, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site()) as lobby:
            manager = await lobby.client("manager")
            code = (await manager.ok("device.enrolment_code", device="kiosk-2"))["code"]
            state = tmp_path / "pads"
            argv = ["--server", lobby.url, "--state", str(state), code]
            assert await asyncio.to_thread(enrolling.main, "motcua-pads", argv, role="pad", per_device=True) == 2
            assert not state.exists()  # nothing written
            reply = await (await lobby.client()).ok("hello", enrol=code, role="kiosk")  # still the kiosk's
            assert reply["device"] == "kiosk-2"

    run(scenario())


def test_the_fleet_lists_every_device_with_its_version_address_trust_and_last_fault(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, enrolled_site(silent_minutes=5), clock=clock) as lobby:
            manager = await lobby.client("manager")
            kiosk = await lobby.client("kiosk", version="0.0.9")
            await kiosk.ok("device.report", component="printer", ok=False, detail="paper_out")
            await (await lobby.client("display")).close()
            clock.advance(minutes=5)
            fleet = await manager.ok("device.list")
            devices = {d["id"]: d for d in fleet["devices"]}
            assert fleet["now"] == clock.now.isoformat()  # the server's clock, for the dashboard's "2 phút trước"
            assert set(devices) == {d.id for d in enrolled_site().devices}
            mine = devices["kiosk"]
            assert (mine["role"], mine["version"], mine["version_differs"]) == ("kiosk", "0.0.9", True)
            assert mine["address"] == "127.0.0.1" and mine["connected"] and not mine["silent"]
            assert mine["enrolment"] == "site_file"
            assert mine["last_fault"]["component"] == "printer" and mine["last_fault"]["detail"] == "paper_out"
            assert devices["display"]["silent"] and not devices["display"]["connected"]  # gone 5 minutes
            assert devices["kiosk-2"]["enrolment"] == "not_enrolled" and devices["kiosk-2"]["last_seen"] is None
            await (await lobby.client("kiosk")).error("device.list", "forbidden")

    run(scenario())
