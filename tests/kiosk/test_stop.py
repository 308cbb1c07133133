"""The kiosk stops on SIGTERM and on Ctrl-C (SIGINT), as motcua-lobby and a service manager stop it.

Kiosk mode makes a window close request do nothing; SDL turns SIGTERM into such a request,
so the kiosk used to ignore SIGTERM until motcua-lobby killed it 5 s later."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from tests.support.app_stop import DEMO, stop_once_running


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_kiosk_stops_at_once_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    assert os.environ.get("DISPLAY"), "this test needs a screen for the kiosk: run it under xvfb-run"
    log = tmp_path / "kiosk.log"
    code, took = stop_once_running(
        ["kiosk.start", "--config", str(DEMO), "--device", "kiosk-1", "--server", "ws://127.0.0.1:9/", "--size", "640x360"],
        tmp_path, log, signum,
    )
    assert code == 0, log.read_text()[-2000:]
    print(f"the kiosk stopped {took:.1f} s after the signal")  # no timed assertion: a shared machine
