"""motcua-lobby starts the server and the simulated devices, and stops them all."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from lobby.launcher import listen, plan
from queue_server.config.site import load_config
from tests.integration.client import Client

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"


def test_the_plan_for_the_demo_starts_the_server_first_and_one_simulator_per_device() -> None:
    children = plan(load_config(DEMO), DEMO, Path("var/lobby.db"), "127.0.0.1", 8765, windows=False)
    names = [c.name for c in children]
    assert names[0] == "server"
    assert "scanner kiosk-1" in names and "scanner kiosk-2" in names and "pad bus pads" in names
    assert not any(name.startswith(("kiosk-", "board-")) for name in names)
    agent = next(c for c in children if c.name == "pad agent")
    assert agent.argv[-2:] == ("--server", "ws://127.0.0.1:8765/")


def test_with_a_screen_the_lobby_opens_a_kiosk_and_a_board_on_its_own_server() -> None:
    children = plan(load_config(DEMO), DEMO, Path("var/lobby.db"), "0.0.0.0", 9100, windows=True)
    apps = {c.name: c.argv for c in children if c.name in ("kiosk-1", "board-hall")}
    assert set(apps) == {"kiosk-1", "board-hall"}
    for argv in apps.values():
        assert argv[-4:-2] == ("--server", "ws://127.0.0.1:9100/")


def test_a_public_url_on_this_machine_follows_the_lobbys_port() -> None:
    config = load_config(DEMO)  # public_url = "http://127.0.0.1:8765"

    def server_argv(config, port: int) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
        return plan(config, DEMO, Path("var/lobby.db"), "127.0.0.1", port, windows=False)[0].argv

    assert server_argv(config, 9000)[-2:] == ("--public-url", "http://127.0.0.1:9000")
    assert "--public-url" not in server_argv(config, 8765)
    lan = dataclasses.replace(config, settings=dataclasses.replace(config.settings, public_url="http://10.0.0.2:8765"))
    assert "--public-url" not in server_argv(lan, 9000)  # the site's own address is left alone


async def _issue(url: str) -> dict:  # type: ignore[type-arg]
    client = await Client.open(url)
    try:
        await client.ok("hello", token="demo-kiosk-1-token")
        return (await client.ok("ticket.issue", service="HT"))["ticket"]
    finally:
        await client.close()


RUNS = re.compile(r"the lobby runs \(ws://127\.0\.0\.1:(\d+)/\)")


def test_the_lobby_runs_and_stops_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DISPLAY", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "lobby.launcher", "--config", str(DEMO), "--db", str(tmp_path / "lobby.db"),
         "--port", "0"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    said: list[str] = []
    try:
        assert process.stdout is not None
        while not (running := RUNS.search(line := process.stdout.readline())):
            assert line, "".join(said)  # the lobby stopped before it said where it runs
            said.append(line)
        port = int(running[1])  # the port the lobby bound and handed to its server: no race
        deadline = time.monotonic() + 30
        healthy = False
        while time.monotonic() < deadline and not healthy:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                    healthy = response.status == 200
            except OSError:
                time.sleep(0.2)
        assert healthy
        sim = tmp_path / "var" / "sim"
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all((sim / f"{n}.tty").exists() for n in ("kiosk-1", "pads")):
            time.sleep(0.1)
        assert (sim / "kiosk-1.tty").exists() and (sim / "pads.tty").exists()
        ticket = asyncio.run(_issue(f"ws://127.0.0.1:{port}/"))
        assert ticket["url"].startswith(f"http://127.0.0.1:{port}/t/")  # the QR code opens this lobby's pages
    finally:
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=20)
        out = "".join(said) + out
    assert process.returncode == 0, out
    assert "no screen here" in out
    assert not (tmp_path / "var" / "sim" / "kiosk-1.tty").exists()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the server stopped"


def test_the_server_is_handed_the_socket_the_lobby_bound_on_any_free_port() -> None:
    with listen("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        assert port != 0
        [server, *_] = plan(load_config(DEMO), DEMO, Path("var/lobby.db"), "127.0.0.1", port, False, listen_fd=sock.fileno())
        assert server.fds == (sock.fileno(),)
        assert server.argv[server.argv.index("--listen-fd") + 1] == str(sock.fileno()) and "--port" not in server.argv
