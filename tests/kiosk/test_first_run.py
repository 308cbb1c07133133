"""A kiosk with an empty state folder: its first-run screen enrols it by the enrolment QR the
server gave, read by its own scanner (a real pty), and it becomes the normal kiosk in the same
process; a wrong code stays on the screen with the server's words. A kiosk the server refuses
(revoked while running, or at start; another protocol) shows why full screen, not "Tạm ngưng
phục vụ", and a revoked one takes a new enrolment QR there."""

from __future__ import annotations

import asyncio
import stat
import unicodedata
from pathlib import Path

import pytest

from hardware.simulators.scanner import SimulatedScanner
from queue_server.config.site import parse_config
from queue_server.server.trust import REVOKED_WORDS
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, ask, queue_server, text
from tests.kiosk.test_state_start import demo_for
from tests.support.demo import DEMO_TOKENS
from tests.support.ports import free_port

PROMPT = "Ki-ốt chưa được đăng ký — quét mã QR đăng ký trên màn hình quản lý, hoặc nhập mã"


def enrolled_site(port: int, workdir: Path, scanner_url: str) -> str:
    """The demo centre with kiosk-1 declared without a token: it must be enrolled."""
    site = demo_for(port, workdir, scanner_url)
    assert 'token = "demo-kiosk-1-token"\n' in site
    return site.replace('token = "demo-kiosk-1-token"\n', "", 1)


def shown(screen: dict[str, object]) -> str:
    words = text(screen)  # type: ignore[arg-type]
    assert words == unicodedata.normalize("NFC", words)
    return words


def test_a_first_run_enrols_by_the_scanned_qr_then_issues_a_ticket_and_a_revocation_says_so(
    workdir: Path, scanner: SimulatedScanner, scanner_url: str
) -> None:
    port = free_port()
    url = f"ws://127.0.0.1:{port}/"
    config = parse_config(enrolled_site(port, workdir, scanner_url), workdir / "server-only" / "site.toml")
    state, cwd = workdir / "state", workdir / "cwd"
    state.mkdir()
    cwd.mkdir()
    (state / "server").write_text(url + "\n")  # as the installer may leave it: typing is offered
    manager = DEMO_TOKENS["manager"]
    shots = ARTEFACTS / "first-run"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            kiosk = await Kiosk.start_state(state, cwd, shots, "--scanner", scanner_url)
            try:
                first = await kiosk.wait_screen("first_run", 20)
                assert PROMPT in shown(first) and f"Máy chủ: {url}" in shown(first)
                await kiosk.shot("first-run")

                # a wrong code, typed: the server's words, and the screen stays
                await kiosk.cmd("type", text="ABCDEFGH")
                await kiosk.tap("submit")
                wrong = await kiosk.wait_text("Mã đăng ký sai, đã dùng hoặc đã hết hạn")
                assert wrong["screen"] == "first_run" and not (state / "token").exists()
                # a ticket's code is no enrolment
                scanner.scan("ABCDEFGH23")
                await kiosk.wait_text("Đây không phải mã QR đăng ký thiết bị.")
                # a board's enrolment QR: refused by the server in its words, the board's code not used
                board = await ask(port, manager, "device.enrolment_code", device="board-hall")
                scanner.scan(board["qr_text"])
                other = await kiosk.wait_text("Mã này dành cho thiết bị khác (bảng hiển thị board-hall), không phải ki-ốt")
                assert other["screen"] == "first_run" and not (state / "token").exists()

                made = await ask(port, manager, "device.enrolment_code", device="kiosk-1")
                assert made["qr_text"] == f"MOTCUA-ENROL:1:{url}:{made['code']}"
                scanner.scan(made["qr_text"])  # the QR's text, as the scanner reads it off the dashboard
                home = await kiosk.wait_screen("home", 20)
                assert "Hộ tịch" in shown(home)
                assert stat.S_IMODE((state / "token").stat().st_mode) == 0o600
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                assert [t.service for t in hub.lobby.state.tickets.values()] == ["HT"]
                await kiosk.done()
                await kiosk.wait_screen("home")

                await ask(port, manager, "device.revoke", device="kiosk-1")
                refused = await kiosk.wait_screen("refused", 15)
                assert REVOKED_WORDS in shown(refused) and "This device has been revoked" in shown(refused)
                assert "Xin báo cán bộ: thiết bị cần được cấp lại mã đăng ký." in shown(refused)
                await kiosk.shot("revoked")
                assert kiosk.process.returncode is None

                # staff scan a new code's QR at the refused screen: the kiosk is back
                again = await ask(port, manager, "device.enrolment_code", device="kiosk-1")
                scanner.scan(again["qr_text"])
                await kiosk.wait_screen("home", 20)
            finally:
                await kiosk.close()

            # revoked, then started: the refusal at start, full screen
            await ask(port, manager, "device.revoke", device="kiosk-1")
            kiosk = await Kiosk.start_state(state, cwd, shots, "--scanner", scanner_url)
            try:
                refused = await kiosk.wait_screen("refused", 20)
                assert REVOKED_WORDS in shown(refused) and "Thiết bị đã bị thu hồi" in shown(refused)
            finally:
                await kiosk.close()

    asyncio.run(scenario())


def test_a_kiosk_of_another_protocol_says_so_full_screen(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    config = parse_config(demo_for(port, workdir, scanner_url), workdir / "server-only" / "site.toml")
    state, cwd = workdir / "state", workdir / "cwd"
    state.mkdir()
    cwd.mkdir()
    (state / "server").write_text(f"ws://127.0.0.1:{port}/\n")
    (state / "token").write_text(DEMO_TOKENS["kiosk-1"] + "\n")

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            kiosk = await Kiosk.start_state(state, cwd, ARTEFACTS / "protocol", "--protocol", "99")
            try:
                refused = await kiosk.wait_screen("refused", 20)
                words = shown(refused)
                assert "Phần mềm ki-ốt không tương thích với máy chủ" in words
                assert "This kiosk's software does not match the server's" in words
                assert "Thiết bị dùng giao thức phiên bản 99" in words  # the server's own words
                assert "Xin báo cán bộ: cần cập nhật phần mềm" in words
                assert "Tạm ngưng phục vụ" not in words
                await kiosk.shot("protocol")
            finally:
                await kiosk.close()

    asyncio.run(scenario())


def test_a_first_run_with_a_bad_scanner_url_stops_and_names_it(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk.start import main

    with pytest.raises(SystemExit) as stopped:
        main(["--state", str(workdir / "state"), "--scanner", "serail:///dev/ttyACM0"])
    assert stopped.value.code == 2
    said = capsys.readouterr().err
    assert "motcua-kiosk: error: --scanner: serail:///dev/ttyACM0: scheme 'serail' is not supported" in said, said
    assert "device 'kiosk'" not in said  # the placeholder device of an unconfigured kiosk is nobody's
    assert not (workdir / "state").exists()  # nothing written
