"""The README's try-it commands, run as written against ``motcua-lobby`` (what ``make run`` starts):
a booking made with ``motcua-server book`` and "scanned" at kiosk-1's simulated scanner is checked
in by the kiosk, which prints its ticket; the demo's dossiers, imported, are found by the kiosk
when a receipt code is scanned. Needs a screen for the kiosk's window (``make test`` runs the
suite under Xvfb)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.integration.client import Client
from tests.integration.sites import midday_zone

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _readme_lines(*needles: str) -> list[str]:
    """The README's shell lines holding each needle, as written (comments dropped)."""
    lines = []
    for needle in needles:
        found = [line for line in README.splitlines() if needle in line and not line.startswith("|")]
        assert len(found) == 1, f"the README should hold one line with {needle!r}: {found}"
        lines.append(re.sub(r"\s+#.*$", "", found[0]))
    return lines


def _wait(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _metrics(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as response:
            return response.read().decode()
    except OSError:
        return ""


def _kiosk_listening(port: int) -> bool:
    """The kiosk's window is up and connected (it opens its scanner as it connects)."""
    return 'motcua_connections{role="kiosk"} 1' in _metrics(port)


async def _booking(url: str, code: str) -> dict:  # type: ignore[type-arg]
    """The booking as the server keeps it (read as the manager)."""
    client = await Client.open(url)
    try:
        await client.ok("hello", token="demo-manager-token")
        return (await client.ok("appointment.get", booking=code))["appointment"]
    finally:
        await client.close()


def test_the_readme_booking_is_checked_in_and_its_dossier_found_at_the_kiosk(tmp_path: Path) -> None:
    assert os.environ.get("DISPLAY"), "this test needs a screen for the kiosk: run it under xvfb-run"
    book, scan = _readme_lines(".venv/bin/motcua-server book", '--name kiosk-1 --send "$code"')
    dossiers, receipt = _readme_lines("--csv assets/demo-dossiers.csv", "--send 000.00.16.")
    (tmp_path / ".venv").symlink_to(sys.prefix)  # the README's .venv/bin/…
    (tmp_path / "assets").symlink_to(ROOT / "assets")
    demo = tmp_path / "demo.toml"
    demo.write_text(
        DEMO.read_text(encoding="utf-8").replace('timezone = "Asia/Ho_Chi_Minh"', f'timezone = "{midday_zone()}"', 1),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = (tmp_path / "lobby.log").open("w")  # a file, not a pipe: the windows' logs would fill a pipe
    lobby = subprocess.Popen(
        [f"{sys.prefix}/bin/motcua-lobby", "--config", str(demo), "--db", "var/lobby.db", "--port", "0"],
        cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    printed = tmp_path / "var" / "sim" / "kiosk-1-printer"
    try:
        runs = re.compile(r"the lobby runs \(ws://127\.0\.0\.1:(\d+)/\)")
        _wait(lambda: runs.search((tmp_path / "lobby.log").read_text()), 60, "the lobby to say where it runs")
        port = int(runs.search((tmp_path / "lobby.log").read_text())[1])  # bound by the lobby: no race
        url = f"ws://127.0.0.1:{port}/"
        _wait(lambda: _healthy(port), 30, "the server")
        _wait(lambda: (tmp_path / "var" / "sim" / "kiosk-1.sock").exists(), 15, "kiosk-1's scanner")
        _wait(lambda: _kiosk_listening(port), 30, "kiosk-1 to connect")
        time.sleep(1)  # its home screen up after the connection
        book = book.replace("--service", f"--server {url} --service", 1)  # this test's server, not 8765
        script = f'set -e\n{book}\n{scan}\necho "$code"\n'
        done = subprocess.run(["bash", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        code = done.stdout.splitlines()[-1]
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", code), done.stdout
        assert f"kiosk-1: scanned {code}" in done.stdout
        _wait(lambda: asyncio.run(_booking(url, code))["state"] != "booked", 20, "the check-in")
        booking = asyncio.run(_booking(url, code))
        assert booking["state"] == "checked_in" and booking["ticket"] is not None, booking
        _wait(lambda: any(printed.glob("*.png")), 20, "kiosk-1's printed ticket")

        done = subprocess.run(["bash", "-c", f"set -e\n{dossiers}\n{receipt}\n"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=30)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "4 dossier(s) imported" in done.stdout
        _wait(lambda: 'motcua_requests_total{op="dossier.get",outcome="ok"} 1' in _metrics(port), 20, "the lookup")
    finally:
        lobby.send_signal(signal.SIGTERM)
        lobby.wait(timeout=30)
        log.close()
    assert lobby.returncode == 0, (tmp_path / "lobby.log").read_text()
