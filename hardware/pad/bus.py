"""A bus of rating pads for asyncio: arm and disarm by counter, read rating events.

    bus = open_pad_bus("serial:///dev/ttyUSB0?protocol=qsystem", counters={2: "5"})
    async with bus:
        bus.arm(counter="5", ticket="A1023")
        async for event in bus:        # RatingAccepted | PressIgnored | ArmExpired
            ...

The transport reads in its own thread; presses are handed to the loop and go through the
pure :class:`~hardware.pad.bank.PadBank`, whose LED and beep commands go back to the pads.
A timer disarms pads nobody pressed. Call :meth:`PadBus.arm` and :meth:`PadBus.disarm`
from the loop's thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

from hardware.pad.bank import PadBank
from hardware.pad.events import KeyPress, Outcome, PadEvent
from hardware.pad.transports import PadTransport
from hardware.streams import EventStream, StreamClosed
from hardware.threaded import run_in_thread

__all__ = ["PadBus", "PadBusClosed"]

logger = logging.getLogger(__name__)


class PadBusClosed(StreamClosed):
    """:meth:`PadBus.get` was called on a closed bus."""


class PadBus(EventStream[PadEvent]):
    closed_error = PadBusClosed
    kind = "pad bus"

    def __init__(
        self,
        transport: PadTransport,
        bank: PadBank,
        *,
        clock: Callable[[], float] = time.time,
        poll_interval: float = 0.25,
        restart_delay: float = 1.0,
        on_press: Callable[[KeyPress], None] | None = None,
        max_pending: int = 64,
    ) -> None:
        super().__init__(transport.name, max_pending)
        self.transport = transport
        self.bank = bank
        self.clock = clock
        self.poll_interval = poll_interval
        self.restart_delay = restart_delay
        self.on_press = on_press

    def _runners(self) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        return [(f"pad bus {self.name}", self._read()), (f"pad timer {self.name}", self._tick())]

    def arm(self, ticket: str, *, counter: str | None = None, address: int | None = None) -> None:
        """Arm the pad of ``counter`` (or at ``address``) for ``ticket``'s rating."""
        now = self.clock()
        if counter is not None:
            self._apply(self.bank.arm_counter(counter, ticket, now))
        elif address is not None:
            self._apply(self.bank.arm(address, ticket, now))
        else:
            raise TypeError("arm() needs a counter or an address")

    def disarm(self, *, counter: str | None = None, address: int | None = None) -> None:
        now = self.clock()
        if counter is not None:
            self._apply(self.bank.disarm_counter(counter, now))
        elif address is not None:
            self._apply(self.bank.disarm(address, now))
        else:
            raise TypeError("disarm() needs a counter or an address")

    def _on_press(self, press: KeyPress) -> None:
        if self._closed:
            return
        if self.on_press is not None:
            self.on_press(press)
        self._apply(self.bank.receive_press(press, self.clock()))

    def _apply(self, outcome: Outcome) -> None:
        for command in outcome.commands:
            self.transport.send(command)
        for event in outcome.events:
            self._emit(event)

    async def _read(self) -> None:
        while True:
            try:
                await run_in_thread(self.transport.run_blocking, self._on_press, name=f"pads {self.name}")
                logger.warning("%s: pad transport stopped; restarting", self.name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("%s: pad transport failed; restarting", self.name)
            await asyncio.sleep(self.restart_delay)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.poll_interval)
            self._apply(self.bank.poll(self.clock()))
