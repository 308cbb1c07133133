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
from collections.abc import Callable
from types import TracebackType

from hardware.pad.bank import PadBank
from hardware.pad.events import KeyPress, Outcome, PadEvent
from hardware.pad.transports import PadTransport
from hardware.scanner.threaded import run_in_thread

__all__ = ["PadBus", "PadBusClosed"]

logger = logging.getLogger(__name__)


class PadBusClosed(Exception):
    """:meth:`PadBus.get` was called on a closed bus."""


class PadBus:
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
        self.transport = transport
        self.bank = bank
        self.name = transport.name
        self.clock = clock
        self.poll_interval = poll_interval
        self.restart_delay = restart_delay
        self.on_press = on_press
        self.dropped = 0
        self._queue: asyncio.Queue[PadEvent | None] = asyncio.Queue(max_pending)
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    async def __aenter__(self) -> PadBus:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def start(self) -> None:
        if self._tasks or self._closed:
            raise RuntimeError("a pad bus is started once")
        self._tasks = [
            asyncio.create_task(self._read(), name=f"pad bus {self.name}"),
            asyncio.create_task(self._tick(), name=f"pad timer {self.name}"),
        ]

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

    async def get(self) -> PadEvent:
        if self._closed and self._queue.empty():
            raise PadBusClosed("the pad bus is closed")
        event = await self._queue.get()
        if event is None:
            self._queue.put_nowait(None)
            raise PadBusClosed("the pad bus is closed")
        return event

    def __aiter__(self) -> PadBus:
        return self

    async def __anext__(self) -> PadEvent:
        try:
            return await self.get()
        except PadBusClosed:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        while not self._queue.empty():
            self._queue.get_nowait()
        self._queue.put_nowait(None)

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
            if self._queue.full():
                self.dropped += 1
                logger.warning("%s: pad event dropped, nobody reads the bus: %s", self.name, event)
            else:
                self._queue.put_nowait(event)

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
