"""The history the planning tools read from the ``tickets`` and ``appointments`` tables.

    history = walk_ins_by_slot(db, history_days(day), tz)   # {day: {(service, half-hour): count}}
    minutes = service_minutes(db, first, last)               # {service: mean minutes}
    booked = booked_by_slot(db, day, tz)                     # {(service, half-hour): count}
    visits = visits(db, first, last, tz)                     # for the weekday × hour heat map

Counting follows ``store/reports.py``: the closed half of a transfer is not an arrival; a
service time runs from the start of service (or the call) to completion of a completed ticket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import sqlite_utils

from ..planning.heatmap import Visit
from ..planning.slots import slot_of


def walk_ins_by_slot(
    db: sqlite_utils.Database, days: Iterable[dt.date], tz: ZoneInfo, service: str | None = None
) -> dict[dt.date, dict[tuple[str, int], int]]:
    """Tickets issued without an appointment per (service, local half-hour) on each of ``days``
    (of one ``service`` only, when given); a day is a key only when the centre issued at least
    one ticket on it."""
    wanted = sorted({d.isoformat() for d in days})
    if not wanted:
        return {}
    found: dict[dt.date, dict[tuple[str, int], int]] = {}
    days_sql = f"SELECT day, service, state, appointment, issued_at FROM tickets WHERE day IN ({','.join('?' * len(wanted))})"
    found.update((dt.date.fromisoformat(r["day"]), {}) for r in db.query(f"SELECT DISTINCT day FROM ({days_sql})", wanted))
    if service is not None:
        days_sql += " AND service = ?"
        wanted.append(service)
    rows = db.query(days_sql, wanted)
    for row in rows:
        counts = found.setdefault(dt.date.fromisoformat(row["day"]), {})
        if row["state"] == "transferred" or row["appointment"] is not None or not row["issued_at"]:
            continue
        key = (row["service"], slot_of(dt.datetime.fromisoformat(row["issued_at"]).astimezone(tz)))
        counts[key] = counts.get(key, 0) + 1
    return found


def service_minutes(db: sqlite_utils.Database, first: dt.date, last: dt.date) -> dict[str, float]:
    """The mean service time in minutes per service over completed tickets of the days."""
    spans: dict[str, list[float]] = {}
    rows = db.query(
        "SELECT service, served_at, called_at, done_at FROM tickets"
        " WHERE day BETWEEN ? AND ? AND state = 'done' AND done_at IS NOT NULL",
        [first.isoformat(), last.isoformat()],
    )
    for row in rows:
        start = row["served_at"] or row["called_at"]
        if start:
            spans.setdefault(row["service"], []).append(_minutes(start, row["done_at"]))
    return {service: sum(values) / len(values) for service, values in spans.items()}


def booked_by_slot(db: sqlite_utils.Database, day: dt.date, tz: ZoneInfo) -> dict[tuple[str, int], int]:
    """Appointments of ``day`` that are not cancelled, per (service, local half-hour)."""
    counts: dict[tuple[str, int], int] = {}
    around = [(day - dt.timedelta(days=1)).isoformat(), (day + dt.timedelta(days=2)).isoformat()]
    rows = db.query(
        "SELECT service, slot_start FROM appointments WHERE state != 'cancelled' AND slot_start >= ? AND slot_start < ?",
        around,
    )
    for row in rows:
        local = dt.datetime.fromisoformat(row["slot_start"]).astimezone(tz)
        if local.date() == day:
            key = (row["service"], slot_of(local))
            counts[key] = counts.get(key, 0) + 1
    return counts


def visits(db: sqlite_utils.Database, first: dt.date, last: dt.date, tz: ZoneInfo) -> list[Visit]:
    """Every arrival of the days (not the closed half of a transfer), local, with its wait."""
    rows = db.query(
        "SELECT issued_at, arrival_at, called_at FROM tickets"
        " WHERE day BETWEEN ? AND ? AND state != 'transferred' AND issued_at IS NOT NULL",
        [first.isoformat(), last.isoformat()],
    )
    return [
        Visit(
            dt.datetime.fromisoformat(row["issued_at"]).astimezone(tz),
            _minutes(row["arrival_at"] or row["issued_at"], row["called_at"]) if row["called_at"] else None,
        )
        for row in rows
    ]


def _minutes(start: str, end: str) -> float:
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 60
