"""Every site's now, computed once per refresh and shared by every open dashboard.

Each dashboard asks ``province.live`` every few seconds; with many managers' pages open the
province would compute the same figures once a page. :class:`LiveBoard` computes every site's
now (:func:`province.live.sites_now`, a fixed number of statements) at most once every
``every`` seconds, whoever asks; a request arriving while it is being computed waits for that
computation, and each manager's scope is cut from the one result (:meth:`Board.seen_by`).
A failure is not kept: the next request tries again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Callable

from province import live
from province.database import Database
from province.settings import Manager

REFRESH_SECONDS = 5.0  # the page's own refresh: a board is at most this old


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
        self._lock = asyncio.Lock()

    async def now(self) -> Board:
        """The board, computed again if older than ``every`` seconds."""
        async with self._lock:
            if self._board is None or self.monotonic() - self._taken >= self.every:
                started, now = self.monotonic(), self.clock()
                rows = await self.database.query(lambda conn: live.sites_now(conn, now, self.offline_after))
                self._board, self._taken = Board(now, tuple(rows)), started
                self.computed += 1
            return self._board
