"""Coming back with the missing papers, through the real server and SQLite file: the counter
marks "cần bổ sung", the slip comes out of its (simulated) printer as ESC/POS bytes whose QR
code reads back, the SMS reaches a stand-in gateway, only the code's hash is in the log; the
kiosk's scan gives a return-visit ticket to the same officer ahead of the plain queue, once."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import sqlite3
import subprocess
from pathlib import Path

from PIL import Image, ImageChops

from bench.gateways import Gateway
from hardware.printer.documents import ReentrySlip
from hardware.printer.escpos_decode import decode_job
from hardware.printer.layouts import render
from hardware.printer.sim import list_jobs
from queue_server.config.settings_outreach import (
    Channel,
    NotificationSettings,
    OutreachSettings,
    SmsGateway,
    ZaloGateway,
)
from queue_server.core import codes
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config
from tests.integration.test_fees import get

NOTE = "Thiếu bản sao giấy khai sinh có chứng thực"
DOSSIER = "000.00.16.H57-261123-0001"


async def refused(kiosk, error: str, code: str) -> dict:
    """``reentry.use`` refused with ``error`` (``Client.error`` takes ``code`` for itself)."""
    reply = await kiosk.call("reentry.use", code=code)
    assert not reply["ok"] and reply["error"]["code"] == error, reply
    return reply["error"]


def reentry_site(printer_dir: Path, gateway: Gateway | None = None, channel: Channel = Channel.SMS):
    config = site_config()
    devices = tuple(
        dataclasses.replace(d, printer=f"sim://{printer_dir}?width=576") if d.id == "counter-1" else d
        for d in config.devices
    )
    config = dataclasses.replace(config, devices=devices)
    if gateway is not None:
        sms = SmsGateway(url=gateway.url + "/send?to={phone_local}", body='{"text": "{text}", "id": "{key}"}')
        zalo = ZaloGateway("token", "near-1", "called-1", url=gateway.url + "/zns")  # no re-entry template
        notifications = NotificationSettings(channel=channel, near_people=2, sms=sms, zalo=zalo)
        config = dataclasses.replace(config, outreach=OutreachSettings(notifications=notifications))
    return config


def test_the_counter_marks_prints_and_texts_and_the_kiosk_gets_the_same_officer_first(db_path, clock: Clock, tmp_path: Path) -> None:
    gateway = Gateway()
    printer = tmp_path / "printer"

    async def scenario() -> None:
        async with running_lobby(db_path, reentry_site(printer, gateway), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            first = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.serve")
            await officer.error("reentry.mark", "note_required", ticket=first["id"], note="  ")
            await officer.error("reentry.mark", "bad_field", ticket=first["id"], note="Thiếu \u202egiấy")
            await officer.error("reentry.mark", "consent_required", ticket=first["id"], note=NOTE, phone="0912345678")
            assert list_jobs(printer) == [] and gateway.requests == []  # refused: nothing printed nor sent
            reply = await officer.ok("reentry.mark", ticket=first["id"], note=NOTE, dossier=DOSSIER, phone="0912 345 678", consent=True)
            reentry = reply["reentry"]
            assert (reply["printed"], reply["print_error"], reply["sent_to"]) == (True, None, "091****678")
            # Monday 23 November 2026 + 10 working days: Monday 7 December
            assert (reentry["valid_until"], reentry["valid_until_text"]) == ("2026-12-07", "Thứ Hai, 07/12/2026")
            code = reentry["code"].replace("-", "")
            assert codes.is_reentry_code(code) and reentry["url"] == "http://127.0.0.1:8765/r/" + code

            # the paper: the printer's ESC/POS bytes, decoded, are the slip; its QR code is the link
            [job] = list_jobs(printer)
            decoded = decode_job(job.data)
            assert decoded.bands >= 1 and decoded.cuts == 1 and decoded.unknown_bytes == 0
            read = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(job.png)], capture_output=True, text=True)
            assert read.stdout.splitlines() == [reentry["url"]]
            expected = ReentrySlip(
                centre_name=lobby.hub.config.site.name, number="A001", procedure="Hộ tịch", note=NOTE,
                valid_until=dt.date(2026, 12, 7), code=reentry["code"], qr_payload=reentry["url"],
                printed_at=clock.now, counter="1", dossier_code=DOSSIER,
            )  # fmt: skip
            paper = Image.open(job.png).convert("1")
            drawn = render(expected, 576).convert("1")
            assert paper.size == drawn.size and ImageChops.difference(paper, drawn).getbbox() is None

            # the SMS
            [sms] = await asyncio.to_thread(gateway.wait_accepted, 1)
            assert sms.path == "/send?to=0912345678"
            assert sms.json["text"] == (
                f"Một Cửa: hồ sơ Hộ tịch (số A001) cần bổ sung: {NOTE}. Quay lại trước hết Thứ Hai, 07/12/2026; "
                f"mở {reentry['url']} và đưa mã QR vào máy lấy số để được ưu tiên. Mã: {reentry['code']}."
            )

            # the SMS's link: a page with the code's QR code for the kiosk's scanner (drawn while it is live)
            base = f"http://127.0.0.1:{lobby.port}/r/{code}"
            status, kind, body = await asyncio.to_thread(get, base)
            assert (status, kind) == (200, "text/html; charset=utf-8") and b'src="/static/reentry.js"' in body  # the code drawn by it (Chromium: tests/web/test_console_reentry.py)
            assert (await asyncio.to_thread(get, base + "/qr.svg"))[:2] == (200, "image/svg+xml")
            other = f"http://127.0.0.1:{lobby.port}/r/{'A' * 12}"
            assert (await asyncio.to_thread(get, other))[0] == 200  # the page tells nothing of a code…
            assert (await asyncio.to_thread(get, other + "/qr.svg"))[0] == 404  # …its QR code is drawn for a live one only
            assert sms.json["id"] == f"test-site:reentry:{reentry['id']}"

            # the log keeps the hash, never the code
            await officer.ok("ticket.complete")
            with sqlite3.connect(db_path) as db:
                log = " ".join(data for (data,) in db.execute("SELECT data FROM events"))
            assert code not in log and codes.reentry_hash(code) in log

            # days later: the kiosk's scan; lan sits at counter 2 today, a plain ticket waits already
            clock.advance(days=3)
            plain = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            officer = await lobby.officer("counter-2", "lan")
            await lobby.officer("counter-1", "minh")
            used = await kiosk.ok("reentry.use", code=reentry["code"].lower())
            ticket = used["ticket"]
            assert (ticket["priority"], ticket["target_counter"], ticket["people_ahead"], ticket["counters"]) == ("return-visit", 2, 0, [2])
            assert used["reentry"] == {"target": "officer", "counter": 2, "counter_name": "Quầy 2", "officer_name": "Nguyễn Thị Lan"}
            await refused(kiosk, "reentry_used", code)
            assert (await asyncio.to_thread(get, base + "/qr.svg"))[0] == 404  # used: no longer drawn
            await refused(kiosk, "bad_field", "ABC")
            called = (await officer.ok("ticket.call_next"))["ticket"]
            assert called["id"] == ticket["id"] != plain["id"]

    try:
        run(scenario())
    finally:
        gateway.close()


def test_no_printer_no_paper_and_an_expired_code_is_refused_with_its_last_day(db_path, clock: Clock, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, reentry_site(tmp_path / "printer"), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            officer = await lobby.officer("counter-2", "minh")  # counter 2 has no printer
            await officer.ok("ticket.call_next")
            await officer.error("reentry.mark", "notifications_off", note=NOTE, phone="0912345678", consent=True)
            reply = await officer.ok("reentry.mark", note=NOTE)
            assert (reply["printed"], reply["print_error"]) == (False, "Quầy này không có máy in. This counter has no printer.")
            clock.advance(days=15)  # past Monday 7 December
            error = await refused(kiosk, "reentry_expired", reply["reentry"]["code"])
            assert error["details"]["valid_until"] == "2026-12-07"

    run(scenario())


def test_zalo_without_a_reentry_template_is_refused_before_anything_is_kept(db_path, clock: Clock, tmp_path: Path) -> None:
    gateway = Gateway()

    async def scenario() -> None:
        async with running_lobby(db_path, reentry_site(tmp_path / "printer", gateway, Channel.ZALO), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            officer = await lobby.officer("counter-1", "lan")
            await officer.ok("ticket.call_next")
            seq = lobby.hub.lobby.seq
            await officer.error("reentry.mark", "notifications_off", note=NOTE, phone="0912345678", consent=True)
            assert lobby.hub.lobby.seq == seq and not lobby.hub.lobby.state.reentries

    try:
        run(scenario())
    finally:
        gateway.close()
