"""A pseudo-terminal standing in for a serial device.

The device keeps the master side; the slave side (``/dev/pts/N``) is what a driver opens,
through a symlink at a stable path. The device also keeps the slave open itself, in raw
mode, like hardware that is there whether or not anyone listens. Closing the device closes
both sides, so a driver reading the slave gets an error exactly as when a USB serial
adapter is pulled out, and removes the symlink.
"""

from __future__ import annotations

import errno
import logging
import os
import tty
from pathlib import Path

__all__ = ["PtyDevice"]

logger = logging.getLogger(__name__)


class PtyDevice:
    def __init__(self, link: Path) -> None:
        self.link = link
        self._master: int | None = None
        self._slave: int | None = None
        self.slave_path: str | None = None

    def open(self) -> None:
        if self._master is not None:
            raise RuntimeError("the pty device is already open")
        master, slave = os.openpty()
        try:
            tty.setraw(slave)
            os.set_blocking(master, False)
            self.slave_path = os.ttyname(slave)
            self.link.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.link.with_name(f".{self.link.name}.{os.getpid()}")
            temporary.unlink(missing_ok=True)
            temporary.symlink_to(self.slave_path)
            temporary.replace(self.link)  # atomic: a driver never sees a missing link
        except BaseException:
            os.close(master)
            os.close(slave)
            raise
        self._master, self._slave = master, slave
        logger.info("simulated device at %s -> %s", self.link, self.slave_path)

    def fileno(self) -> int:
        if self._master is None:
            raise RuntimeError("the pty device is not open")
        return self._master

    def write(self, data: bytes) -> None:
        """Send ``data`` to whoever has the port open (buffered by the kernel otherwise)."""
        fd = self.fileno()
        view = memoryview(data)
        while view:
            try:
                written = os.write(fd, view)
            except BlockingIOError:
                os.set_blocking(fd, True)
                try:
                    written = os.write(fd, view)
                finally:
                    os.set_blocking(fd, False)
            view = view[written:]

    def read_available(self) -> bytes:
        """What the driver wrote to the device since the last call."""
        chunks = []
        while True:
            try:
                chunk = os.read(self.fileno(), 4096)
            except BlockingIOError:
                break
            except OSError as exc:
                if exc.errno == errno.EIO:
                    break
                raise
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self._master is None:
            return
        try:
            if self.link.is_symlink() and os.readlink(self.link) == self.slave_path:
                self.link.unlink()
        except OSError:
            logger.debug("could not remove %s", self.link, exc_info=True)
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None
        logger.info("simulated device at %s closed", self.link)

    @property
    def is_open(self) -> bool:
        return self._master is not None
