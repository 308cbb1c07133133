"""``motcua-hw`` commands for scanners: read a scanner, run a simulator.

    motcua-hw scan --scanner serial:///dev/ttyACM0?baudrate=9600 --count 1
    motcua-hw scan --scanner sim://kiosk-1
    motcua-hw sim-scanner --name kiosk-1                 (runs until Ctrl-C)
    motcua-hw sim-scanner --name kiosk-1 --send ABCD2345 (from another shell)

``scan`` prints each code as read, with its source and symbology: what kind of code it is
for the kiosk (ticket, booking, dossier…) is the kiosk's to say (``motcua-kiosk classify-code``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from typing import Any

from hardware.scanner.dedup import DEFAULT_WINDOW
from hardware.scanner.events import ScanEvent
from hardware.scanner.lines import Terminator
from hardware.scanner.open import open_scanner
from hardware.scanner.stream import ScanStream
from hardware.simulators.control import ControlError, request
from hardware.simulators.foreground import serve_until_signal
from hardware.simulators.paths import SimPaths
from hardware.simulators.scanner import SimulatedScanner
from hardware.urls import InvalidDeviceURL

__all__ = ["add_commands"]


def _out(text: str) -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def add_commands(subparsers: Any) -> None:
    scan = subparsers.add_parser(
        "scan",
        help="read codes from scanners and print them with their symbology",
        description="Print every code the scanners read: source, symbology and code, tab-separated.",
    )
    scan.add_argument("--scanner", action="append", required=True, metavar="URL",
                      help="scanner URL (serial://, hid://, sim://); repeat for several")
    scan.add_argument("--count", type=int, metavar="N", help="stop after N codes")
    scan.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    scan.add_argument("--dedup-window", type=float, default=DEFAULT_WINDOW, metavar="S",
                      help="the same code within S seconds counts once (default %(default)s)")
    scan.set_defaults(func=run_scan)

    sim = subparsers.add_parser(
        "sim-scanner",
        help="run a simulated serial scanner, or make a running one scan a code",
        description="Without --send or --raw: run a simulated scanner on a pty until Ctrl-C. "
        "With them: make the running simulator NAME send codes.",
    )
    sim.add_argument("--name", default="scanner", help="simulator name (default %(default)s)")
    sim.add_argument("--dir", metavar="DIR", help="where the tty link and control socket go "
                     "(default $MOTCUA_SIM_DIR or var/sim)")
    sim.add_argument("--send", action="append", metavar="CODE", help="scan CODE (repeatable)")
    sim.add_argument("--raw", metavar="HEX", help="send raw bytes, e.g. 'ff00 0d0a'")
    sim.add_argument("--terminator", choices=[t.value for t in Terminator if t is not Terminator.ANY],
                     default="crlf", help="what ends each code (default %(default)s)")
    sim.add_argument("--prefix", default="", help="text sent before each code")
    sim.add_argument("--suffix", default="", help="text sent after each code")
    sim.add_argument("--duration", type=float, metavar="S", help=argparse.SUPPRESS)
    sim.set_defaults(func=run_sim_scanner)


def _format(event: ScanEvent) -> str:
    return f"{event.source}\t{event.symbology.value}\t{event.code}"


def run_scan(args: argparse.Namespace) -> int:
    try:
        sources = [open_scanner(url) for url in args.scanner]
    except (InvalidDeviceURL, ValueError) as exc:
        _err(f"motcua-hw scan: {exc}")
        return 2
    try:
        seen = asyncio.run(_scan(sources, args))
    except KeyboardInterrupt:
        return 0
    return 1 if args.count and seen < args.count else 0


async def _scan(sources: list[Any], args: argparse.Namespace) -> int:
    seen = 0
    async with ScanStream(sources, dedup_window=args.dedup_window) as stream:
        _err(f"reading {', '.join(args.scanner)}; Ctrl-C to stop")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.timeout):
                async for event in stream:
                    _out(_format(event))
                    seen += 1
                    if args.count and seen >= args.count:
                        break
    return seen


def run_sim_scanner(args: argparse.Namespace) -> int:
    try:
        paths = SimPaths.of(args.name, args.dir)
    except ValueError as exc:
        _err(f"motcua-hw sim-scanner: {exc}")
        return 2
    if args.send or args.raw:
        try:
            if args.raw:
                request(paths.control, {"op": "raw", "hex": args.raw})
                _out(f"{args.name}: sent raw bytes")
            for code in args.send or ():
                request(paths.control, {"op": "scan", "code": code})
                _out(f"{args.name}: scanned {code}")
        except (ControlError, OSError) as exc:
            _err(f"motcua-hw sim-scanner: {exc}")
            return 1
        return 0
    try:
        device = SimulatedScanner(
            paths,
            terminator=Terminator(args.terminator),
            prefix=args.prefix.encode("latin-1"),
            suffix=args.suffix.encode("latin-1"),
        )
        serve_until_signal(device, _out, duration=args.duration)
    except (ControlError, OSError, UnicodeEncodeError) as exc:
        _err(f"motcua-hw sim-scanner: {exc}")
        return 1
    return 0
