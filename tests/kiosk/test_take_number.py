"""Take a number at the kiosk: tap a field, the number shows large as soon as the server has
issued it, the ticket prints meanwhile with the ticket's own QR code, and the kiosk goes home
by itself; priority tickets; closed fields and
"Hết số" issue nothing; a double tap issues one ticket."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hardware.printer.sim import list_jobs
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, text, write_site, zbar
from tests.support.ports import free_port


def issued(hub, service: str) -> list:  # type: ignore[no-untyped-def]
    return [t for t in hub.lobby.state.tickets.values() if t.service == service]


def overlap(a: list[float], b: list[float]) -> float:
    """The area two boxes (x, y, right, top) share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


async def assert_laid_out(kiosk: Kiosk, number: str, shot: Path) -> None:
    """The ticket screen as drawn in the real window: the number's text inside the window, no two
    labels' texts on top of each other, and the number's area of the screenshot not blank."""
    from PIL import Image, ImageStat

    layout = await kiosk.cmd("layout")
    width, height = layout["window"]
    labels = layout["labels"]
    (box,) = [label["text_box"] for label in labels if label["text"] == number]
    assert 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height, (box, layout["window"])
    for i, one in enumerate(labels):
        for other in labels[i + 1 :]:
            shared = overlap(one["text_box"], other["text_box"])
            assert shared < 1, f"{one['text']!r} and {other['text']!r} overlap: {one['text_box']} {other['text_box']}"
    with Image.open(shot) as image:
        sx, sy = image.width / width, image.height / height  # window pixels to the PNG's (y down)
        area = image.convert("L").crop((box[0] * sx, (height - box[3]) * sy, box[2] * sx, (height - box[1]) * sy))
        assert ImageStat.Stat(area).stddev[0] > 10, "the ticket number's area of the screen is blank"


def test_taking_numbers_priority_closed_full_and_double_tap(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    config = load(site)
    printer = workdir / "printer"
    shots = ARTEFACTS / "take-number"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            kiosk = await Kiosk.start(site, shots)
            try:
                home = await kiosk.wait_screen("home", 20)
                texts = text(home)
                assert "Mời chọn lĩnh vực để lấy số thứ tự" in texts
                assert "Hộ tịch" in texts and "Civil status" in texts
                assert "Ngoài giờ phục vụ" in texts  # XD opens 07:30-08:30 only
                await kiosk.shot("01-home")

                # a number: shown, printed, QR = the ticket's URL
                await kiosk.tap("tile:HT")
                shown = await kiosk.wait_screen("ticket")
                ticket = (await kiosk.cmd("state"))["ticket"]
                assert ticket["label"] == "A001" and "A001" in shown["texts"]
                assert "Số người đang chờ trước bạn: 0" in text(shown)
                assert (await kiosk.wait_printed())["fault"] is None
                assert "Mời nhận phiếu bên dưới." in text(await kiosk.wait_text("Mời nhận phiếu bên dưới."))
                await assert_laid_out(kiosk, "A001", await kiosk.shot("02-ticket-A001"))
                server_ticket = issued(hub, "HT")[0]
                assert ticket["url"] == f"http://hcc.test/t/{server_ticket.code}"
                jobs = list_jobs(printer)
                assert len(jobs) == 1
                assert zbar(jobs[0].png) == [ticket["url"]]
                # back home by itself after result_seconds (6 s)
                await kiosk.wait_screen("home", 10)

                # a double tap: one ticket
                await kiosk.tap("tile:DD", times=2)
                await kiosk.wait_said("tap on DD ignored")  # the second tap, refused as it came
                await kiosk.wait_screen("ticket")
                await kiosk.wait_printed()
                assert len(issued(hub, "DD")) == 1
                assert len(list_jobs(printer)) == 2
                await kiosk.done()
                await kiosk.wait_screen("home")

                # priority: category, then the field
                await kiosk.tap("priority")
                categories = await kiosk.wait_screen("priority")
                assert "Người cao tuổi" in text(categories)
                await kiosk.shot("03-priority-categories")
                await kiosk.tap("category:elderly")
                await asyncio.sleep(0.2)
                await kiosk.shot("04-priority-fields")
                await kiosk.tap("tile:DKKD")
                shown = await kiosk.wait_screen("ticket")
                assert "Vé ưu tiên" in text(shown)
                assert [t.priority for t in issued(hub, "DKKD")] == ["elderly"]
                await kiosk.wait_printed()
                await kiosk.shot("05-priority-ticket")
                assert zbar(list_jobs(printer)[-1].png) == [(await kiosk.cmd("state"))["ticket"]["url"]]
                await kiosk.done()

                # a closed field: a clear message, nothing issued
                await kiosk.wait_screen("home")
                await kiosk.tap("tile:XD")
                message = await kiosk.wait_screen("message")
                assert "Xây dựng: ngoài giờ phục vụ. Mở lại lúc 07:30 24/11/2026." in text(message)
                await kiosk.shot("06-closed")
                assert issued(hub, "XD") == []
                await kiosk.tap("back")

                # Hết số: KQ gives one number a day
                await kiosk.wait_screen("home")
                await kiosk.tap("tile:KQ")
                await kiosk.wait_screen("ticket")
                await kiosk.done()
                await kiosk.wait_screen("home")
                home = await kiosk.wait_text("Hết số hôm nay")  # the tiles follow the server's events
                assert "Hết số hôm nay" in text(home)
                await kiosk.shot("07-home-het-so")
                await kiosk.tap("tile:KQ")
                message = await kiosk.wait_screen("message")
                assert "Nhận kết quả: đã hết số thứ tự hôm nay" in text(message)
                assert len(issued(hub, "KQ")) == 1
                assert len(list_jobs(printer)) == 4

                # English
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                await kiosk.tap("language")
                home = await kiosk.cmd("screen")
                assert "Choose a field to take a number" in text(home)
                # the body follows the citizen's choice; the title stays Vietnamese first
                english = text(home)
                assert english.index("Mời chọn lĩnh vực để lấy số thứ tự") < english.index("Choose a field to take a number"), english
                await kiosk.shot("08-home-english")
                await kiosk.tap("language")
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())
