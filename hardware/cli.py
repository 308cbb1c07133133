"""``motcua-hw``: check, test and simulate the lobby's devices from a shell.

    motcua-hw check-url scanner serial:///dev/ttyACM0    # exit 0, or 2 and why the app would refuse it

``check-url`` reads a device URL as the apps and ``motcua-server check`` do
(:func:`hardware.urls.parse_device_url` with the schemes of that kind of device), opening
nothing: ``motcua-install kiosk --scanner URL`` asks it (the installer imports none of ours)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from hardware.urls import PAD_SCHEMES, PRINTER_SCHEMES, SCANNER_SCHEMES, InvalidDeviceURL, parse_device_url


def build_parser() -> argparse.ArgumentParser:
    from hardware.pad.cli import add_commands as add_pad_commands
    from hardware.printer.cli import add_commands as add_printer_commands
    from hardware.scanner.cli import add_commands as add_scanner_commands

    parser = argparse.ArgumentParser(
        prog="motcua-hw",
        description="Check, test and simulate the lobby's printers, scanners and rating pads.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    add_printer_commands(commands)
    add_scanner_commands(commands)
    add_pad_commands(commands)
    check = commands.add_parser(
        "check-url",
        help="say whether a device URL is one the apps open (nothing is opened)",
        description="Read URL as the apps and motcua-server check read a device URL of that kind: exit 0, "
        "or 2 and why not. Nothing is opened.",
    )
    check.add_argument("kind", choices=sorted(URL_KINDS), help="the kind of device")
    check.add_argument("url", help="its URL, e.g. serial:///dev/ttyACM0")
    check.set_defaults(func=check_url)
    return parser


URL_KINDS = {"printer": PRINTER_SCHEMES, "scanner": SCANNER_SCHEMES, "pad": PAD_SCHEMES}


def check_url(args: argparse.Namespace) -> int:
    try:
        parse_device_url(args.url, URL_KINDS[args.kind])
    except InvalidDeviceURL as exc:
        print(f"motcua-hw check-url: {exc}", file=sys.stderr)
        return 2
    print(f"{args.kind} {args.url}: ok")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
