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
from collections.abc import Coroutine, Sequence
from typing import Any

from hardware.scanner.dedup import DEFAULT_WINDOW, Deduplicator
from hardware.scanner.events import ScanEvent
from hardware.scanner.sources import ScanSource
from hardware.streams import EventStream, StreamClosed

__all__ = ["ScanStream", "ScanStreamClosed"]

logger = logging.getLogger(__name__)

RESTART_DELAY = 1.0


class ScanStreamClosed(StreamClosed):
    """:meth:`ScanStream.get` was called on a closed stream."""


class ScanStream(EventStream[ScanEvent]):
    closed_error = ScanStreamClosed
    kind = "scan stream"

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
        super().__init__("scanners", max_pending)
        self.sources = tuple(sources)
        self.dedup = Deduplicator(dedup_window)
        self.restart_delay = restart_delay

    def _runners(self) -> list[tuple[str, Coroutine[Any, Any, None]]]:
        return [(f"scan source {source.name}", self._keep_running(source)) for source in self.sources]

    def _emit(self, event: ScanEvent) -> None:
        if not self._closed and self.dedup.accept(event.code, event.time):
            super()._emit(event)

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
