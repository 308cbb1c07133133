"""``motcua-kiosk``'s start: the kiosk from its state folder (its configuration asked of the
server first) or from a site file, its window sized, then served until it stops. The app
itself is :mod:`kiosk.app`; the subcommands that need no window, :mod:`kiosk.cli`."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from hardware.scanner import open_scanner
from kiosk.access_bar import configure_kivy
from kiosk.app import KioskApp
from kiosk.bootstrap import KioskSetupError, read_settings, settings_from_server, unconfigured_settings
from kiosk.core.first_run import refusal_shown
from queue_server.config.kiosk_options import parse_window_size
from queue_server.protocol.client import RequestFailed
from queue_server.protocol.enrolling import SERVER_FILE, TOKEN_FILE
from queue_server.protocol.state_dir import ConfigRefused, StateError, fetch_config, read_state


def _window_size(text: str) -> tuple[int, int]:
    size = parse_window_size(text)
    if size is None:
        raise argparse.ArgumentTypeError(f"{text!r}: write the size as WIDTHxHEIGHT from 480x270, e.g. 960x540")
    return size


def start_app(
    state: Path | None,
    config: Path | None,
    device: str | None,
    server: str | None = None,
    size: tuple[int, int] | None = None,
    scanner: str | None = None,
) -> KioskApp:
    """The kiosk, from its state folder (its configuration asked of the server first: the
    window's size and the printer depend on it) or from a site file (``config`` and ``device``).

    A state folder with no token yet: the first-run screen, which enrols the kiosk by the
    enrolment QR on ``scanner`` (or a typed code with ``server``, or ``DIR/server``). A token
    the server refuses (revoked, unknown, another protocol): the refusal full screen."""
    token = fetched = None
    if state is not None and not (state / TOKEN_FILE).exists():
        server = server or _read_server(state)
        return _unconfigured(state, server, None, size, scanner, None)
    if state is not None:
        own = read_state(state)
        server, token = server or own.server, own.token
        try:
            fetched = asyncio.run(fetch_config(dataclasses.replace(own, server=server)))
        except ConfigRefused as exc:
            if not refusal_shown(exc.code):
                raise
            return _unconfigured(state, server, token, size, scanner, RequestFailed(exc.code, str(exc)))
        settings = settings_from_server(fetched)
    else:
        assert config is not None and device is not None
        settings = read_settings(config, device)
    options = settings.options
    if size is not None:
        options = dataclasses.replace(options, fullscreen=False, window_size=size)
    configure_kivy(options)
    app = KioskApp(settings, config_path=config, server_url=server, token=token)
    app.config_text = fetched["toml"] if fetched is not None else None  # applied already
    return app


def _read_server(state: Path) -> str | None:
    try:
        return (state / SERVER_FILE).read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None


def _unconfigured(
    state: Path,
    server: str | None,
    token: str | None,
    size: tuple[int, int] | None,
    scanner: str | None,
    refused: RequestFailed | None,
) -> KioskApp:
    """The kiosk with no configuration yet: its first run, or refused at start."""
    settings = unconfigured_settings(scanner)
    options = settings.options
    if size is not None:
        options = dataclasses.replace(options, fullscreen=False, window_size=size)
    configure_kivy(options)
    app = KioskApp(settings, server_url=server or "", token=token, state_dir=state, configured=False)
    app.context.client.url = server or ""  # not the default address: unknown until the QR says it
    app.context.client.refused = refused
    return app


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="motcua-kiosk",
        description="The lobby kiosk of a one-stop centre: queue numbers, appointment check-in, dossier lookup.",
        epilog="Kiosk settings are the device's [device.options] (docs/kiosk.md).",
    )
    parser.add_argument(
        "--state", type=Path, help="the kiosk's state folder (its server and token, from enrol): the configuration comes from the server"
    )
    parser.add_argument("--config", type=Path, help="the site's TOML file (the old way, with --device; one more release)")
    parser.add_argument("--device", help="this kiosk's device id in the file (e.g. kiosk-1), with --config")
    parser.add_argument("--server", help="the queue server's ws:// address (default: the configuration's server_url)")
    parser.add_argument(
        "--scanner", metavar="URL",
        help="with --state, before the server has configured the kiosk: the scanner that reads the enrolment QR "
        "(e.g. serial:///dev/ttyACM0); then the configuration's scanner is used",
    )  # fmt: skip
    parser.add_argument(
        "--size", type=_window_size, help="a window of WIDTHxHEIGHT, whatever the options say (motcua-lobby uses it)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    if (args.state is None) == (args.config is None) or (args.config is not None and args.device is None):
        parser.error("give --state DIR, or --config FILE --device ID")
    if args.scanner is not None and args.state is None:
        parser.error("--scanner goes with --state (with --config, the site file names the scanner)")
    if args.scanner is not None:
        try:
            open_scanner(args.scanner, name="--scanner")  # read as the kiosk will read it; nothing opened yet
        except ValueError as exc:  # InvalidDeviceURL among them
            parser.error(f"--scanner: {exc}")
    try:
        app = start_app(args.state, args.config, args.device, args.server, args.size, args.scanner)
    except (KioskSetupError, StateError, ConfigRefused) as exc:
        print(f"motcua-kiosk: {exc}", file=sys.stderr)
        return 2
    asyncio.run(app.serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
