"""The thread that reads the province page's requests to this site from the central database
and writes back the site's answers (docs/province.md, "A number or a booking at any centre").

    reader = RequestReader("go-dau", settings, decide, loop)   # decide: the server's, a coroutine
    reader.start() … reader.stop()

It keeps one connection (autocommit, no prepared statements, no session state: it works
through PgBouncer's transaction pooling, where a connection kept between looks costs no server
connection, and a login costs a SCRAM exchange), claims the site's pending requests and those
it claimed before without answering them (a crash in between), has the site's event loop
decide each one (:class:`queue_server.server.central_requests.CentralRequests`: the site keeps
its decision, so a request read again gets the same answer), and writes each answer. It looks
again after ``poll_seconds`` (1 s) when a request came, and after twice as long as the time
before each time none came, up to ``requests_idle_seconds`` (``[central]``, 15 s): a quiet site
looks 4 times a minute, not 60 (3,400 sites: 230 transactions a second, not 3,400), and a
request to it waits at most that long to be taken. The thread, its loop, and the spread of
the first connections, are the shipper's (:class:`.link.LinkThread`).
Why a table and not ``LISTEN``/``NOTIFY``: a notification reaches only a
session listening at that moment (a site whose link is down would lose it; nothing to read
again after a crash), and ``LISTEN`` needs a session of its own, which PgBouncer's
transaction pooling does not keep.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import psycopg

from central import remote_requests as central
from central import schema as central_schema
from queue_server.config.settings import CentralSettings
from queue_server.shipping import link

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # after a request, the site looks again this soon (with none, twice as long each time,
# up to [central] requests_idle_seconds)
DECIDE_SECONDS = 30.0  # the longest the site's server may take to decide one

Decide = Callable[[str, str, dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]


class RequestReader(link.LinkThread):
    def __init__(
        self,
        site: str,
        settings: CentralSettings,
        decide: Decide,
        loop: asyncio.AbstractEventLoop,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__(f"requests-{site}", settings)
        self.site = site
        self.decide = decide
        self.loop = loop
        self.poll_seconds = poll_seconds
        self.idle_seconds = max(settings.requests_idle_seconds, poll_seconds)
        self.looks = 0  # looks at the central table since start (for the benchmark and tests)
        self._wait = poll_seconds  # the wait after the last look
        self._conn: central_schema.SiteConnection | None = None
        self.answered = 0  # requests answered since start (for tests and logs)

    def _step(self) -> float:
        """One look; the wait before the next: short after a request, longer each quiet look."""
        seen = self.poll_once()
        self._wait = self.poll_seconds if seen else min(self.idle_seconds, self._wait * 2)
        return self._wait

    def _failed(self, exc: Exception, wait: float) -> None:
        self._disconnect()
        log.warning("reading the province's requests failed (%s); again in %.1f s", type(exc).__name__, wait)

    def poll_once(self) -> int:
        """Claim, decide and answer the site's requests; returns how many were claimed."""
        if self._conn is None:
            self._conn = link.connect(self.settings, self.site, first=self.looks == 0)
        conn, timeout = self._conn, self.settings.timeout_seconds
        self.looks += 1
        with central_schema.transaction(conn, timeout):
            claimed = central.claim(conn, self.site)
        answered = 0
        refused: psycopg.Error | None = None
        for request in claimed:
            answer = self._decided(request)
            if answer is None:
                continue  # the site's server is stopping: read again at the next start
            try:
                with central_schema.transaction(conn, timeout):
                    central.answer(conn, request.id, answer)
                answered += 1
            except psycopg.Error as exc:  # the others are decided all the same (and kept)
                if conn.broken:
                    raise
                refused = exc
        self.answered += answered
        if refused is not None:
            raise refused  # claimed, decided, not answered: read again after a wait
        return len(claimed)

    def _disconnect(self) -> None:
        link.close(self._conn)
        self._conn = None

    def _decided(self, request: central.Request) -> dict[str, Any] | None:
        future = asyncio.run_coroutine_threadsafe(self.decide(request.id, request.kind, request.payload), self.loop)
        for _ in range(int(DECIDE_SECONDS / 0.25)):
            if self._stop.is_set():
                break  # the server stops: the request stays claimed, read again at the next start
            try:
                return future.result(0.25)
            except concurrent.futures.TimeoutError:
                continue
            except concurrent.futures.CancelledError:
                return None
        future.cancel()
        return None
