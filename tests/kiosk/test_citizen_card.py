"""A chip ID card (CCCD) at the kiosk, real Kivy window against a real server: the card's QR
code (UTF-8, Vietnamese names) read through the scanner's pty, the consent screen with the
number masked, today's appointment found and checked in with one tap, a card with nothing
found, and a malformed card — with the number never on screen in full."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hardware.scanner.dedup import DEFAULT_WINDOW
from hardware.simulators.scanner import SimulatedScanner
from tests.kiosk.support import (
    ARTEFACTS,
    INTEGRATION_TOKEN,
    MANAGER_TOKEN,
    Clock,
    Kiosk,
    ask,
    load,
    queue_server,
    text,
    write_site,
)
from tests.support.ports import free_port

# Made for these tests in the card's format; no real person's numbers.
AN = "001099012345|187654321|Nguyễn Văn An|15031999|Nam|Thôn 1, xã Bình An, huyện Thạch Thất, Hà Nội|20042021"
BINH = "079301004567||Trần Thị Bình|02112001|Nữ|12 Lê Lợi, phường Bến Nghé, quận 1, TP. Hồ Chí Minh|10072022"
BROKEN = "001099012345|187654321|Nguyễn Văn An|15031999|Nam|Thôn 1"  # a misread: fields missing


def scan_card(scanner: SimulatedScanner, card: str) -> None:
    scanner.write(card.encode("utf-8") + b"\r\n")  # a QR scanner sends the card's UTF-8 as it is


def test_a_citizen_card_finds_today_s_appointment_and_dossiers_after_consent(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    site.write_text(site.read_text(encoding="utf-8") + '\n[dossiers]\npickup_service = "KQ"\n', encoding="utf-8")
    config = load(site)
    shots = ARTEFACTS / "citizen-card"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            booked = await ask(port, MANAGER_TOKEN, "appointment.book", service="HT",
                               slot_start="2026-11-23T09:15:00+07:00", id_number="001099012345")  # fmt: skip
            code = booked["appointment"]["code"]
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code="000.00.16.H12-261110-0501", status="ready",
                      procedure="Cấp giấy phép xây dựng", applicant_id="001099012345")  # fmt: skip
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)

                scan_card(scanner, AN)
                shown = text(await kiosk.wait_screen("citizen"))
                assert "•••••••••345" in shown and "Bạn đồng ý chứ?" in shown and "Đồng ý" in shown, shown
                assert "001099012345" not in shown and "Nguyễn Văn An" not in shown
                await kiosk.shot("01-consent")
                await kiosk.tap("consent")
                shown = text(await kiosk.wait_text("chạm vào lịch hẹn"))
                assert "Lịch hẹn 09:15 23/11/2026 – Hộ tịch: nhận số" in shown, shown
                assert "Hồ sơ 000.00.16.H12-261110-0501: Đã có kết quả – mời đến nhận" in shown, shown
                assert "001099012345" not in shown
                await kiosk.shot("02-found")
                await kiosk.tap(f"appointment:{code}")  # one tap checks the appointment in
                assert "Vé theo lịch hẹn" in text(await kiosk.wait_screen("ticket"))
                assert hub.lobby.state.appointments[code].state.value == "checked_in"
                assert (await kiosk.wait_printed())["fault"] is None
                await kiosk.done()

                # the same card again: the appointment is used, the dossier is still there
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEFAULT_WINDOW + 0.2)  # the same code within the window counts once
                scan_card(scanner, AN)
                await kiosk.wait_screen("citizen")
                await kiosk.tap("consent")
                shown = text(await kiosk.wait_text("chạm vào lịch hẹn"))
                assert "Lịch hẹn" not in shown and "000.00.16.H12-261110-0501" in shown
                await kiosk.tap("dossier:000.00.16.H12-261110-0501")
                assert "Lấy số nhận kết quả" in text(await kiosk.wait_screen("dossier_result"))
                await kiosk.tap("back")

                # a card with nothing booked and no dossier
                await kiosk.wait_screen("home")
                scan_card(scanner, BINH)
                await kiosk.wait_screen("citizen")
                await kiosk.tap("consent")
                shown = text(await kiosk.wait_text("Không tìm thấy lịch hẹn hôm nay"))
                assert "•••••••••567" in shown and "079301004567" not in shown
                await kiosk.shot("03-nothing-found")
                await kiosk.tap("back")

                # declining: nothing is sent
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEFAULT_WINDOW + 0.2)
                scan_card(scanner, BINH)
                await kiosk.wait_screen("citizen")
                before = _finds(hub)
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                assert _finds(hub) == before

                # a malformed card: a clear message, nothing sent
                scan_card(scanner, BROKEN)
                message = text(await kiosk.wait_screen("message"))
                assert "Không đọc được thẻ căn cước." in message, message
                await kiosk.shot("04-malformed")
                assert _finds(hub) == before
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
            finally:
                assert await kiosk.close() == 0
            assert "001099012345" not in kiosk.tail() and "Nguyễn" not in kiosk.tail()

    asyncio.run(scenario())


def _finds(hub) -> int:  # type: ignore[no-untyped-def]
    """How many ``citizen.find`` requests the server has answered (its metrics' counter)."""
    return sum(n for (op, _), n in hub.metrics.requests.items() if op == "citizen.find")
