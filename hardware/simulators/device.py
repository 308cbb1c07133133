"""A simulated serial device: a pty, a control socket and one thread serving both.

Subclasses say what a control request does (:meth:`SimulatedSerialDevice.handle`) and what
to do with bytes the driver sends (:meth:`SimulatedSerialDevice.on_host_data`). ``stop()``
ends the thread, closes every descriptor and removes the tty link and the socket.
"""

from __future__ import annotations

import logging
import os
import selectors
import threading
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from hardware.simulators.control import ControlServer
from hardware.simulators.paths import SimPaths
from hardware.simulators.pty_device import PtyDevice

__all__ = ["SimulatedSerialDevice"]

logger = logging.getLogger(__name__)


class SimulatedSerialDevice:
    kind = "serial device"

    def __init__(self, paths: SimPaths) -> None:
        self.paths = paths
        self.pty = PtyDevice(paths.tty)
        self.control = ControlServer(paths.control)
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake_r: int | None = None
        self._wake_w: int | None = None
        self._stopping = False

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the simulator is already running")
        self.control.open()
        try:
            self.pty.open()
            self._wake_r, self._wake_w = os.pipe()
        except BaseException:
            self.pty.close()
            self.control.close()
            raise
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name=f"sim {self.paths.name}", daemon=True)
        self._thread.start()
        logger.info("simulated %s %r running: %s", self.kind, self.paths.name, self.paths.tty)

    def stop(self) -> None:
        """Stop serving; the driver sees the device vanish. Safe to call twice."""
        if self._thread is None:
            return
        self._stopping = True
        assert self._wake_w is not None
        os.write(self._wake_w, b"x")
        self._thread.join()
        self._thread = None
        self.control.close()
        self.pty.close()
        for fd in (self._wake_r, self._wake_w):
            if fd is not None:
                os.close(fd)
        self._wake_r = self._wake_w = None
        logger.info("simulated %s %r stopped", self.kind, self.paths.name)

    def __enter__(self) -> SimulatedSerialDevice:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None

    # -- what subclasses use and override -------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send bytes to the driver, as the device would (any thread)."""
        with self._write_lock:
            self.pty.write(data)

    def handle(self, message: Mapping[str, Any]) -> dict[str, Any]:
        """Answer a control request; ``ValueError`` becomes an error reply."""
        op = message["op"]
        if op == "ping":
            return {"name": self.paths.name, "kind": self.kind, "tty": str(self.paths.tty)}
        if op == "raw":
            data = bytes.fromhex(str(message.get("hex", "")))
            self.write(data)
            return {"sent": len(data)}
        raise ValueError(f"unknown operation {op!r}")

    def on_host_data(self, data: bytes) -> None:
        """Bytes the driver wrote to the device."""
        logger.debug("%s: host sent %r", self.paths.name, data)

    # -- the thread -----------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._wake_r is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._wake_r, selectors.EVENT_READ, "wake")
            selector.register(self.control.fileno(), selectors.EVENT_READ, "control")
            selector.register(self.pty.fileno(), selectors.EVENT_READ, "pty")
            while not self._stopping:
                for key, _ in selector.select():
                    if key.data == "control":
                        self.control.serve_one(self.handle)
                    elif key.data == "pty":
                        data = self.pty.read_available()
                        if data:
                            self.on_host_data(data)
                    # "wake": the loop condition sees _stopping
