"""Open descriptors: the process's limit raised at start, and the event loop's complaint when
they run out logged once per interval with a count, not once per failed ``accept()``.

With every descriptor in use, asyncio's server logs "socket.accept() out of system resource"
(with its traceback) for each failed ``accept()``, up to a backlog's worth per turn of the
loop: 206,383 lines in 25 s were seen. Connections are refused meanwhile either way; the
server answers again once some close.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

ACCEPT_FAILED = "socket.accept() out of system resource"


def raise_open_files() -> tuple[int, int]:
    """Raise the soft limit of open descriptors to the hard one; the limits now (soft, hard)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError) as exc:  # e.g. an unlimited hard limit the kernel caps lower
            log.warning("open files limit stays %d (hard %d): %s", soft, hard, exc)
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    log.info("open files limit %d (hard %d)", soft, hard)
    return soft, hard


class QuietAcceptErrors:
    """An event loop's exception handler: ``accept()`` out of descriptors is logged at most
    once per ``every`` seconds, with how many were not logged since; ``counted()`` is called
    for each. Anything else goes to the loop's default handler."""

    def __init__(
        self, counted: Callable[[], None] = lambda: None, every: float = 10.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.counted = counted
        self.every = every
        self.clock = clock
        self.last: float | None = None
        self.unlogged = 0

    def __call__(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != ACCEPT_FAILED:
            loop.default_exception_handler(context)
            return
        self.counted()
        now = self.clock()
        if self.last is not None and now - self.last < self.every:
            self.unlogged += 1
            return
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        log.error(
            "accept() failed: out of descriptors (%s; limit %d); %d more such failures since the last line",
            context.get("exception"),
            soft,
            self.unlogged,
        )
        self.last, self.unlogged = now, 0
