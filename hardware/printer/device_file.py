"""``file:///dev/usb/lp0`` and ``usb://0416:5011``: a printer behind a device file.

``usb://VID:PID`` (hexadecimal, ``0x`` optional) is found through sysfs among the printers
the kernel's ``usblp`` driver has made (``/dev/usb/lpN``), so it keeps working when the
printer moves to another USB port. Write-only: the status is unknown.
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

from hardware.printer.errors import (
    PrinterAccessDenied,
    PrinterNotFound,
    PrinterOffline,
    PrinterTimeout,
    PrintFailed,
)
from hardware.printer.transport import Transport
from hardware.urls import InvalidDeviceURL

__all__ = ["FileTransport", "find_usb_printer", "parse_usb_id"]

logger = logging.getLogger(__name__)


class FileTransport(Transport):
    def __init__(self, path: str | Path, *, name: str | None = None) -> None:
        super().__init__(name or f"file://{path}")
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def is_open(self) -> bool:
        return self._fd is not None

    def open(self) -> None:
        if self._fd is not None:
            return
        try:
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError as error:
            raise PrinterNotFound(
                f"{self.name}: {self.path} does not exist (printer unplugged or off?)"
            ) from error
        except PermissionError as error:
            raise PrinterAccessDenied(
                f"{self.name}: permission denied on {self.path}; add the kiosk user to the 'lp' group"
            ) from error
        except OSError as error:
            raise PrinterOffline(f"{self.name}: cannot open {self.path}: {error}") from error

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    def write(self, data: bytes) -> None:
        self._require_open()
        assert self._fd is not None
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self._fd, view) :]
        except OSError as error:
            sent = len(data) - len(view)
            if error.errno == errno.ETIMEDOUT:
                raise PrinterTimeout(
                    f"{self.name}: the printer stopped accepting data after {sent} bytes"
                ) from error
            raise PrintFailed(
                f"{self.name}: sending failed after {sent} of {len(data)} bytes: {error}"
            ) from error


def parse_usb_id(target: str, raw: str = "") -> tuple[int, int]:
    """``"0416:5011"`` or ``"0x0416:0x5011"`` → ``(0x0416, 0x5011)``."""
    vendor, sep, product = target.partition(":")
    try:
        if not sep:
            raise ValueError
        ids = int(vendor, 16), int(product, 16)
    except ValueError:
        raise InvalidDeviceURL(
            f"{raw or target}: expected usb://VID:PID in hexadecimal, e.g. usb://0416:5011"
        ) from None
    if not all(0 <= value <= 0xFFFF for value in ids):
        raise InvalidDeviceURL(f"{raw or target}: USB ids are 4 hexadecimal digits")
    return ids


def _read_hex(path: Path) -> int | None:
    try:
        return int(path.read_text().strip(), 16)
    except (OSError, ValueError):
        return None


def find_usb_printer(
    vendor: int, product: int, sysfs: Path = Path("/sys"), dev: Path = Path("/dev/usb")
) -> Path:
    """The ``/dev/usb/lpN`` of the first usblp printer with these ids."""
    for entry in sorted((sysfs / "class" / "usbmisc").glob("lp*")):
        interface = (entry / "device").resolve()
        device = interface.parent
        if _read_hex(device / "idVendor") == vendor and _read_hex(device / "idProduct") == product:
            logger.debug("usb %04x:%04x is %s", vendor, product, dev / entry.name)
            return dev / entry.name
    raise PrinterNotFound(
        f"usb://{vendor:04x}:{product:04x}: no such printer on the usblp driver "
        "(unplugged or off? `lsusb` lists it? the usblp module loaded?)"
    )
