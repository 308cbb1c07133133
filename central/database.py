"""A PostgreSQL database as a server of ours uses it — the province's central database
(``motcua-central``) and the nation's (``motcua-national``): one connection, used from worker
threads one piece of work at a time, opened again after a failure (the server keeps answering
that the database is away, and recovers by itself).

The connection holds nothing of a session (:func:`central.schema.connect`: no prepared
statements), so that it may go through PgBouncer's transaction pooling (docs/province.md,
"Connections"): a piece of work that runs longer than ``timeout_seconds`` is cancelled from the
client's side (a cancel request, which PgBouncer passes on), where a session's ``SET
statement_timeout`` would stay on whichever server connection the pooler gave it.

Each app says which database it is (:attr:`Database.what`, for its log and its error) and brings
its schema up to date on each new connection (:meth:`Database.prepare`): the central schema
here, the nation's own tables in ``national.database``."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import psycopg

from central import schema

log = logging.getLogger(__name__)
T = TypeVar("T")


class DatabaseAway(Exception):
    """The database cannot be reached now."""


class Database:
    what = "central"  # which database, in the log and in DatabaseAway's message

    def __init__(self, dsn: str, timeout_seconds: float = 10.0) -> None:
        self.dsn = dsn
        self.timeout_seconds = timeout_seconds
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def prepare(self, conn: psycopg.Connection[Any]) -> None:
        """A new connection's first work: the central schema brought up to date."""
        schema.migrate(conn)

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            conn = schema.connect(self.dsn, self.timeout_seconds)
            self.prepare(conn)
            self._conn = conn
        return self._conn

    def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        with self._lock:
            try:
                conn = self._connection()
                overdue = threading.Timer(self.timeout_seconds, conn.cancel_safe)  # QueryCanceled, as a statement timeout
                overdue.start()
                try:
                    return work(conn)
                finally:
                    overdue.cancel()
            except psycopg.OperationalError as exc:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                log.warning("the %s database is away: %s", self.what, str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                raise DatabaseAway(f"The {self.what} database cannot be reached now.") from None

    async def query(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        return await asyncio.to_thread(self.run, work)

    async def reachable(self) -> bool:
        """Whether the database answers now (``/healthz``)."""
        try:
            await self.query(lambda conn: conn.execute("SELECT 1").fetchone())
        except DatabaseAway:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


async def keep_doing(
    work: Callable[[], Awaitable[object]], every: float, failed: str, wanted: Callable[[], bool] = lambda: True
) -> None:
    """A server's background keeper, until cancelled: ``work`` every ``every`` seconds while
    ``wanted()``. The database away is passed over (said by the database; the next turn tries
    again); any other failure is a bug, logged as ``failed``, and the keeper goes on."""
    while True:
        if wanted():
            try:
                await work()
            except DatabaseAway:
                pass
            except Exception:
                log.exception(failed)
        await asyncio.sleep(every)
