"""Dossiers at the kiosk, real Kivy window against a real server: scanning a receipt shows
where the dossier is in working days (in progress, late), and a ready dossier offers one
tap to a number in the result-collection field, carrying the dossier's code on screen and
paper; a second scan gives the same number."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PIL import Image

from hardware.printer.canvas import Text, render_blocks
from hardware.printer.fonts import Weight
from hardware.printer.sim import list_jobs
from hardware.scanner.dedup import DEFAULT_WINDOW
from hardware.simulators.scanner import SimulatedScanner
from kiosk.core.decisions import Notice, due_line, pickup_refusal
from kiosk.core.documents import ticket_footer
from kiosk.core.texts import Catalogue, Language
from queue_server.core import commands
from tests.kiosk.support import (
    ARTEFACTS,
    INTEGRATION_TOKEN,
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

DEDUP = DEFAULT_WINDOW + 0.2  # the same code scanned again within the window counts once
# Monday 2026-11-23 (the test clock); Wednesday the 25th is a holiday in this site's calendar
CALENDAR = '\n[dossiers]\nwarn_working_days = 1\nholidays = [2026-11-25]\npickup_service = "KQ"\n'
IN_PROGRESS = {"code": "000.00.16.H12-261118-0001", "status": "processing", "procedure": "Đăng ký khai sinh",
               "department": "Phòng Tư pháp", "due_date": "2026-11-27", "version": 1}  # 24, 26, 27: 3 working days
LATE = {"code": "000.00.16.H12-261101-0002", "status": "supplement", "department": "Văn phòng Đăng ký đất đai",
        "due_date": "2026-11-18", "version": 1}  # 19, 20, 23: 3 working days late
READY = {"code": "000.00.16.H12-261110-0003", "status": "ready", "procedure": "Cấp giấy phép xây dựng",
         "due_date": "2026-11-24", "collect_at": "Quầy 1", "version": 4}  # fmt: skip


def test_receipts_in_progress_late_and_ready_and_the_pick_up_ticket(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    site.write_text(site.read_text(encoding="utf-8") + CALENDAR, encoding="utf-8")
    config = load(site)
    shots = ARTEFACTS / "dossier-pickup"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            for dossier in (IN_PROGRESS, LATE, READY):
                await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **dossier)
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)

                scanner.scan(IN_PROGRESS["code"])
                shown = text(await kiosk.wait_screen("dossier_result"))
                for part in ("Đang xử lý", "Phòng Tư pháp", "27/11/2026", "Còn 3 ngày làm việc đến ngày hẹn trả."):
                    assert part in shown, (part, shown)
                assert "Lấy số nhận kết quả" not in shown  # nothing to collect yet
                await kiosk.shot("01-in-progress")
                await kiosk.tap("back")

                await kiosk.wait_screen("home")
                scanner.scan(LATE["code"])
                shown = text(await kiosk.wait_screen("dossier_result"))
                assert "Quá hạn" in shown and "Đã quá hạn 3 ngày làm việc." in shown, shown
                assert "Lấy số nhận kết quả" not in shown
                await kiosk.shot("02-late")
                await kiosk.tap("back")

                await kiosk.wait_screen("home")
                scanner.scan(READY["code"])
                shown = text(await kiosk.wait_screen("dossier_result"))
                assert "Đã có kết quả – mời đến nhận" in shown and "Lấy số nhận kết quả" in shown, shown
                await kiosk.shot("03-ready")
                jobs = len(list_jobs(workdir / "printer"))
                await kiosk.tap("pickup")  # one tap, no field to choose
                shown = text(await kiosk.wait_screen("ticket"))
                assert "K001" in shown and f"Hồ sơ: {READY['code']}" in shown and "Nhận kết quả" in shown, shown
                await kiosk.shot("04-pickup-ticket")
                assert (await kiosk.wait_printed())["fault"] is None
                assert len(list_jobs(workdir / "printer")) == jobs + 1
                ticket = (await kiosk.cmd("state"))["ticket"]
                assert (ticket["service"], ticket["dossier"]) == ("KQ", READY["code"])
                assert zbar(list_jobs(workdir / "printer")[-1].png) == [ticket["url"]]
                await kiosk.done()

                # the citizen scans the receipt again: the same number, not a second one
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEDUP)
                scanner.scan(READY["code"])
                await kiosk.wait_screen("dossier_result")
                await kiosk.tap("pickup")
                assert "K001" in text(await kiosk.wait_screen("ticket"))
                assert (await kiosk.wait_printed())["fault"] is None
                await kiosk.done()
                assert [t.dossier for t in hub.lobby.state.tickets.values()] == [READY["code"]]

                # the result is taken back meanwhile (a correction): the tap says so, no number
                await kiosk.wait_screen("home")
                await asyncio.sleep(DEDUP)
                scanner.scan(READY["code"])
                await kiosk.wait_screen("dossier_result")
                await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **{**READY, "status": "processing", "version": 5})
                await kiosk.tap("pickup")
                message = text(await kiosk.wait_screen("message"))
                assert f"Hồ sơ {READY['code']} chưa có kết quả" in message, message
                await kiosk.shot("05-not-ready-any-more")
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                assert len(hub.lobby.state.tickets) == 1
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())


# a counter of the result-collection field alone: the pick-up number is called there
COUNTER_10 = '\n[[counter]]\nnumber = 10\nname = "Quầy 10"\nservices = ["KQ"]\n'


def on_paper(paper: Image.Image, line: str, size: int, weight: Weight = Weight.REGULAR, inverted: bool = False) -> bool:
    """Whether the paper carries ``line`` as the 80 mm layouts draw a line of text (the same
    dots, row for row, anywhere down the strip): the paper read back, without OCR."""
    drawn = render_blocks([Text(line, size, weight, max_lines=2, inverted=inverted)], paper.width, paper.width // 24)
    rows = [drawn.crop((0, y, drawn.width, y + 1)).tobytes() for y in range(drawn.height)]
    strip = [paper.crop((0, y, paper.width, y + 1)).tobytes() for y in range(paper.height)]
    return any(strip[y : y + len(rows)] == rows for y in range(len(strip) - len(rows) + 1))


def test_a_pick_up_number_already_called_says_go_to_that_counter_now(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    """Quầy 10 calls K001 while the citizen is away; the receipt scanned again gives K001, and
    the screen and the paper say "Mời đến Quầy 10 ngay", not "0 người trước" and a wait."""
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    site.write_text(site.read_text(encoding="utf-8") + CALENDAR + COUNTER_10, encoding="utf-8")
    config = load(site)

    async def scenario() -> None:
        clock = Clock(config.site.tz)
        async with queue_server(config, workdir / "lobby.db", port, clock) as hub:
            await ask(port, INTEGRATION_TOKEN, "dossier.upsert", **READY)
            kiosk = await Kiosk.start(site, ARTEFACTS / "dossier-pickup-called")
            try:
                await kiosk.wait_screen("home", 20)
                scanner.scan(READY["code"])
                await kiosk.wait_screen("dossier_result")
                await kiosk.tap("pickup")
                assert "K001" in text(await kiosk.wait_screen("ticket"))
                assert (await kiosk.wait_printed())["fault"] is None
                await kiosk.done()
                await kiosk.wait_screen("home")

                await hub.execute(commands.SignIn(now=clock(), counter=10, officer="Nguyễn Thị Lan"))
                await hub.execute(commands.OpenCounter(now=clock(), counter=10))
                await hub.execute(commands.CallNext(now=clock(), counter=10))  # "Mời … số K001 đến quầy số 10"
                await asyncio.sleep(DEDUP)
                scanner.scan(READY["code"])
                await kiosk.wait_screen("dossier_result")
                await kiosk.tap("pickup")
                shown = text(await kiosk.wait_screen("ticket"))
                assert "K001" in shown and "Mời đến Quầy 10 ngay" in shown, shown
                assert "Please go to counter 10 now" in shown and "trước bạn" not in shown, shown
                await kiosk.shot("called-go-now")
                assert (await kiosk.wait_printed())["fault"] is None
                paper = Image.open(list_jobs(workdir / "printer")[-1].png).convert("1")
                assert on_paper(paper, "Mời đến Quầy 10 ngay", 30, Weight.BOLD, inverted=True)
                assert on_paper(paper, "Please go to counter 10 now", 20)
                assert not on_paper(paper, "Mời đến Quầy 1 ngay", 30, Weight.BOLD, inverted=True)
                await kiosk.done()
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())


def test_the_pure_parts_of_the_pick_up() -> None:
    texts = Catalogue(Language.VI)
    assert ticket_footer({"dossier": "A.1-261120-001"}, texts) == "Nhận kết quả hồ sơ A.1-261120-001"
    assert ticket_footer({"dossier": None}, texts) == ""
    assert pickup_refusal("dossier_not_ready", {}, "A.1-261120-001", "Nhận kết quả") == Notice("pickup.not_ready", {"code": "A.1-261120-001"})
    assert pickup_refusal("pickup_unavailable", {}, "X-1", "KQ") == Notice("pickup.unavailable")
    assert pickup_refusal("dossier_unknown", {}, "X-1", "KQ") == Notice("dossier.unknown", {"code": "X-1"})
    assert pickup_refusal("service_full", {}, "X-1", "Nhận kết quả") == Notice("issue.full", {"name": "Nhận kết quả"})
    assert due_line({"progress": "in_time", "days_left": 4}) == ("dossier.due_left", {"days": 4})
    assert due_line({"progress": "due_soon", "days_left": 0}) == ("dossier.due_today", {})
    assert due_line({"progress": "overdue", "days_late": 0}) == ("dossier.late_today", {})
    assert due_line({"progress": "done_on_time"}) is None
