"""The central database as the province server uses it: :class:`central.database.Database`
(one connection from worker threads, opened again after a failure, each piece of work
cancelled from the client's side after its timeout, so that it may go through PgBouncer's
transaction pooling: docs/province.md, "Connections"), with the central schema brought up to
date on each new connection."""

from __future__ import annotations

from central.database import Database, DatabaseAway

__all__ = ["Database", "DatabaseAway"]
