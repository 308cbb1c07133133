"""Real stand-ins for printers, no mocks (imported by the printer tests' conftest).

:class:`TcpPrinter` is a socket server on 127.0.0.1 (port 0) and :class:`PtyPrinter` the
far end of a pseudo-terminal; both record every byte they receive and answer ``DLE EOT n``
from a :class:`PrinterStatus` the test sets, like a printer on a network or serial port.
"""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tty

from hardware.printer.status import PrinterStatus, StatusQuery, encode_status

__all__ = ["READY", "FakePrinterLogic", "PtyPrinter", "TcpPrinter"]

READY = PrinterStatus(online=True, cover_open=False)


class FakePrinterLogic:
    """The printer side: collects bytes, answers status queries found in the stream."""

    def __init__(self, status: PrinterStatus = READY, answers: bool = True) -> None:
        self.status = status
        self.answers = answers
        self.received = bytearray()
        self._scanned = 0
        self.lock = threading.Lock()
        self.done = threading.Event()

    def feed(self, chunk: bytes) -> bytes:
        """Take bytes from the host; return what the printer sends back."""
        reply = bytearray()
        with self.lock:
            self.received += chunk
            while self.answers:
                found = self.received.find(b"\x10\x04", self._scanned)
                if found < 0 or found + 2 >= len(self.received):
                    break
                query = self.received[found + 2]
                if query in {q.value for q in StatusQuery}:
                    reply += encode_status(self.status, StatusQuery(query))
                self._scanned = found + 1
            self._scanned = max(self._scanned, len(self.received) - 2)
        return bytes(reply)


class TcpPrinter(FakePrinterLogic):
    def __init__(self, status: PrinterStatus = READY, answers: bool = True) -> None:
        super().__init__(status, answers)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.url = f"tcp://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                while chunk := connection.recv(65536):
                    reply = self.feed(chunk)
                    if reply:
                        connection.sendall(reply)
            self.done.set()

    def close(self) -> None:
        try:
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() in the thread
        except OSError:
            pass
        self.server.close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


class PtyPrinter(FakePrinterLogic):
    def __init__(self, status: PrinterStatus = READY, answers: bool = True) -> None:
        super().__init__(status, answers)
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.url = f"serial://{self.path}?baudrate=19200"
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            reply = self.feed(chunk)
            if reply:
                os.write(self.master, reply)

    def wait_for(self, size: int, timeout: float = 5.0) -> bytes:
        """The bytes received once at least ``size`` have come (a pty has no EOF)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < size and time.monotonic() < deadline:
            time.sleep(0.01)
        return bytes(self.received)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)
