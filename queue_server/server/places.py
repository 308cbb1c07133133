"""Telling the phones that follow tickets their places in the queue, as the queue moves.

At a busy moment thousands of phones are not sent a message for every call: the hub says
the queue moved (:meth:`Places.soon`), and the phones are told now, or — if they were told
less than ``POSITION_SECONDS`` ago — once that much time has passed, ``POSITION_CHUNK`` at a
time with a turn of the event loop in between, so that a thousand phones do not hold up a
counter's call.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

POSITION_SECONDS = 1.0  # a phone is told its place in the queue at most this often
POSITION_CHUNK = 100  # phones told in one turn of the event loop


class Places:
    def __init__(
        self,
        updates: Callable[[], Iterator[tuple[Any, dict[str, Any]]]],
        send: Callable[[Iterable[tuple[Any, dict[str, Any]]]], None],
    ) -> None:
        self._updates = updates  # each following phone's session and its update, made as asked
        self._send = send  # queues a chunk of them
        self._told_at = -POSITION_SECONDS  # when the phones were last told their places
        self._due: asyncio.TimerHandle | None = None
        self._wanted = False
        self._tasks: set[asyncio.Task[None]] = set()

    def soon(self) -> None:
        """The queue moved: tell the phones now, or when ``POSITION_SECONDS`` have passed."""
        self._wanted = True
        if self._due is not None:
            return
        wait = max(0.0, self._told_at + POSITION_SECONDS - time.monotonic())
        self._due = asyncio.get_running_loop().call_later(wait, self._start)

    def close(self) -> None:
        """Drop what is scheduled (the server stops): nothing left to run on a closed loop."""
        if self._due is not None:
            self._due.cancel()
            self._due = None
        for task in list(self._tasks):
            task.cancel()

    def _start(self) -> None:
        task = asyncio.create_task(self._tell(), name="positions")
        self._tasks.add(task)  # the loop keeps only a weak reference to a task
        task.add_done_callback(self._tasks.discard)

    async def _tell(self) -> None:
        self._told_at = time.monotonic()
        self._wanted = False
        try:
            updates = self._updates()
            while chunk := list(itertools.islice(updates, POSITION_CHUNK)):
                self._send(chunk)
                await asyncio.sleep(0)
        finally:
            self._due = None
            if self._wanted:  # the queue moved again while this round went on
                self.soon()
