"""Keyboard-wedge scanners through evdev, grabbed so codes never type into the kiosk UI.

This is the thin I/O layer only: it opens ``/dev/input/by-id/...``, grabs the device
exclusively, and feeds its key events to the tested pure decoder
(:class:`~hardware.scanner.keymap.KeyboardLineParser`). It survives the scanner being
unplugged (reopen with backoff). It needs ``/dev/input`` and read access to it (the
``input`` group or a udev rule, see ``docs/hardware.md``), so it is not exercised by the
test suite; everything it calls is.
"""

from __future__ import annotations

import collections
import logging
import select
import threading
import time
from collections.abc import Callable
from typing import Any

from hardware.scanner.events import ScanEvent
from hardware.scanner.keymap import KeyboardLineParser, KeyEvent, KeyState
from hardware.scanner.lines import DiscardReason, LineSettings
from hardware.serial_link import Backoff
from hardware.threaded import run_in_thread

__all__ = ["EvdevKeys", "HidScanner"]

logger = logging.getLogger(__name__)

EV_KEY = 1  # linux/input-event-codes.h


class EvdevKeys:
    """An input device opened and grabbed on demand; yields key events, reopens when lost."""

    def __init__(self, path: str, *, name: str, grab: bool = True, backoff: Backoff = Backoff()) -> None:
        self.path = path
        self.name = name
        self.grab = grab
        self.backoff = backoff
        self._device: Any = None
        self._failures = 0
        self._next_attempt = 0.0

    def read(self, stop: threading.Event, timeout: float = 0.1) -> list[KeyEvent] | None:
        """Key events that arrived within ``timeout``; ``None`` when the device was lost."""
        if self._device is None and not self._open(stop, timeout):
            return []
        try:
            ready, _, _ = select.select([self._device.fd], [], [], timeout)
            if not ready:
                return []
            return [
                KeyEvent(event.code, KeyState(event.value))
                for event in self._device.read()
                if event.type == EV_KEY and event.value in (0, 1, 2)
            ]
        except BlockingIOError:
            return []
        except OSError as exc:
            logger.warning("%s: lost %s (%s); reopening", self.name, self.path, exc)
            self.close()
            self._failures = 1
            self._next_attempt = time.monotonic() + self.backoff.delay(1)
            return None

    def close(self) -> None:
        if self._device is not None:
            device, self._device = self._device, None
            try:
                if self.grab:
                    device.ungrab()
            except OSError:
                pass
            device.close()

    def _open(self, stop: threading.Event, timeout: float) -> bool:
        wait = self._next_attempt - time.monotonic()
        if wait > 0:
            stop.wait(min(wait, timeout))
            return False
        import evdev  # only where a real input device is used

        try:
            device = evdev.InputDevice(self.path)
            if self.grab:
                device.grab()
        except OSError as exc:
            self._failures += 1
            delay = self.backoff.delay(self._failures)
            self._next_attempt = time.monotonic() + delay
            log = logger.warning if self._failures == 1 else logger.debug
            log("%s: cannot open %s (%s); retrying in %.2f s", self.name, self.path, exc, delay)
            return False
        logger.info("%s: opened %s (%s)%s", self.name, self.path, device.name, ", grabbed" if self.grab else "")
        self._device = device
        self._failures = 0
        return True


class HidScanner:
    """A keyboard-wedge scanner at ``/dev/input/by-id/...``, read in its own thread."""

    def __init__(
        self,
        path: str,
        line_settings: LineSettings = LineSettings(),
        *,
        name: str,
        grab: bool = True,
        tab_ends_code: bool = False,
        backoff: Backoff = Backoff(),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.name = name
        self.path = path
        self.grab = grab
        self.backoff = backoff
        self.clock = clock
        self._parser = KeyboardLineParser(line_settings, tab_ends_code=tab_ends_code)

    @property
    def discards(self) -> collections.Counter[DiscardReason]:
        return self._parser.discards

    async def run(self, emit: Callable[[ScanEvent], None]) -> None:
        await run_in_thread(self.run_blocking, emit, name=f"scanner {self.name}")

    def run_blocking(self, deliver: Callable[[ScanEvent], None], stop: threading.Event) -> None:
        keys = EvdevKeys(self.path, name=self.name, grab=self.grab, backoff=self.backoff)
        try:
            while not stop.is_set():
                events = keys.read(stop)
                if events is None:
                    self._parser.lines.reset()
                    self._parser.decoder.reset()
                    continue
                self._parser.receive_events(events)
                for code in self._parser.codes_received():
                    deliver(ScanEvent(code.text, code.symbology, self.name, self.clock()))
        finally:
            keys.close()
