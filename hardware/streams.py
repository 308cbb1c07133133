"""Events from a device's background tasks to the asyncio code that reads them.

    class ScanStream(EventStream[ScanEvent]): ...      # and PadBus(EventStream[PadEvent])

    async with stream:                # starts the subclass's tasks
        async for event in stream:    # ends when the stream is closed
            ...

The subclass says which coroutines run (:meth:`EventStream._runners`) and hands events to
:meth:`EventStream._emit`; when nobody reads and ``max_pending`` events wait, newer ones
are dropped and counted (``dropped``) rather than piling up in memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

__all__ = ["EventStream", "StreamClosed"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class StreamClosed(Exception):
    """:meth:`EventStream.get` was called on a closed stream."""


class EventStream(Generic[T]):
    closed_error: type[StreamClosed] = StreamClosed
    kind = "stream"

    def __init__(self, name: str, max_pending: int) -> None:
        self.name = name
        self.dropped = 0
        self._queue: asyncio.Queue[T | None] = asyncio.Queue(max_pending)
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    def _runners(self) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        """The coroutines to run while the stream is open, each with a task name."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def start(self) -> None:
        """Start the background tasks (in the running loop); once only."""
        if self._tasks or self._closed:
            raise RuntimeError(f"a {self.kind} is started once")
        self._tasks = [asyncio.create_task(runner, name=name) for name, runner in self._runners()]

    async def get(self) -> T:
        """The next event; raises :attr:`closed_error` once the stream is closed."""
        if self._closed and self._queue.empty():
            raise self.closed_error(f"the {self.kind} is closed")
        event = await self._queue.get()
        if event is None:
            self._queue.put_nowait(None)  # wake the other readers too
            raise self.closed_error(f"the {self.kind} is closed")
        return event

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> T:
        try:
            return await self.get()
        except StreamClosed:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        """Stop every task (and the threads they wait on) and wake every reader."""
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

    def _emit(self, event: T) -> None:
        if self._closed:
            return
        if self._queue.full():
            self.dropped += 1
            logger.warning("%s %s: event dropped, nobody is reading: %s", self.kind, self.name, event)
            return
        self._queue.put_nowait(event)
