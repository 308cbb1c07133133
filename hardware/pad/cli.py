"""``motcua-hw`` commands for rating pads: watch a pad bus, run a simulated one.

    motcua-hw pad --pad serial:///dev/ttyUSB0?protocol=qsystem --arm 2
    motcua-hw pad --pad sim://counter-bus --counter 2=5 --arm 2 --count 1
    motcua-hw sim-pad --name counter-bus                  (runs until Ctrl-C)
    motcua-hw sim-pad --name counter-bus --press 4 --address 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from typing import Any

from hardware.pad.arming import ArmingSettings
from hardware.pad.bus import PadBus
from hardware.pad.events import ArmExpired, KeyPress, PadCommand, PadEvent, RatingAccepted
from hardware.pad.open import open_pad_bus
from hardware.pad.wire import PadProtocol
from hardware.simulators.control import ControlError, request
from hardware.simulators.foreground import serve_until_signal
from hardware.simulators.pad import SimulatedPadBus
from hardware.simulators.paths import SimPaths
from hardware.urls import InvalidDeviceURL

__all__ = ["add_commands"]

TEST_TICKET = "TEST"


def _out(text: str) -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _counter_pair(text: str) -> tuple[int, str]:
    address, sep, counter = text.partition("=")
    if not sep or not counter:
        raise argparse.ArgumentTypeError(f"{text!r} is not ADDRESS=COUNTER")
    try:
        return int(address, 0), counter
    except ValueError:
        raise argparse.ArgumentTypeError(f"{address!r} is not a pad address") from None


def add_commands(subparsers: Any) -> None:
    pad = subparsers.add_parser(
        "pad",
        help="watch a rating pad bus: print presses and ratings",
        description="Print every press on the bus and what the arming logic made of it. "
        "Pads given with --arm are armed for a test ticket, and armed again after each rating.",
    )
    pad.add_argument("--pad", required=True, metavar="URL", help="pad bus URL (serial://, hid://, sim://)")
    pad.add_argument("--counter", action="append", type=_counter_pair, default=[], metavar="ADDR=COUNTER",
                     help="pad address to counter (repeatable; without it every address is accepted)")
    pad.add_argument("--arm", action="append", type=lambda s: int(s, 0), default=[], metavar="ADDR",
                     help="arm the pad at ADDR for a test ticket (repeatable)")
    pad.add_argument("--arm-timeout", type=float, default=30.0, metavar="S",
                     help="arming timeout (default %(default)s)")
    pad.add_argument("--scale", type=int, default=4, metavar="N", help="scores 1..N (default %(default)s)")
    pad.add_argument("--count", type=int, metavar="N", help="stop after N ratings")
    pad.add_argument("--timeout", type=float, metavar="S", help="stop after S seconds")
    pad.set_defaults(func=run_pad)

    sim = subparsers.add_parser(
        "sim-pad",
        help="run a simulated rating pad bus, or press a key on a running one",
        description="Without --press, --state or --raw: run a simulated pad bus on a pty until "
        "Ctrl-C, printing the LED and beep commands it receives. With them: act on the "
        "running simulator NAME.",
    )
    sim.add_argument("--name", default="pads", help="simulator name (default %(default)s)")
    sim.add_argument("--dir", metavar="DIR", help="where the tty link and control socket go "
                     "(default $MOTCUA_SIM_DIR or var/sim)")
    sim.add_argument("--protocol", choices=[p.value for p in PadProtocol], default="motcua",
                     help="frame format (default %(default)s)")
    sim.add_argument("--press", type=int, metavar="KEY", help="press KEY (1-4) on the pad at --address")
    sim.add_argument("--address", type=lambda s: int(s, 0), default=1, metavar="ADDR",
                     help="pad address for --press (default %(default)s)")
    sim.add_argument("--state", action="store_true", help="print the pads' LEDs and beeps")
    sim.add_argument("--raw", metavar="HEX", help="send raw bytes onto the bus")
    sim.add_argument("--duration", type=float, metavar="S", help=argparse.SUPPRESS)
    sim.set_defaults(func=run_sim_pad)


def _describe(event: PadEvent) -> str:
    where = f"pad {event.address}" + (f" (counter {event.counter})" if event.counter else "")
    if isinstance(event, RatingAccepted):
        return f"rating\t{where}\tticket {event.ticket}\tscore {event.score}"
    if isinstance(event, ArmExpired):
        return f"expired\t{where}\tticket {event.ticket}\tno rating"
    return f"ignored\t{where}\tkey {event.key}\t{event.reason.name.lower()}: {event.reason.value}"


def run_pad(args: argparse.Namespace) -> int:
    counters = dict(args.counter) or None

    def on_press(press: KeyPress) -> None:
        _out(f"press\tpad {press.address}\tkey {press.key}")

    try:
        arming = ArmingSettings(timeout=args.arm_timeout, scale=tuple(range(1, args.scale + 1)))
        bus = open_pad_bus(args.pad, counters=counters, arming=arming, on_press=on_press)
        for address in args.arm:
            bus.bank.pad(address)  # refuses addresses missing from --counter
    except (InvalidDeviceURL, ValueError, KeyError) as exc:
        _err(f"motcua-hw pad: {exc}")
        return 2
    try:
        ratings = asyncio.run(_watch(bus, args))
    except KeyboardInterrupt:
        return 0
    return 1 if args.count and ratings < args.count else 0


async def _watch(bus: PadBus, args: argparse.Namespace) -> int:
    ratings = 0
    async with bus:
        for address in args.arm:
            bus.arm(TEST_TICKET, address=address)
        _err(f"reading {args.pad}; armed: {', '.join(map(str, args.arm)) or 'none'}; Ctrl-C to stop")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(args.timeout):
                async for event in bus:
                    _out(_describe(event))
                    if isinstance(event, (RatingAccepted, ArmExpired)) and event.address in args.arm:
                        bus.arm(TEST_TICKET, address=event.address)
                    if isinstance(event, RatingAccepted):
                        ratings += 1
                        if args.count and ratings >= args.count:
                            break
    return ratings


def run_sim_pad(args: argparse.Namespace) -> int:
    try:
        paths = SimPaths.of(args.name, args.dir)
    except ValueError as exc:
        _err(f"motcua-hw sim-pad: {exc}")
        return 2
    if args.press is not None or args.state or args.raw:
        try:
            if args.raw:
                request(paths.control, {"op": "raw", "hex": args.raw})
                _out(f"{args.name}: sent raw bytes")
            if args.press is not None:
                request(paths.control, {"op": "press", "address": args.address, "key": args.press})
                _out(f"{args.name}: pad {args.address} key {args.press} pressed")
            if args.state:
                reply = request(paths.control, {"op": "state"})
                _out(json.dumps({k: reply[k] for k in ("protocol", "leds", "beeps")}))
        except (ControlError, OSError) as exc:
            _err(f"motcua-hw sim-pad: {exc}")
            return 1
        return 0

    def show(command: PadCommand) -> None:
        _out(f"host -> {command}")

    try:
        device = SimulatedPadBus(paths, protocol=PadProtocol(args.protocol), on_command=show)
        serve_until_signal(device, _out, duration=args.duration)
    except (ControlError, OSError) as exc:
        _err(f"motcua-hw sim-pad: {exc}")
        return 1
    return 0
