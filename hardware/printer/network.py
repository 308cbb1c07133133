"""``tcp://host:9100``: a network printer's raw port (JetDirect, "port 9100").

Two-way on most printers: the status is read back on the same connection. Query
parameters: ``timeout`` (seconds, for connecting and sending).
"""

from __future__ import annotations

import contextlib
import logging
import socket

from hardware.printer.errors import PrinterError, PrinterNotFound, PrinterOffline, PrinterTimeout, PrintFailed
from hardware.printer.transport import Transport

__all__ = ["DEFAULT_PORT", "TcpTransport"]

logger = logging.getLogger(__name__)

DEFAULT_PORT = 9100


class TcpTransport(Transport):
    can_read = True

    def __init__(
        self, host: str, port: int = DEFAULT_PORT, *, timeout: float = 10.0, name: str | None = None
    ) -> None:
        super().__init__(name or f"tcp://{host}:{port}")
        self.host, self.port, self.timeout = host, port, timeout
        self._socket: socket.socket | None = None

    @property
    def is_open(self) -> bool:
        return self._socket is not None

    def open(self) -> None:
        if self._socket is not None:
            return
        try:
            self._socket = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except socket.gaierror as error:
            raise PrinterNotFound(f"{self.name}: unknown host {self.host!r} ({error})") from error
        except TimeoutError as error:
            raise PrinterTimeout(f"{self.name}: no answer within {self.timeout:g} s") from error
        except ConnectionRefusedError as error:
            raise PrinterOffline(
                f"{self.name}: connection refused (printer off or busy with another job?)"
            ) from error
        except OSError as error:
            raise PrinterOffline(f"{self.name}: cannot connect: {error}") from error
        logger.info("%s: connected", self.name)

    def close(self) -> None:
        sock, self._socket = self._socket, None
        if sock is None:
            return
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)  # tell the printer the job is complete
        sock.close()

    def write(self, data: bytes) -> None:
        self._require_open()
        assert self._socket is not None
        try:
            self._socket.settimeout(self.timeout)
            self._socket.sendall(data)
        except TimeoutError as error:
            raise PrinterTimeout(f"{self.name}: the printer stopped accepting data") from error
        except OSError as error:
            raise PrintFailed(f"{self.name}: sending failed: {error}") from error

    def read(self, size: int, timeout: float) -> bytes:
        self._require_open()
        assert self._socket is not None
        try:
            self._socket.settimeout(timeout)
            return self._socket.recv(size)
        except TimeoutError:
            return b""
        except OSError as error:
            raise PrinterError(f"{self.name}: reading failed: {error}") from error

    def discard_input(self) -> None:
        if self._socket is None:
            return
        self._socket.setblocking(False)
        try:
            while self._socket.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass
        finally:
            self._socket.settimeout(self.timeout)
