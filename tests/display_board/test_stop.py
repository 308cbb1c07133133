"""The board stops cleanly on SIGTERM and on Ctrl-C (SIGINT), as motcua-lobby and a service
manager stop it: exit 0 at once, no traceback."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.support.app_stop import DEMO, stop_once_running


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_board_stops_at_once_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    assert os.environ.get("DISPLAY"), "this test needs a screen for the board: run it under xvfb-run"
    log = tmp_path / "board.log"
    code, took = stop_once_running(
        ["display_board", "--config", str(DEMO), "--device", "board-hall", "--server", "ws://127.0.0.1:9/",
         "--size", "640x360", "--var", str(tmp_path / "var")],
        tmp_path, log, signum, env={"SDL_AUDIODRIVER": "dummy"}, start_seconds=60,
    )  # fmt: skip
    text = log.read_text()
    assert code == 0, text[-2000:]
    assert "Traceback" not in text, text[-2000:]
    print(f"the board stopped {took:.1f} s after the signal")  # no timed assertion: a shared machine
