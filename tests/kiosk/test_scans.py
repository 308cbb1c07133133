"""Scans and codes at the kiosk: appointment check-in by scan and by keypad (on time, early,
late, wrong day, unknown), dossier lookup by scan and by typing (with print), and scans the
kiosk cannot use (another centre's, unreadable) — each with its own message."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hardware.printer.sim import list_jobs
from hardware.simulators.scanner import SimulatedScanner
from queue_server.core.codes import format_booking_code
from tests.kiosk.support import (
    ARTEFACTS,
    INTEGRATION_TOKEN,
    PUBLIC_URL,
    Clock,
    Kiosk,
    ask,
    load,
    queue_server,
    text,
    write_site,
    zbar,
)
from tests.support.ports import free_port

DOSSIER = {
    "code": "000.00.16.H12-261120-0001",
    "status": "processing",
    "procedure": "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "department": "Phòng Quản lý đô thị",
    "due_date": "2026-11-30",
    "collect_at": "Quầy 10 – Trả kết quả",
}


async def book(port: int, slot: str) -> str:
    from queue_server.protocol.client import QueueClient

    client = QueueClient(f"ws://127.0.0.1:{port}/")  # a citizen's phone: no token
    task = asyncio.create_task(client.run())
    try:
        await client.wait_connected(5)
        reply = await client.request("appointment.book", service="HT", slot_start=slot)
    finally:
        await client.close()
        task.cancel()
    return reply["appointment"]["code"]


def test_appointments_and_dossiers_by_scan_and_keypad(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    config = load(site)
    clock = Clock(config.site.tz)
    shots = ARTEFACTS / "scans"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, clock) as hub:
            on_time = await book(port, "2026-11-23T09:15:00+07:00")
            late = await book(port, "2026-11-23T09:15:00+07:00")
            early = await book(port, "2026-11-23T10:00:00+07:00")
            tomorrow = await book(port, "2026-11-24T09:00:00+07:00")
            link = (await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **DOSSIER))["url"]  # the receipt's QR code
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)

                # on time, by scanning the booking's QR code from the home screen
                scanner.scan(f"{PUBLIC_URL}/b/{on_time}")
                shown = await kiosk.wait_screen("ticket")
                assert "Vé theo lịch hẹn" in text(shown)
                await kiosk.shot("01-checkin-on-time")
                ticket = (await kiosk.cmd("state"))["ticket"]
                assert ticket["appointment"] == on_time
                assert hub.lobby.state.appointments[on_time].state.value == "checked_in"
                assert (await kiosk.wait_printed())["fault"] is None
                assert zbar(list_jobs(workdir / "printer")[-1].png) == [ticket["url"]]
                await kiosk.done()
                await kiosk.wait_screen("home")

                # early, typed on the keypad (with the hyphen people see on their booking)
                await kiosk.tap("checkin")
                await kiosk.wait_screen("checkin")
                await kiosk.cmd("type", text=early[:5])
                await kiosk.shot("02-checkin-keypad")
                await kiosk.tap("submit")
                assert "8 ký tự" in text(await kiosk.cmd("screen"))
                await kiosk.cmd("type", text=early[5:])
                assert format_booking_code(early) in text(await kiosk.cmd("screen"))
                await kiosk.tap("submit")
                message = await kiosk.wait_screen("message")
                assert "Bạn đến sớm. Mời quay lại nhận số từ 09:45 23/11/2026." in text(message)
                await kiosk.shot("03-checkin-early")
                await kiosk.tap("back")

                # wrong day and unknown, typed
                for code, expected, shot in (
                    (tomorrow, "Lịch hẹn này không phải hôm nay (24/11/2026)", "04-checkin-wrong-day"),
                    ("ABCD2345", "Không tìm thấy lịch hẹn với mã này.", "05-checkin-unknown"),
                ):
                    await kiosk.wait_screen("home")
                    await kiosk.tap("checkin")
                    await kiosk.wait_screen("checkin")
                    await kiosk.cmd("type", text=code)
                    await kiosk.tap("submit")
                    message = await kiosk.wait_screen("message")
                    assert expected in text(message), text(message)
                    await kiosk.shot(shot)
                    await kiosk.tap("back")
                assert hub.lobby.state.appointments[early].state.value == "booked"

                # late: an ordinary ticket, and the screen says why
                clock.advance(minutes=30)
                await kiosk.wait_screen("home")
                scanner.scan(f"{PUBLIC_URL}/b/{late}")
                shown = await kiosk.wait_screen("ticket")
                assert "Bạn đến muộn hơn giờ hẹn" in text(shown)
                await kiosk.shot("06-checkin-late")
                await kiosk.done()

                # dossier by scanning the receipt's barcode, then printed
                await kiosk.wait_screen("home")
                scanner.scan(DOSSIER["code"])
                result = await kiosk.wait_screen("dossier_result")
                shown_text = text(result)
                for part in ("Đang xử lý", "Phòng Quản lý đô thị", "30/11/2026", "Quầy 10 – Trả kết quả",
                             "Cấp giấy phép xây dựng nhà ở riêng lẻ"):  # fmt: skip
                    assert part in shown_text, part
                await kiosk.shot("07-dossier-scanned")
                jobs = len(list_jobs(workdir / "printer"))
                await kiosk.tap("print")
                await asyncio.sleep(1.0)
                assert len(list_jobs(workdir / "printer")) == jobs + 1
                assert "Đã in phiếu tra cứu." in text(await kiosk.cmd("screen"))
                assert "?k=" in link and zbar(list_jobs(workdir / "printer")[-1].png) == [link]  # the slip: the link
                await kiosk.tap("back")

                # the receipt's QR code (the link with its check) shows the dossier as its barcode does
                await kiosk.wait_screen("home")
                scanner.scan(link)
                result = await kiosk.wait_screen("dossier_result")
                assert "Phòng Quản lý đô thị" in text(result) and "Đang xử lý" in text(result)
                await kiosk.shot("07b-dossier-link-scanned")
                await kiosk.tap("back")

                # dossier typed, lower-case letters not needed: the keypad has capitals
                await kiosk.wait_screen("home")
                await kiosk.tap("dossier")
                await kiosk.wait_screen("dossier")
                await kiosk.cmd("type", text=DOSSIER["code"])
                await kiosk.shot("08-dossier-keypad")
                await kiosk.tap("submit")
                assert "Đang xử lý" in text(await kiosk.wait_screen("dossier_result"))
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                await kiosk.tap("dossier")
                await kiosk.wait_screen("dossier")
                await kiosk.cmd("type", text="000.00.16.H12-261120-0999")
                await kiosk.tap("submit")
                message = await kiosk.wait_screen("message")
                assert "Không tìm thấy hồ sơ có mã 000.00.16.H12-261120-0999" in text(message)
                await kiosk.shot("09-dossier-unknown")
                await kiosk.tap("back")

                # scans the kiosk cannot use: each with its own message, no crash
                for scan, expected, shot in (
                    (lambda: scanner.scan("https://other-centre.example/t/ABCDEFGH23"),
                     "Mã này không phải của Trung tâm này.", "10-scan-other-centre"),
                    (lambda: scanner.write(b"\xff\xfe\x01\r\n"), "Không đọc được mã.", "11-scan-unreadable"),
                    (lambda: scanner.scan("HELLO WORLD"), "Mã này không phải lịch hẹn, số thứ tự hay biên nhận hồ sơ.",
                     "12-scan-unknown"),
                ):  # fmt: skip
                    await kiosk.wait_screen("home")
                    scan()
                    message = await kiosk.wait_screen("message")
                    assert expected in text(message), text(message)
                    await kiosk.shot(shot)
                    await kiosk.tap("back")
                await kiosk.wait_screen("home")
                assert len(hub.lobby.state.tickets) == 2  # the two check-ins, nothing else
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())
