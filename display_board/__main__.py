"""``motcua-display``: the display board on a waiting room's TV.

    motcua-display enrol --server ws://HOST:8765/ --state /var/lib/motcua/board CODE   (once)
    motcua-display --state /var/lib/motcua/board [--size 1920x1080] [--var var] [-v]
    motcua-display --config site.toml --device board-hall [--server ws://HOST:8765/] …  (the old way)
    python -m display_board …   (the same)

With ``--state`` the board reads its server and token from the folder and its configuration
comes from the server (hello), each new one applied live (config.changed); with ``--config``
and ``--device`` it reads a site file on this machine (kept for one more release).

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

from display_board.bootstrap import BoardSetupError, build_app, load_setup, load_state_setup, prepare_kivy  # noqa: E402 - after the environment Kivy reads at import


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
    parser.add_argument(
        "--state", type=Path,
        help="the board's state folder (its server and token, from enrol): the configuration comes from the server",
    )  # fmt: skip
    parser.add_argument("--config", type=Path, help="the site's TOML file (the old way, with --device; one more release)")
    parser.add_argument("--device", help="this board's device id in the file (e.g. board-hall), with --config")
    parser.add_argument(
        "--server", help="the queue server's ws:// address (default: the state folder's, or the file's server_url)"
    )
    parser.add_argument("--size", type=_size, help="a window of WIDTHxHEIGHT instead of full screen")
    parser.add_argument("--var", type=Path, default=Path("var"), help="the folder for the voice pack and call audio")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [enrolling.ENROL]:
        return enrolling.main("motcua-display", argv[1:], role="display")
    parser = build_parser()
    args = parser.parse_args(argv)
    if (args.state is None) == (args.config is None) or (args.config is None) != (args.device is None):
        parser.error("give --state DIR, or --config FILE --device ID (one of the two)")
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    try:
        if args.state is not None:
            setup = load_state_setup(args.state, args.server, args.var)
        else:
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
