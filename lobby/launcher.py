"""``motcua-lobby``: the whole lobby on one machine, for the demo and for small offices.

It starts, as child processes: the queue server; a simulator for every ``sim://`` scanner
and rating-pad bus in the configuration; the pad agent when there are rating pads; and,
when there is a screen, the first kiosk and the first display board, side by side on it
(:mod:`.lobby_windows`). Ctrl-C or SIGTERM stops
them all (last started, first stopped). If the server stops, everything stops.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from lobby.windows import DEFAULT_SCREEN, Size, screen_size, side_by_side
from queue_server.config.settings import Role, SiteConfig
from queue_server.config.site import ConfigError, load_config

log = logging.getLogger(__name__)

PYTHON = sys.executable


@dataclasses.dataclass(frozen=True)
class Child:
    name: str
    argv: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()  # added to the lobby's environment
    fds: tuple[int, ...] = ()  # file descriptors handed over (the server's listening socket)


def plan(
    config: SiteConfig,
    config_path: Path,
    db: Path,
    host: str,
    port: int,
    windows: bool,
    screen: Size = DEFAULT_SCREEN,
    listen_fd: int | None = None,
) -> list[Child]:
    """The processes that make up the lobby, in the order they start. The apps connect to the
    server started here, whatever ``server_url`` the configuration names; their windows share
    ``screen`` side by side. ``listen_fd``: the server's socket, already bound to ``port`` by
    the lobby (so that ``--port 0`` takes any free port with no race), handed over to it."""
    reach = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    server = ("--server", f"ws://{reach}:{port}/")
    where = ("--listen-fd", str(listen_fd)) if listen_fd is not None else ("--host", host, "--port", str(port))
    serve = (PYTHON, "-m", "queue_server.cli", "--config", str(config_path), "--db", str(db), *where,
             *_public_url(config.settings.public_url, port))  # fmt: skip
    children = [Child("server", serve, fds=(listen_fd,) if listen_fd is not None else ())]
    scanners = sorted({_sim_name(d.scanner) for d in config.devices if _sim_name(d.scanner)})
    pads = sorted({_sim_name(d.pad) for d in config.devices if _sim_name(d.pad)})
    for name in scanners:
        children.append(Child(f"scanner {name}", (PYTHON, "-m", "hardware.cli", "sim-scanner", "--name", name)))
    for name in pads:
        children.append(Child(f"pad bus {name}", (PYTHON, "-m", "hardware.cli", "sim-pad", "--name", name)))
    if any(d.role is Role.PAD for d in config.devices) and _has("pad_agent"):
        children.append(
            Child("pad agent", (PYTHON, "-m", "pad_agent", "--config", str(config_path), *server))
        )
    apps = []
    if windows:
        for role, module in ((Role.KIOSK, "kiosk.start"), (Role.DISPLAY, "display_board")):
            device = next((d for d in config.devices if d.role is role), None)
            if device is not None and _has(module):
                apps.append((device.id, module))
    for (device_id, module), place in zip(apps, side_by_side(screen, len(apps)), strict=True):
        argv = (PYTHON, "-m", module, "--config", str(config_path), "--device", device_id, *server)
        argv += ("--size", str(place.size))
        children.append(Child(device_id, argv, tuple(place.kivy_env().items())))
    return children


def _public_url(configured: str, port: int) -> tuple[str, ...]:
    """A ``public_url`` on this machine (127.0.0.1, localhost) can only mean this lobby's server,
    so it follows ``--port``: the tickets' QR codes then open the pages of the lobby that printed
    them (``make run PORT=9000``). An address on the network is the site's to set."""
    parts = urllib.parse.urlsplit(configured)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1") or parts.port == port:
        return ()
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return ("--public-url", urllib.parse.urlunsplit(parts._replace(netloc=f"{host}:{port}")))


def _sim_name(url: str | None) -> str | None:
    """``sim://kiosk-1`` names a pty simulator; ``sim://var/sim/…`` (a printer folder) does not."""
    if not url or not url.startswith("sim://"):
        return None
    target = url[len("sim://") :].split("?", 1)[0]
    return None if "/" in target else target


def _has(module: str) -> bool:
    return importlib.util.find_spec(module.rsplit(".", 1)[0]) is not None and importlib.util.find_spec(module) is not None


def _wait_healthy(port: int, server: subprocess.Popen[bytes], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def run(children: Sequence[Child], port: int) -> int:
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    running: list[tuple[Child, subprocess.Popen[bytes]]] = []
    code = 0
    try:
        for child in children:
            print(f"motcua-lobby: starting {child.name}", flush=True)
            process = subprocess.Popen(
                child.argv, env={**os.environ, **dict(child.env)} if child.env else None, pass_fds=child.fds
            )
            running.append((child, process))
            if child.name == "server" and not _wait_healthy(port, process):
                print("motcua-lobby: the server did not start; see its messages above", file=sys.stderr)
                return 1
        print(f"motcua-lobby: the lobby runs (ws://127.0.0.1:{port}/); Ctrl-C stops it", flush=True)
        while not stopping:
            time.sleep(0.2)
            for child, process in running:
                if process.poll() is not None and child.name == "server":
                    print("motcua-lobby: the server stopped; stopping the lobby", file=sys.stderr)
                    return 1
        return code
    finally:
        _stop_all(running)


def _stop_all(running: list[tuple[Child, subprocess.Popen[bytes]]]) -> None:
    for _child, process in reversed(running):
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + 5
    for child, process in reversed(running):
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop; killing it", child.name)
            process.kill()
            process.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="motcua-lobby",
        description="Run the whole lobby on this machine: server, simulated devices, a kiosk and a board.",
    )
    parser.add_argument("--config", type=Path, required=True, help="the site's TOML file")
    parser.add_argument("--db", type=Path, required=True, help="the SQLite database file")
    parser.add_argument("--host", default="127.0.0.1", help="the server's address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="the server's port (default 8765; 0: any free one, said when the lobby runs)")
    parser.add_argument("--no-windows", action="store_true", help="start no kiosk or board window")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    windows = not args.no_windows and bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not windows and not args.no_windows:
        print("motcua-lobby: no screen here (DISPLAY is not set): starting no kiosk or board window", flush=True)
    screen = screen_size() if windows else DEFAULT_SCREEN
    try:
        listening = listen(args.host, args.port)
    except OSError as exc:
        print(f"motcua-lobby: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    with listening:
        port = listening.getsockname()[1]
        return run(plan(config, args.config, args.db, args.host, port, windows, screen, listening.fileno()), port)


def listen(host: str, port: int) -> socket.socket:
    """The server's listening socket, bound here (``port`` 0: any free one) and handed over to
    it: the apps are told the port before the server starts, with no race for a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(512)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


if __name__ == "__main__":
    sys.exit(main())
