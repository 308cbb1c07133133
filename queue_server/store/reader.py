"""Reading the store: the log for replay and catch-up, tickets, reports, exports, backups."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from queue_server.core.events import Event
from queue_server.core.model import Ticket
from queue_server.protocol.wire import event_from_row
from queue_server.store.reports import figures, ticket_rows

TICKET_COLUMNS = (
    "id day label code service number state priority appointment slot_start target_counter source counter "
    "officer issued_at arrival_at called_at served_at done_at recalls returns transferred_from transferred_to rating "
    "linked_dossiers"
).split()


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    values = ticket.as_dict()
    row = {column: values[column] for column in TICKET_COLUMNS}
    row["linked_dossiers"] = json.dumps(ticket.linked_dossiers) if ticket.linked_dossiers else None
    return row


def load_events(db: sqlite_utils.Database, after: int = 0, until: int | None = None) -> Iterator[Event]:
    """The log's events after seq ``after`` (and up to ``until``), in order."""
    cursor = db.execute(
        "SELECT seq, type, at, data FROM events WHERE seq > ? AND seq <= ? ORDER BY seq",
        [after, until if until is not None else 2**63 - 1],
    )
    for seq, type_, at, data in cursor:
        yield event_from_row(seq, type_, at, json.loads(data))


def last_seq(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]


def tickets_on(db: sqlite_utils.Database, day: dt.date) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM tickets WHERE day = ? ORDER BY id", [day.isoformat()]))


def export_events_csv(db: sqlite_utils.Database, out: IO[str], since: int = 0) -> int:
    """Write the log as CSV (seq, site, type, at, data as JSON); returns the row count."""
    writer = csv.writer(out)
    writer.writerow(["seq", "site", "type", "at", "data"])
    count = 0
    for row in db.execute("SELECT seq, site, type, at, data FROM events WHERE seq > ? ORDER BY seq", [since]):
        writer.writerow(row)
        count += 1
    return count


def backup(db_path: Path, destination: Path) -> None:
    """Copy the live database with SQLite's online backup API (safe while it is written)."""
    if destination.exists():
        raise FileExistsError(f"{destination} exists; choose a new file name")
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(destination)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def summary(
    db: sqlite_utils.Database, first: dt.date, last: dt.date, scale: Sequence[int] = (1, 2, 3, 4)
) -> dict[str, Any]:
    """The report figures for the days ``first``..``last`` (``stats.summary``), counted as the
    manager's reports count them (:func:`queue_server.store.reports.figures`); ``ratings``
    lists the scores given."""
    values = figures(ticket_rows(db, first, last), scale).as_dict()
    values["ratings"] = {score: count for score, count in values["ratings"].items() if count}
    return {"from": first.isoformat(), "to": last.isoformat(), **values}
