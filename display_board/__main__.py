"""``motcua-display``: the display board on a waiting room's TV.

    motcua-display --config site.toml --device board-hall [--server ws://HOST:8765/]
                   [--size 1920x1080] [--var var] [-v]
    python -m display_board …   (the same)

Full screen by default (the device's option ``fullscreen``); ``--size`` opens a window of that
size instead (trying a layout on a desktop). :mod:`display_board.bootstrap` wires the board;
see docs/display.md.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from queue_server.protocol import enrolling

# Before Kivy is imported: the command line is ours, and so are the logging and stderr
# (Kivy's own messages still go to its log file and console).
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")

from display_board.bootstrap import BoardSetupError, build_app, load_setup, prepare_kivy  # noqa: E402 - after the environment Kivy reads at import


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{3,5})x(\d{3,5})", text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r}: write the size as WIDTHxHEIGHT, e.g. 1920x1080")
    return int(match[1]), int(match[2])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-display",
        description="The display board of a one-stop public service centre: calls shown and spoken.",
        epilog="Board options go in the device's [device.options]; see docs/display.md.",
    )
    parser.add_argument("--config", type=Path, required=True, help="the site's TOML file")
    parser.add_argument("--device", required=True, help="this board's device id in the configuration")
    parser.add_argument("--server", help="the queue server's ws:// address (default: the configuration's server_url)")
    parser.add_argument("--size", type=_size, help="a window of WIDTHxHEIGHT instead of full screen")
    parser.add_argument("--var", type=Path, default=Path("var"), help="the folder for the voice pack and call audio")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [enrolling.ENROL]:
        return enrolling.main("motcua-display", argv[1:])
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        setup = load_setup(args.config, args.device, args.server, args.var)
    except BoardSetupError as exc:
        print(f"motcua-display: {exc}", file=sys.stderr)
        return 2
    sound_card = prepare_kivy(setup, args.size)
    app = build_app(setup, sound_card=sound_card)
    asyncio.run(app.run_with_client())
    return 0


if __name__ == "__main__":
    sys.exit(main())
