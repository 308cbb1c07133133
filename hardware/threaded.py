"""Blocking device readers run in a thread and handed to the asyncio loop safely.

A blocking reader ``target(deliver, stop)`` loops on blocking reads (each with a short timeout) until
``stop`` is set, calling ``deliver(item)`` for what it found. :func:`run_in_thread` runs it
in its own thread; every item reaches the loop through ``call_soon_threadsafe``, so the
callback on the loop side runs in the loop's thread only. Cancelling the task sets ``stop``
and waits for the thread to end: no thread outlives the task.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["BlockingReader", "run_in_thread"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


BlockingReader = Callable[[Callable[[T], None], threading.Event], None]


async def run_in_thread(
    target: BlockingReader[T], deliver: Callable[[T], None], *, name: str
) -> None:
    """Run ``target`` in a thread until it returns, fails, or this task is cancelled."""
    loop = asyncio.get_running_loop()
    stop = threading.Event()
    done: asyncio.Future[None] = loop.create_future()

    def to_loop(item: T) -> None:
        try:
            loop.call_soon_threadsafe(deliver, item)
        except RuntimeError:  # the loop is closed: nobody is listening any more
            stop.set()

    def finish(error: BaseException | None) -> None:
        if done.done():
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def body() -> None:
        error: BaseException | None = None
        try:
            target(to_loop, stop)
        except BaseException as exc:  # handed to the awaiting task
            error = exc
        try:
            loop.call_soon_threadsafe(finish, error)
        except RuntimeError:
            if error is not None:
                logger.error("%s failed after its loop closed", name, exc_info=error)

    thread = threading.Thread(target=body, name=name, daemon=True)
    thread.start()
    try:
        await asyncio.shield(done)
    finally:
        stop.set()
        if not done.done():
            # Cancelled: wait for the thread to notice ``stop`` (one read timeout).
            try:
                await asyncio.shield(done)
            except Exception:
                logger.debug("%s ended with an error while stopping", name, exc_info=True)
        thread.join()
