"""``serial:///dev/ttyUSB0?baudrate=19200``: a printer on a serial port (pyserial).

Query parameters: ``baudrate`` (9600), ``rtscts``, ``xonxoff``, ``dsrdtr`` (0 or 1: flow
control, as set on the printer's DIP switches). Two-way: the status is read back.
"""

from __future__ import annotations

import errno
import logging

import serial

from hardware.printer.errors import (
    PrinterAccessDenied,
    PrinterError,
    PrinterNotFound,
    PrinterTimeout,
    PrintFailed,
)
from hardware.printer.transport import Transport

__all__ = ["SerialTransport"]

logger = logging.getLogger(__name__)


class SerialTransport(Transport):
    can_read = True

    def __init__(
        self,
        path: str,
        baudrate: int = 9600,
        *,
        rtscts: bool = False,
        xonxoff: bool = False,
        dsrdtr: bool = False,
        timeout: float = 10.0,
        name: str | None = None,
    ) -> None:
        super().__init__(name or f"serial://{path}")
        self.path = path
        self.baudrate = baudrate
        self.rtscts, self.xonxoff, self.dsrdtr = rtscts, xonxoff, dsrdtr
        self.timeout = timeout
        self._port: serial.Serial | None = None

    @property
    def is_open(self) -> bool:
        return self._port is not None

    def open(self) -> None:
        if self._port is not None:
            return
        port = serial.Serial(
            baudrate=self.baudrate,
            rtscts=self.rtscts,
            xonxoff=self.xonxoff,
            dsrdtr=self.dsrdtr,
            timeout=self.timeout,
            write_timeout=self.timeout,
        )
        port.port = self.path
        try:
            port.open()
        except serial.SerialException as error:
            code = getattr(error, "errno", None)
            if code in (errno.ENOENT, errno.ENODEV, errno.ENXIO):
                raise PrinterNotFound(f"{self.name}: no such serial port ({error})") from error
            if code in (errno.EACCES, errno.EPERM):
                raise PrinterAccessDenied(
                    f"{self.name}: permission denied; add the kiosk user to the 'dialout' group"
                ) from error
            raise PrinterError(f"{self.name}: cannot open the serial port: {error}") from error
        self._port = port
        logger.info("%s: opened at %d baud", self.name, self.baudrate)

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()

    def write(self, data: bytes) -> None:
        self._require_open()
        assert self._port is not None
        try:
            written = self._port.write(data)
            self._port.flush()
        except serial.SerialTimeoutException as error:
            raise PrinterTimeout(f"{self.name}: the printer stopped accepting data (flow control)") from error
        except (serial.SerialException, OSError) as error:
            raise PrintFailed(f"{self.name}: sending failed: {error}") from error
        if written != len(data):
            raise PrintFailed(f"{self.name}: only {written} of {len(data)} bytes were sent")

    def read(self, size: int, timeout: float) -> bytes:
        self._require_open()
        assert self._port is not None
        try:
            self._port.timeout = timeout
            return bytes(self._port.read(size))
        except (serial.SerialException, OSError) as error:
            raise PrinterError(f"{self.name}: reading failed: {error}") from error
        finally:
            self._port.timeout = self.timeout

    def discard_input(self) -> None:
        if self._port is not None:
            self._port.reset_input_buffer()
