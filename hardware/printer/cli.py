"""``motcua-hw`` printer commands: ``print-test``, ``printer-status``, ``sim-printer``."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

from hardware.printer.connect import printer_from_url
from hardware.printer.errors import InvalidTicket, PrinterError
from hardware.printer.samples import sample_queue_ticket
from hardware.printer.sim import STATE_FILE, clear_jobs, list_jobs, load_state, save_state
from hardware.printer.status import PaperState
from hardware.urls import InvalidDeviceURL

__all__ = ["add_commands"]

logger = logging.getLogger(__name__)

_URL_HELP = (
    "printer URL: usb://VID:PID, serial:///dev/ttyUSB0?baudrate=19200, tcp://HOST:9100, "
    "file:///dev/usb/lp0, cups://QUEUE or sim://DIR"
)


def _fail(message: str, code: int = 1) -> int:
    print(f"motcua-hw: {message}", file=sys.stderr)
    return code


def print_test(args: argparse.Namespace) -> int:
    try:
        printer = printer_from_url(args.printer, width=args.width)
        ticket = sample_queue_ticket(issued_at=dt.datetime.now().replace(microsecond=0))
        with printer:
            job = printer.print(ticket)
    except InvalidDeviceURL as error:
        return _fail(str(error), 2)
    except (PrinterError, InvalidTicket) as error:
        return _fail(f"{type(error).__name__}: {error}")
    print(f"{printer.name}: printed a test ticket, {printer.width} dots wide, {job.size} bytes")
    print(f"status before printing: {job.status.describe()}")
    return 0


def printer_status(args: argparse.Namespace) -> int:
    try:
        printer = printer_from_url(args.printer)
        with printer:
            status = printer.status()
    except InvalidDeviceURL as error:
        return _fail(str(error), 2)
    except PrinterError as error:
        return _fail(f"{type(error).__name__}: {error}")
    print(f"{printer.name}: {status.describe()}")
    ready = not (status.cover_open or status.online is False or status.paper is PaperState.OUT)
    return 0 if ready else 3


def sim_printer(args: argparse.Namespace) -> int:
    directory = Path(args.dir)
    changes: dict[str, Any] = {}
    if args.paper is not None:
        changes["paper"] = PaperState(args.paper)
    if args.online is not None:
        changes["online"] = args.online
    if args.cover_open is not None:
        changes["cover_open"] = args.cover_open
    if args.delay is not None:
        changes["delay"] = max(0.0, args.delay)
    if args.reset:
        (directory / STATE_FILE).unlink(missing_ok=True)
    state = load_state(directory)
    if changes:
        state = dataclasses.replace(state, **changes)
        save_state(directory, state)
    if args.clear:
        print(f"deleted {clear_jobs(directory)} job(s)")
    print(f"{directory}: {state.status().describe()}, {state.delay:g} s per job")
    if args.list:
        for job in list_jobs(directory):
            print(f"  job {job.number:4d}  {job.png}  {job.raw.stat().st_size} bytes")
    return 0


def add_commands(commands: Any) -> None:
    """Add the printer commands to ``motcua-hw``'s sub-command parser."""
    test = commands.add_parser(
        "print-test",
        help="print a test ticket (Vietnamese text and a QR code)",
        description="Print a sample queue ticket with every Vietnamese letter and a QR code, "
        "after checking the printer's status where the connection can tell.",
    )
    test.add_argument("--printer", required=True, metavar="URL", help=_URL_HELP)
    test.add_argument(
        "--width",
        type=int,
        metavar="DOTS",
        help="paper width in dots: 384 (58 mm), 512 (TM-T88), 576 (80 mm); overrides the URL's width=",
    )
    test.set_defaults(func=print_test)

    status = commands.add_parser(
        "printer-status",
        help="ask a printer whether it is online, has paper and its cover closed",
        description="Ask the printer's status (DLE EOT). Exit status 0 when it can print, 3 when "
        "it cannot, 1 on another error; a connection that cannot answer reports 'unknown'.",
    )
    status.add_argument("--printer", required=True, metavar="URL", help=_URL_HELP)
    status.set_defaults(func=printer_status)

    sim = commands.add_parser(
        "sim-printer",
        help="set the simulated printer's state (paper, online, cover, delay) or list its jobs",
        description="Change the state of a sim://DIR printer, even while a kiosk uses it, "
        "through DIR/state.json; list or delete the jobs it kept.",
    )
    sim.add_argument(
        "--dir", required=True, metavar="DIR", help="the simulated printer's folder (the DIR of sim://DIR)"
    )
    sim.add_argument(
        "--paper",
        choices=[state.value for state in PaperState if state is not PaperState.UNKNOWN],
        help="paper state",
    )
    online = sim.add_mutually_exclusive_group()
    online.add_argument(
        "--offline",
        dest="online",
        action="store_false",
        default=None,
        help="the printer reports it is offline",
    )
    online.add_argument(
        "--online", dest="online", action="store_true", default=None, help="the printer is online again"
    )
    cover = sim.add_mutually_exclusive_group()
    cover.add_argument(
        "--cover-open", dest="cover_open", action="store_true", default=None, help="open the paper cover"
    )
    cover.add_argument(
        "--cover-closed", dest="cover_open", action="store_false", default=None, help="close the paper cover"
    )
    sim.add_argument(
        "--delay", type=float, metavar="SECONDS", help="make every job take this long (0: instant)"
    )
    sim.add_argument(
        "--reset",
        action="store_true",
        help="forget states set here (back to the sim:// URL's state) before applying the other options",
    )
    sim.add_argument("--list", action="store_true", help="list the jobs printed so far")
    sim.add_argument("--clear", action="store_true", help="delete the jobs printed so far")
    sim.set_defaults(func=sim_printer)
