"""Every site's now, computed once per refresh and shared by every open dashboard.

Each dashboard asks ``province.live`` every few seconds; with many managers' pages open the
province would compute the same figures once a page. :class:`LiveBoard` computes every site's
now (:func:`province.live.sites_now`, a fixed number of statements) at most once every
``every`` seconds, whoever asks; a request arriving while it is being computed waits for that
computation, and each manager's scope is cut from the one result (:meth:`Board.seen_by`).
A failure is not kept: the next request tries again.

``motcua-central`` also runs :meth:`LiveBoard.keep_fresh`: while a dashboard has asked within
the last minute, the board is computed again every ``every`` seconds in the background, so a
dashboard's request is answered from the board at once instead of waiting for a computation
(at 3,400 sites with a busy day's tickets one takes about a second: docs/performance.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable

from central.database import keep_doing
from province import live
from province.database import Database
from province.settings import Manager

REFRESH_SECONDS = 5.0  # the page's own refresh: a board is at most this old
IDLE_SECONDS = 60.0  # keep_fresh stops computing when no dashboard asked for this long


@dataclasses.dataclass(frozen=True)
class Board:
    at: dt.datetime
    sites: tuple[live.SiteNow, ...]

    def seen_by(self, manager: Manager) -> list[live.SiteNow]:
        return [site for site in self.sites if manager.sees(site.site)]


class LiveBoard:
    def __init__(
        self,
        database: Database,
        clock: Callable[[], dt.datetime],
        offline_after: dt.timedelta,
        every: float = REFRESH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.clock = clock
        self.offline_after = offline_after
        self.every = every
        self.monotonic = monotonic
        self.computed = 0  # how many times every site's now was computed (for tests, figures)
        self._board: Board | None = None
        self._taken = 0.0
        self._asked = -IDLE_SECONDS
        self._lock = asyncio.Lock()

    async def now(self) -> Board:
        """The board, computed again if older than ``every`` seconds (twice that while
        :meth:`keep_fresh` runs: its next computation is due)."""
        self._asked = self.monotonic()
        return await self._fresh(self.every * (2 if self._keeping else 1))

    _keeping = False

    async def _fresh(self, age: float) -> Board:
        board = self._board
        if board is not None and self.monotonic() - self._taken < age:
            return board  # (without waiting for a computation under way)
        async with self._lock:
            if self._board is None or self.monotonic() - self._taken >= age:
                started, now = self.monotonic(), self.clock()
                rows = await self.database.query(lambda conn: live.sites_now(conn, now, self.offline_after))
                self._board, self._taken = Board(now, tuple(rows)), started
                self.computed += 1
            return self._board

    async def keep_fresh(self, idle: float = IDLE_SECONDS) -> None:
        """Compute the board every ``every`` seconds while a dashboard asked within ``idle``
        seconds (the central database away: tried again at the next turn)."""
        self._keeping = True
        try:
            await keep_doing(
                lambda: self._fresh(self.every), self.every / 2, "the live board could not be computed",
                wanted=lambda: self.monotonic() - self._asked < idle,
            )  # (the database away: said to each dashboard that asks meanwhile)
        finally:
            self._keeping = False
