"""Reading the store: the log for replay and catch-up, tickets, reports, exports, backups."""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from ..core.events import Event
from ..core.model import Ticket
from ..wire import event_from_row

TICKET_COLUMNS = (
    "id day label code service number state priority appointment slot_start target_counter source counter "
    "officer issued_at arrival_at called_at served_at done_at recalls returns transferred_from transferred_to rating"
).split()


def ticket_row(ticket: Ticket) -> dict[str, Any]:
    values = ticket.as_dict()
    return {column: values[column] for column in TICKET_COLUMNS}


def load_events(db: sqlite_utils.Database, after: int = 0) -> Iterator[Event]:
    cursor = db.execute("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq", [after])
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


def summary(db: sqlite_utils.Database, first: dt.date, last: dt.date) -> dict[str, Any]:
    """The report figures for the days ``first``..``last``: counts, waits, service times,
    satisfaction."""
    rows = list(
        db.query(
            "SELECT state, service, arrival_at, called_at, served_at, done_at, rating FROM tickets"
            " WHERE day BETWEEN ? AND ?",
            [first.isoformat(), last.isoformat()],
        )
    )
    waits = sorted(
        _minutes(r["arrival_at"], r["called_at"]) for r in rows if r["called_at"] and r["state"] != "transferred"
    )
    services = [
        _minutes(r["served_at"] or r["called_at"], r["done_at"]) for r in rows if r["state"] == "done" and r["done_at"]
    ]
    ratings = [r["rating"] for r in rows if r["rating"] is not None]
    by_state: dict[str, int] = {}
    for r in rows:
        by_state[r["state"]] = by_state.get(r["state"], 0) + 1
    levels: dict[str, int] = {}
    for score in ratings:
        levels[str(score)] = levels.get(str(score), 0) + 1
    issued = sum(1 for r in rows if r["state"] != "transferred")
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "issued": issued,
        "served": by_state.get("done", 0),
        "no_show": by_state.get("no_show", 0),
        "cancelled": by_state.get("cancelled", 0),
        "transferred": by_state.get("transferred", 0),
        "waiting": by_state.get("waiting", 0),
        "average_wait_minutes": _round(sum(waits) / len(waits)) if waits else None,
        "p90_wait_minutes": _round(waits[math.ceil(0.9 * len(waits)) - 1]) if waits else None,
        "average_service_minutes": _round(sum(services) / len(services)) if services else None,
        "ratings": levels,
        "rating_count": len(ratings),
        "average_rating": _round(sum(ratings) / len(ratings)) if ratings else None,
    }


def _minutes(start: str, end: str) -> float:
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 60


def _round(value: float) -> float:
    return round(value, 2)
