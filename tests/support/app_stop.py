"""A Kivy app started as a process, stopped by a signal once its window runs: how it ended
and how long it took (the kiosk's and the board's stop tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"


def stop_once_running(
    args: list[str], cwd: Path, log: Path, signum: signal.Signals, env: dict[str, str] | None = None, start_seconds: float = 30
) -> tuple[int, float]:
    """Run ``python -m`` ``args`` (its output in ``log``), wait for Kivy's main loop, send
    ``signum``; returns the exit code and the seconds from the signal to the exit (a figure for
    the log: an app that ignores the signal never exits, and ``wait`` raises after 30 s)."""
    with log.open("w") as out:
        app = subprocess.Popen(
            [sys.executable, "-m", *args], cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + start_seconds
            while "Start application main loop" not in log.read_text() and app.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            time.sleep(0.5)  # its first frames
            sent = time.monotonic()
            app.send_signal(signum)
            code = app.wait(timeout=30)
            return code, time.monotonic() - sent
        finally:
            if app.poll() is None:
                app.kill()
                app.wait()
