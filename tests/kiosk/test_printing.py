"""The number is on screen as soon as the server has issued it, and the ticket prints
meanwhile: with a slow printer the number shows before the job is written; "Xong" during the
print waits for the paper; nobody gets a second ticket (nor a second job) while one prints;
paper running out after the number is shown puts the fault on the screen, reported once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from pathlib import Path

from hardware.printer.sim import SimState, list_jobs, save_state
from hardware.printer.status import PaperState
from hardware.simulators.scanner import SimulatedScanner
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, text, write_site
from tests.support.ports import free_port

SLOW = 3.0  # seconds the simulated printer takes for each job


def issued(hub, service: str) -> list:  # type: ignore[no-untyped-def]
    return [t for t in hub.lobby.state.tickets.values() if t.service == service]


def printer_reports(db: Path) -> list[tuple[bool, str]]:
    """Every printer report the server has logged (its events, in its SQLite file)."""
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute("SELECT data FROM events WHERE type = 'device.status' ORDER BY seq").fetchall()
    data = [json.loads(row[0]) for row in rows]
    return [(d["ok"], d["detail"]) for d in data if d["component"] == "printer"]


async def jobs_reach(printer: Path, count: int, limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while len(list_jobs(printer)) < count:
        assert time.monotonic() < deadline, f"{len(list_jobs(printer))} jobs after {limit} s, not {count}"
        await asyncio.sleep(0.05)


def test_the_number_shows_before_the_paper_one_ticket_at_a_time_and_a_late_fault(
    workdir: Path, scanner_url: str, scanner: SimulatedScanner
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    config = load(site)
    printer, db = workdir / "printer", workdir / "lobby.db"
    shots = ARTEFACTS / "printing"

    async def scenario() -> None:
        save_state(printer, SimState(delay=SLOW))
        async with queue_server(config, db, port, Clock(config.site.tz)) as hub:
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)

                # the number is on screen while its paper is still being printed
                await kiosk.tap("tile:HT")
                shown = await kiosk.wait_screen("ticket")
                assert "A001" in shown["texts"] and "Đang in phiếu…" in text(shown)
                state = await kiosk.cmd("state")
                assert state["printing"] and state["issuing"] == "printing"
                assert list_jobs(printer) == []
                await kiosk.shot("01-number-while-printing")

                # "Xong" while it prints: the kiosk stays until the paper is out, then goes home
                await kiosk.done()
                assert (await kiosk.cmd("screen"))["screen"] == "ticket" and list_jobs(printer) == []
                await kiosk.wait_screen("home", 10)
                assert len(list_jobs(printer)) == 1

                # one ticket at a time: while B001 prints, another citizen's scan takes the screen,
                # "back", and touches on a tile issue nothing until the paper is out
                await kiosk.tap("tile:DD")
                await kiosk.wait_screen("ticket")
                scanner.scan("hello")
                await kiosk.wait_screen("message")
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                await kiosk.tap("tile:DD", times=2)
                await asyncio.sleep(0.3)
                state = await kiosk.cmd("state")
                assert state["screen"] == "home" and state["issuing"] == "printing"
                assert len(issued(hub, "DD")) == 1 and len(list_jobs(printer)) == 1
                await jobs_reach(printer, 2)  # B001's paper; the home screen stays
                await asyncio.sleep(0.3)
                assert (await kiosk.cmd("state"))["screen"] == "home"

                # a double tap with the printer slow: one ticket; then the paper runs out while
                # its number is on screen: the fault replaces "printing", reported once
                await kiosk.tap("tile:DD", times=2)
                shown = await kiosk.wait_screen("ticket")
                assert "B002" in shown["texts"] and "Đang in phiếu…" in text(shown)
                save_state(printer, SimState(paper=PaperState.OUT, delay=SLOW))
                shown = await kiosk.wait_text("Máy in đang gặp sự cố (hết giấy)", 10)
                assert "B002" in shown["texts"] and "Đang in phiếu…" not in text(shown)
                await kiosk.shot("02-paper-out-after-the-number")
                assert len(issued(hub, "DD")) == 2 and len(list_jobs(printer)) == 2
                assert printer_reports(db) == [(False, "paper_out")]

                # the next ticket with the paper still out: the same message, not reported again
                await kiosk.done()
                await kiosk.wait_screen("home")
                await kiosk.tap("tile:HT")
                shown = await kiosk.wait_text("Máy in đang gặp sự cố (hết giấy)")
                assert "A002" in shown["texts"]
                assert printer_reports(db) == [(False, "paper_out")]
            finally:
                assert await kiosk.close() == 0

    asyncio.run(scenario())
