"""``motcua-hw``: check, test and simulate the lobby's devices from a shell."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence


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
    return parser


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
