"""The board stops cleanly on SIGTERM and on Ctrl-C (SIGINT), as motcua-lobby and a service
manager stop it: exit 0 at once, no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_board_stops_at_once_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    assert os.environ.get("DISPLAY"), "this test needs a screen for the board: run it under xvfb-run"
    log = tmp_path / "board.log"
    with log.open("w") as out:
        board = subprocess.Popen(
            [sys.executable, "-m", "display_board.app", "--config", str(DEMO), "--device", "board-hall",
             "--server", "ws://127.0.0.1:9/", "--size", "640x360", "--var", str(tmp_path / "var")],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT), "SDL_AUDIODRIVER": "dummy"},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while "Start application main loop" not in log.read_text() and board.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            time.sleep(0.5)  # its first frames
            sent = time.monotonic()
            board.send_signal(signum)
            code = board.wait(timeout=10)
            took = time.monotonic() - sent
        finally:
            if board.poll() is None:
                board.kill()
                board.wait()
    text = log.read_text()
    assert code == 0, text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    assert took < 3, f"the board took {took:.1f} s to stop"
