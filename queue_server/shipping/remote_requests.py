"""The thread that reads the province page's requests to this site from the central database
and writes back the site's answers (docs/province.md, "A number or a booking at any centre").

    reader = RequestReader("go-dau", settings, decide, loop)   # decide: the server's, a coroutine
    reader.start() … reader.stop()

Every ``POLL_SECONDS`` it opens a connection (autocommit, no prepared statements, no session
state: it works through PgBouncer's transaction pooling), claims the site's pending requests
and those it claimed before without answering them (a crash in between), has the site's event
loop decide each one (:class:`queue_server.server.central_requests.CentralRequests`: the site
keeps its decision, so a request read again gets the same answer), writes each answer, and
closes the connection. Why a table and not ``LISTEN``/``NOTIFY``: a notification reaches only a
session listening at that moment (a site whose link is down would lose it; nothing to read
again after a crash), and ``LISTEN`` needs a session of its own, which PgBouncer's
transaction pooling does not keep.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any

import psycopg

from central import remote_requests as central
from queue_server.config.settings import CentralSettings
from queue_server.protocol import backoff

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often the site looks for requests (each look: one connection, one statement when idle)
DECIDE_SECONDS = 30.0  # the longest the site's server may take to decide one

Decide = Callable[[str, str, dict[str, Any]], Coroutine[Any, Any, dict[str, Any]]]


class RequestReader:
    def __init__(
        self,
        site: str,
        settings: CentralSettings,
        decide: Decide,
        loop: asyncio.AbstractEventLoop,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.site = site
        self.settings = settings
        self.decide = decide
        self.loop = loop
        self.poll_seconds = poll_seconds
        self.answered = 0  # requests answered since start (for tests and logs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=f"requests-{self.site}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self.poll_once()
                failures = 0
                self._stop.wait(self.poll_seconds)
            except Exception as exc:  # the central side away or refusing: try again later
                failures += 1
                wait = backoff.delay(failures, ceiling=self.settings.retry_max_seconds)
                log.warning("reading the province's requests failed (%s); again in %.1f s", type(exc).__name__, wait)
                self._stop.wait(wait)

    def poll_once(self) -> int:
        """Claim, decide and answer the site's requests; returns how many were answered."""
        conn = psycopg.connect(
            self.settings.dsn,
            autocommit=True,
            prepare_threshold=None,
            connect_timeout=max(1, round(self.settings.timeout_seconds)),
        )
        try:
            answered = 0
            refused: psycopg.Error | None = None
            for request in central.claim(conn, self.site):
                answer = self._decided(request)
                if answer is None:
                    continue  # the site's server is stopping: read again at the next start
                try:
                    central.answer(conn, request.id, answer)
                    answered += 1
                except psycopg.Error as exc:  # the others are decided all the same (and kept)
                    if conn.broken:
                        raise
                    refused = exc
            self.answered += answered
            if refused is not None:
                raise refused  # claimed, decided, not answered: read again after a wait
            return answered
        finally:
            conn.close()

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
