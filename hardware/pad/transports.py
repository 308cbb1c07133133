"""How pad presses reach the host and commands reach the pads: serial bus or USB keys.

A transport has ``run_blocking(deliver, stop)`` (run in a thread by
:func:`~hardware.threaded.run_in_thread`) and ``send(command)``, callable from any
thread. The serial transport owns its port in its one thread: commands are queued and
written between reads, once the port is open (the last ``MAX_QUEUED`` are kept while the
bus is away, so the LEDs end in the right state when it comes back). The HID transport has nothing to light, so it drops commands.
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from typing import Protocol

from hardware.pad.events import KeyPress, PadCommand
from hardware.pad.keys import HidPadDecoder
from hardware.pad.wire import PadProtocol
from hardware.scanner.hid import EvdevKeys
from hardware.serial_link import Backoff, LinkState, SerialLink, SerialSettings

__all__ = ["MAX_QUEUED", "HidPadTransport", "PadTransport", "SerialPadTransport"]

logger = logging.getLogger(__name__)

Deliver = Callable[[KeyPress], None]
MAX_QUEUED = 64


class PadTransport(Protocol):
    name: str

    def run_blocking(self, deliver: Deliver, stop: threading.Event) -> None: ...

    def send(self, command: PadCommand) -> None: ...


class SerialPadTransport:
    """Pads on a serial line (RS-485 through a USB adapter, or a pty simulator)."""

    def __init__(
        self,
        settings: SerialSettings,
        protocol: PadProtocol,
        *,
        name: str,
        backoff: Backoff = Backoff(),
    ) -> None:
        self.name = name
        self.settings = settings
        self.protocol = protocol
        self.backoff = backoff
        self.parser = protocol.parser()
        self.connected = threading.Event()
        self._outgoing: collections.deque[bytes] = collections.deque(maxlen=MAX_QUEUED)

    def send(self, command: PadCommand) -> None:
        data = self.protocol.encode_command(command)
        if data is None:
            logger.debug("%s: %s pads take no commands; %s skipped", self.name, self.protocol.value, command)
            return
        self._outgoing.append(data)  # deque appends and pops are thread-safe

    def run_blocking(self, deliver: Deliver, stop: threading.Event) -> None:
        link = SerialLink(self.settings, name=self.name, backoff=self.backoff, on_state=self._on_state)
        try:
            while not stop.is_set():
                data = link.read(stop)
                while self._outgoing and link.state is LinkState.CONNECTED:
                    link.write(self._outgoing.popleft())
                if data:
                    self.parser.receive_data(data)
                    for press in self.parser.presses_received():
                        deliver(press)
        finally:
            link.close()

    def _on_state(self, state: LinkState) -> None:
        if state is LinkState.CONNECTED:
            self.connected.set()
        else:
            self.connected.clear()
            self.parser.reset()


class HidPadTransport:
    """One USB pad that types keys, at ``/dev/input/by-id/...`` (grabbed exclusively)."""

    def __init__(
        self,
        path: str,
        decoder: HidPadDecoder,
        *,
        name: str,
        grab: bool = True,
        backoff: Backoff = Backoff(),
    ) -> None:
        self.name = name
        self.path = path
        self.decoder = decoder
        self.grab = grab
        self.backoff = backoff

    def send(self, command: PadCommand) -> None:
        logger.debug("%s: a keyboard pad has no LED or beeper; %s skipped", self.name, command)

    def run_blocking(self, deliver: Deliver, stop: threading.Event) -> None:
        keys = EvdevKeys(self.path, name=self.name, grab=self.grab, backoff=self.backoff)
        try:
            while not stop.is_set():
                events = keys.read(stop)
                if events is None:
                    self.decoder.decoder.reset()
                    continue
                for press in self.decoder.receive_events(events):
                    deliver(press)
        finally:
            keys.close()
