"""Scan sources: what the merged stream reads from, and the serial scanner.

A source has a ``name`` and an ``async run(emit)`` that calls ``emit(event)`` on the loop's
thread for every code read, until it is cancelled. Nothing is opened before ``run``.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable
from typing import Protocol

from hardware.scanner.events import ScanEvent
from hardware.scanner.lines import DiscardReason, LineParser, LineSettings
from hardware.serial_link import Backoff, LinkState, SerialLink, SerialSettings
from hardware.threaded import run_in_thread

__all__ = ["Emit", "ScanSource", "SerialScanner"]

Emit = Callable[[ScanEvent], None]


class ScanSource(Protocol):
    name: str

    async def run(self, emit: Emit) -> None: ...


class SerialScanner:
    """A scanner on a serial port (or a pty simulator), read in its own thread.

    ``state`` follows the port (connected, waiting for it to come back, closed) and
    ``discards`` counts the lines that gave no code, by reason.
    """

    def __init__(
        self,
        serial_settings: SerialSettings,
        line_settings: LineSettings = LineSettings(),
        *,
        name: str,
        backoff: Backoff = Backoff(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.serial_settings = serial_settings
        self.line_settings = line_settings
        self.backoff = backoff
        self.clock = clock
        self.state = LinkState.CLOSED
        self.connected = threading.Event()
        self._parser = LineParser(line_settings)

    @property
    def discards(self) -> collections.Counter[DiscardReason]:
        return self._parser.discards

    async def run(self, emit: Emit) -> None:
        await run_in_thread(self.run_blocking, emit, name=f"scanner {self.name}")

    def run_blocking(self, deliver: Emit, stop: threading.Event) -> None:
        link = SerialLink(
            self.serial_settings, name=self.name, backoff=self.backoff, on_state=self._on_state
        )
        try:
            while not stop.is_set():
                data = link.read(stop)
                if not data:
                    continue
                self._parser.receive_data(data)
                for code in self._parser.codes_received():
                    deliver(ScanEvent(code.text, code.symbology, self.name, self.clock()))
        finally:
            link.close()

    def _on_state(self, state: LinkState) -> None:
        self.state = state
        if state is LinkState.CONNECTED:
            self.connected.set()
        else:
            self.connected.clear()
            self._parser.reset()
