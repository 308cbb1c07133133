"""A serial port that survives being unplugged: pyserial with reopen and backoff.

Used by serial scanners and by rating-pad buses. The port is opened on the first
:meth:`SerialLink.read`, never at construction. When the device disappears (a USB adapter
pulled out, a simulated device killed) the error is logged, the port closed, and reopening
is tried again with exponential backoff until it comes back. Opening the port empties its
input buffer: a code scanned while nobody listened must not act minutes later.

A link is driven by one thread (see :mod:`hardware.threaded`); it is not
thread-safe.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from hardware.urls import DeviceURL, InvalidDeviceURL

__all__ = ["Backoff", "LinkState", "SerialLink", "SerialSettings"]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SerialSettings:
    """Where the device is and how to talk to it (8N1 unless told otherwise)."""

    path: str
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = serial.PARITY_NONE
    stopbits: float = 1
    exclusive: bool = True

    @classmethod
    def from_url(cls, url: DeviceURL, path: str, *, default_baudrate: int) -> SerialSettings:
        parity = (url.param("parity", "N") or "N").upper()
        if parity not in serial.PARITY_NAMES:
            raise InvalidDeviceURL(f"{url.raw}: parity must be one of N, E, O, M, S")
        bytesize = url.int_param("bytesize", 8)
        if bytesize not in (5, 6, 7, 8):
            raise InvalidDeviceURL(f"{url.raw}: bytesize must be 5, 6, 7 or 8")
        stopbits = url.float_param("stopbits", 1)
        if stopbits not in (1, 1.5, 2):
            raise InvalidDeviceURL(f"{url.raw}: stopbits must be 1, 1.5 or 2")
        baudrate = url.int_param("baudrate", default_baudrate)
        if baudrate <= 0:
            raise InvalidDeviceURL(f"{url.raw}: baudrate must be positive")
        return cls(path, baudrate, bytesize, parity, stopbits)


@dataclasses.dataclass(frozen=True)
class Backoff:
    """Delays between reopen attempts: ``initial``, doubling, at most ``maximum`` seconds."""

    initial: float = 0.25
    maximum: float = 5.0

    @classmethod
    def from_url(cls, url: DeviceURL) -> Backoff:
        return cls(
            initial=url.float_param("reconnect_initial", cls.initial),
            maximum=url.float_param("reconnect_max", cls.maximum),
        )

    def delay(self, failures: int) -> float:
        return min(self.maximum, self.initial * 2 ** max(0, failures - 1))


class LinkState(enum.Enum):
    CLOSED = "closed"
    CONNECTED = "connected"
    WAITING = "waiting"  # the device is missing; retrying


class SerialLink:
    """Reads and writes a serial device, reopening it whenever it goes away."""

    def __init__(
        self,
        settings: SerialSettings,
        *,
        name: str,
        backoff: Backoff = Backoff(),
        read_timeout: float = 0.05,
        opener: Callable[..., Any] = serial.Serial,
        on_state: Callable[[LinkState], None] | None = None,
    ) -> None:
        self.settings = settings
        self.name = name
        self.backoff = backoff
        self.read_timeout = read_timeout
        self._opener = opener
        self._on_state = on_state
        self._port: Any = None
        self._failures = 0
        self._next_attempt = 0.0
        self.state = LinkState.CLOSED
        self.reconnects = 0

    def read(self, stop: threading.Event) -> bytes:
        """Whatever arrived within the read timeout (``b""`` if none or disconnected)."""
        if self._port is None and not self._try_open(stop):
            return b""
        try:
            data: bytes = self._port.read(1)
            if data and self._port.in_waiting:
                data += self._port.read(self._port.in_waiting)
            return data
        except (serial.SerialException, OSError) as exc:
            self._lost(exc)
            return b""

    def write(self, data: bytes) -> bool:
        """Send ``data``; ``False`` (and logged) when the device is not there."""
        if self._port is None:
            logger.warning("%s: not connected, %d bytes not sent", self.name, len(data))
            return False
        try:
            self._port.write(data)
            self._port.flush()
            return True
        except (serial.SerialException, OSError) as exc:
            self._lost(exc)
            return False

    def close(self) -> None:
        if self._port is not None:
            port, self._port = self._port, None
            try:
                port.close()
            except (serial.SerialException, OSError):  # pragma: no cover - best effort
                logger.debug("%s: error while closing", self.name, exc_info=True)
        self._set_state(LinkState.CLOSED)

    def _try_open(self, stop: threading.Event) -> bool:
        wait = self._next_attempt - time.monotonic()
        if wait > 0:
            stop.wait(min(wait, self.read_timeout))
            return False
        s = self.settings
        try:
            port = self._opener(
                port=s.path,
                baudrate=s.baudrate,
                bytesize=s.bytesize,
                parity=s.parity,
                stopbits=s.stopbits,
                timeout=self.read_timeout,
                write_timeout=1.0,
                exclusive=s.exclusive,
            )
            port.reset_input_buffer()
        except (serial.SerialException, OSError, ValueError) as exc:
            self._failures += 1
            delay = self.backoff.delay(self._failures)
            self._next_attempt = time.monotonic() + delay
            log = logger.warning if self._failures == 1 else logger.debug
            log("%s: cannot open %s (%s); retrying in %.2f s", self.name, s.path, exc, delay)
            self._set_state(LinkState.WAITING)
            stop.wait(min(delay, self.read_timeout))
            return False
        if self._failures or self.reconnects:
            logger.warning("%s: %s is back after %d failed attempts", self.name, s.path, self._failures)
        else:
            logger.info("%s: opened %s at %d baud", self.name, s.path, s.baudrate)
        self._port = port
        self._failures = 0
        self._set_state(LinkState.CONNECTED)
        return True

    def _lost(self, exc: BaseException) -> None:
        logger.warning("%s: lost %s (%s); reopening", self.name, self.settings.path, exc)
        self.reconnects += 1
        self.close()
        self._failures = 1
        self._next_attempt = time.monotonic() + self.backoff.delay(1)
        self._set_state(LinkState.WAITING)

    def _set_state(self, state: LinkState) -> None:
        if state is not self.state:
            self.state = state
            if self._on_state is not None:
                self._on_state(state)
