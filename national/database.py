"""The national database as the national server uses it: one connection, used from worker
threads one query at a time, opened again after a failure (the server answers that the
database is away meanwhile, and recovers by itself) — as the province's server does."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import psycopg

from national import replication

log = logging.getLogger(__name__)
T = TypeVar("T")


class DatabaseAway(Exception):
    """The national database cannot be reached now."""


class Database:
    def __init__(self, dsn: str, timeout_seconds: float = 30.0) -> None:
        self.dsn = dsn
        self.timeout_seconds = timeout_seconds
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.Lock()

    def _connection(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed:
            conn = psycopg.connect(self.dsn, autocommit=True, connect_timeout=max(1, round(self.timeout_seconds)))
            conn.execute(f"SET statement_timeout = {int(self.timeout_seconds * 1000)}")
            replication.migrate(conn)
            self._conn = conn
        return self._conn

    def run(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        with self._lock:
            try:
                return work(self._connection())
            except psycopg.OperationalError as exc:
                if self._conn is not None:
                    self._conn.close()
                self._conn = None
                log.warning("the national database is away: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
                raise DatabaseAway("The national database cannot be reached now.") from None

    async def query(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        return await asyncio.to_thread(self.run, work)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
