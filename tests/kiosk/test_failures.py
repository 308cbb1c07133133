"""When things go wrong at the kiosk: the printer runs out of paper (the ticket still stands,
shown with its QR code, the fault reported), the server goes away ("Tạm ngưng phục vụ",
nothing issued, back by itself), nobody touches the screen (back home, code forgotten);
and the kiosk mode with its hidden admin page (gesture + PIN)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from hardware.printer.sim import SimState, list_jobs, save_state
from hardware.printer.status import PaperState
from tests.kiosk.support import (
    ADMIN_PIN,
    ARTEFACTS,
    MANAGER_TOKEN,
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


async def printer_status(port: int) -> list[dict]:  # type: ignore[type-arg]
    snapshot = (await ask(port, MANAGER_TOKEN, "queue.snapshot"))["snapshot"]
    return [d for d in snapshot["device_status"] if d.get("component") == "printer"]


def test_printer_fault_server_loss_idle_and_admin(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url, idle_seconds=5)
    config = load(site)
    clock = Clock(config.site.tz)
    printer = workdir / "printer"
    shots = ARTEFACTS / "failures"

    async def scenario() -> None:
        kiosk = None
        try:
            async with queue_server(config, workdir / "lobby.db", port, clock) as hub:
                kiosk = await Kiosk.start(site, shots)
                await kiosk.wait_screen("home", 20)
                state = await kiosk.cmd("state")
                assert state["fullscreen_cursor"] == "0" and state["exit_on_escape"] == "0"
                assert state["window"] == [1920, 1080]

                # out of paper: one ticket, shown with its QR code, the fault reported
                save_state(printer, SimState(paper=PaperState.OUT))
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                await kiosk.wait_text("Máy in đang gặp sự cố (hết giấy)")
                shot = await kiosk.shot("01-paper-out")
                ticket = (await kiosk.cmd("state"))["ticket"]
                assert zbar(shot) == [ticket["url"]]  # the screen's QR code is the ticket's
                assert list_jobs(printer) == [] and len(hub.lobby.state.tickets) == 1
                faults = await printer_status(port)
                assert [(d["ok"], d["detail"]) for d in faults] == [(False, "paper_out")]
                await kiosk.done()
                # paper back: the next ticket prints, and the mend is reported
                save_state(printer, SimState())
                await kiosk.wait_screen("home")
                await kiosk.tap("tile:DD")
                await kiosk.wait_screen("ticket")
                await kiosk.wait_text("Mời nhận phiếu bên dưới.")
                assert len(list_jobs(printer)) == 1
                assert [d["ok"] for d in await printer_status(port)] == [True]
                await kiosk.done()

                # idle: back home, the half-typed code forgotten
                await kiosk.wait_screen("home")
                await kiosk.tap("checkin")
                await kiosk.wait_screen("checkin")
                await kiosk.cmd("type", text="AB")
                assert (await kiosk.cmd("state"))["code_checkin"] == "AB"
                await kiosk.wait_screen("home", 9)
                assert (await kiosk.cmd("state"))["code_checkin"] == ""

                # kiosk mode: Escape and closing the window do nothing
                await kiosk.cmd("key", code=27)
                assert (await kiosk.cmd("screen"))["screen"] == "home"

                # the hidden gesture: five taps on the clock, then the PIN
                for _ in range(5):
                    await kiosk.tap("clock")
                await kiosk.wait_screen("admin")
                await kiosk.cmd("type", text="1111", prefix="pin")
                await kiosk.tap("open")
                assert "Sai mã PIN." in text(await kiosk.cmd("screen"))
                await kiosk.cmd("type", text=ADMIN_PIN, prefix="pin")
                await kiosk.tap("open")
                await asyncio.sleep(0.5)
                panel = text(await kiosk.cmd("screen"))
                assert "Kết nối máy chủ: đã kết nối" in panel and "Máy in: bình thường" in panel, panel
                assert "Máy quét: scanner" in panel
                await kiosk.tap("test_print")
                await asyncio.sleep(1.0)
                assert len(list_jobs(printer)) == 2
                assert "Đã in thử." in text(await kiosk.cmd("screen"))
                await kiosk.shot("02-admin")
                await kiosk.tap("close")
                await kiosk.wait_screen("home")

            # the server is gone: "Tạm ngưng phục vụ", and nothing can be issued
            shown = await kiosk.wait_screen("offline", 10)
            assert "Tạm ngưng phục vụ" in text(shown)
            await kiosk.shot("03-offline")
            for target in ("tile:HT", "priority", "checkin"):
                try:
                    await kiosk.tap(target)
                except AssertionError as exc:
                    assert "nothing named" in str(exc)
                else:
                    raise AssertionError(f"{target} can be tapped while offline")

            # back by itself when the server returns (same port, same database)
            async with queue_server(config, workdir / "lobby.db", port, clock) as hub:
                await kiosk.wait_screen("home", 15)
                await kiosk.tap("tile:HT")
                shown = await kiosk.wait_screen("ticket")
                assert "A002" in shown["texts"]  # the numbering carried on
                assert len(hub.lobby.state.tickets) == 3
                await kiosk.done()

                # exit from the admin page
                await kiosk.wait_screen("home")
                for _ in range(5):
                    await kiosk.tap("clock")
                await kiosk.wait_screen("admin")
                await kiosk.cmd("type", text=ADMIN_PIN, prefix="pin")
                await kiosk.tap("open")
                await asyncio.sleep(0.3)
                assert await kiosk.tap_to_exit("exit") == 0
        finally:
            if kiosk is not None:
                await kiosk.close()

    asyncio.run(scenario())
