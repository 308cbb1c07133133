"""The central database as the province server uses it: one connection, used from worker
threads one query at a time, opened again after a failure (the server keeps answering that
the database is away, and recovers by itself).

The connection holds nothing of a session (:func:`central.connect`: no prepared statements),
so that it may go through PgBouncer's transaction pooling (docs/province.md, "Connections"):
a piece of work that runs longer than ``timeout_seconds`` is cancelled from the client's side
(a cancel request, which PgBouncer passes on), where a session's ``SET statement_timeout``
would stay on whichever server connection the pooler gave it."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

from central import schema as central

log = logging.getLogger(__name__)
T = TypeVar("T")


class DatabaseAway(Exception):
    """The central database cannot be reached now."""


class Database:
    def __init__(self, dsn: str, timeout_seconds: float = 10.0) -> None:
        self.dsn = dsn
        self.timeout_seconds = timeout_seconds
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            conn = central.connect(self.dsn, self.timeout_seconds)
            central.migrate(conn)
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
                log.warning("the central database is away: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                raise DatabaseAway("The central database cannot be reached now.") from None

    async def query(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        return await asyncio.to_thread(self.run, work)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
