"""Run a simulated device in the foreground of a shell until Ctrl-C or SIGTERM."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType

from hardware.simulators.device import SimulatedSerialDevice

__all__ = ["serve_until_signal"]


def serve_until_signal(
    device: SimulatedSerialDevice,
    say: Callable[[str], None],
    *,
    duration: float | None = None,
) -> None:
    """Start ``device``, tell where it is, serve until a signal (or ``duration`` s), stop."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        device.start()
        try:
            say(f"simulated {device.kind} {device.paths.name!r} running")
            say(f"  tty:     {device.paths.tty} -> {device.pty.slave_path}")
            say(f"  control: {device.paths.control}")
            say("  stop with Ctrl-C")
            stop.wait(duration)
        finally:
            device.stop()
            say(f"simulated {device.kind} {device.paths.name!r} stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
