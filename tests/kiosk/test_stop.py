"""The kiosk stops on SIGTERM and on Ctrl-C (SIGINT), as motcua-lobby and a service manager stop it.

Kiosk mode makes a window close request do nothing; SDL turns SIGTERM into such a request,
so the kiosk used to ignore SIGTERM until motcua-lobby killed it 5 s later."""

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
def test_the_kiosk_stops_at_once_on_a_signal(tmp_path: Path, signum: signal.Signals) -> None:
    assert os.environ.get("DISPLAY"), "this test needs a screen for the kiosk: run it under xvfb-run"
    log = tmp_path / "kiosk.log"
    with log.open("w") as out:
        kiosk = subprocess.Popen(
            [sys.executable, "-m", "kiosk.app", "--config", str(DEMO), "--device", "kiosk-1",
             "--server", "ws://127.0.0.1:9/", "--size", "640x360"],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while "Start application main loop" not in log.read_text() and kiosk.poll() is None:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            time.sleep(0.5)  # its first frames
            sent = time.monotonic()
            kiosk.send_signal(signum)
            code = kiosk.wait(timeout=10)
            took = time.monotonic() - sent
        finally:
            if kiosk.poll() is None:
                kiosk.kill()
                kiosk.wait()
    assert code == 0, log.read_text()[-2000:]
    assert took < 3, f"the kiosk took {took:.1f} s to stop"
