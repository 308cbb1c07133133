"""One async stream of scan events from all of a kiosk's scanners.

    async with ScanStream([open_scanner(url) for url in urls]) as scans:
        async for event in scans:
            result = classifier.classify(event.code)

Each source runs in its own task (blocking ones in their own thread); a source that fails
unexpectedly is logged and restarted after a pause, so one broken scanner never stops the
others. The same code seen twice within ``dedup_window`` seconds, from any source, is
passed on once (:class:`~hardware.scanner.dedup.Deduplicator`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from types import TracebackType

from hardware.scanner.dedup import DEFAULT_WINDOW, Deduplicator
from hardware.scanner.events import ScanEvent
from hardware.scanner.sources import ScanSource

__all__ = ["ScanStream", "ScanStreamClosed"]

logger = logging.getLogger(__name__)

RESTART_DELAY = 1.0


class ScanStreamClosed(Exception):
    """:meth:`ScanStream.get` was called on a closed stream."""


class ScanStream:
    def __init__(
        self,
        sources: Sequence[ScanSource],
        *,
        dedup_window: float = DEFAULT_WINDOW,
        max_pending: int = 32,
        restart_delay: float = RESTART_DELAY,
    ) -> None:
        names = [source.name for source in sources]
        if len(set(names)) != len(names):
            raise ValueError(f"scan sources need distinct names, got {names}")
        self.sources = tuple(sources)
        self.dedup = Deduplicator(dedup_window)
        self.restart_delay = restart_delay
        self.dropped = 0
        self._queue: asyncio.Queue[ScanEvent | None] = asyncio.Queue(max_pending)
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    async def __aenter__(self) -> ScanStream:
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
        """Start reading every source (in the running loop)."""
        if self._tasks or self._closed:
            raise RuntimeError("a scan stream is started once")
        for source in self.sources:
            task = asyncio.create_task(self._keep_running(source), name=f"scan source {source.name}")
            self._tasks.append(task)

    async def get(self) -> ScanEvent:
        """The next scan; raises :class:`ScanStreamClosed` once the stream is closed."""
        if self._closed and self._queue.empty():
            raise ScanStreamClosed("the scan stream is closed")
        event = await self._queue.get()
        if event is None:
            self._queue.put_nowait(None)  # wake the other readers too
            raise ScanStreamClosed("the scan stream is closed")
        return event

    def __aiter__(self) -> ScanStream:
        return self

    async def __anext__(self) -> ScanEvent:
        try:
            return await self.get()
        except ScanStreamClosed:
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        """Stop every source and wait for them (threads included) to end."""
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

    def _emit(self, event: ScanEvent) -> None:
        if self._closed or not self.dedup.accept(event.code, event.time):
            return
        if self._queue.full():
            self.dropped += 1
            logger.warning("scan from %s dropped: nobody is reading the scan stream", event.source)
            return
        self._queue.put_nowait(event)

    async def _keep_running(self, source: ScanSource) -> None:
        while True:
            try:
                await source.run(self._emit)
                logger.warning("scan source %s stopped; restarting", source.name)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("scan source %s failed; restarting in %.1f s", source.name, self.restart_delay)
            await asyncio.sleep(self.restart_delay)
