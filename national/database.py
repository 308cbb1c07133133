"""The national database as the national server uses it: the province's wrapper
(:class:`central.database.Database`: one connection from worker threads, opened again after a
failure, each piece of work cancelled from the client's side after its timeout), with the
nation's own tables (:func:`national.replication.migrate`) brought up to date on each new
connection."""

from __future__ import annotations

from typing import Any

import psycopg

from central import database
from central.database import DatabaseAway
from national import replication

__all__ = ["Database", "DatabaseAway"]


class Database(database.Database):
    what = "national"

    def __init__(self, dsn: str, timeout_seconds: float = 30.0) -> None:
        super().__init__(dsn, timeout_seconds)

    def prepare(self, conn: psycopg.Connection[Any]) -> None:
        replication.migrate(conn)
