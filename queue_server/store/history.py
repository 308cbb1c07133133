"""The history the planning tools read from the ``tickets`` and ``appointments`` tables.

    history = walk_ins_by_slot(db, history_days(day), tz)   # {day: {(service, half-hour): count}}
    minutes = service_minutes(db, first, last)               # {service: mean minutes}
    booked = booked_by_slot(db, day, tz)                     # {(service, half-hour): count}
    cells = arrival_cells(db, first, last, tz)               # for the weekday × hour heat map

Counting follows ``store/reports.py``: the closed half of a transfer is not an arrival; a
service time runs from the start of service (or the call) to completion of a completed ticket.

SQLite does the counting, grouped by the hour (or half-hour) of each time *as written* with
its UTC offset; Python then places each group in the site's time zone. A year of a busy
centre's history is then a few thousand groups, not a million rows, on the server's loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlite_utils

from queue_server.core.planning.heatmap import ArrivalCell
from queue_server.core.planning.slots import slot_of

# "2026-11-23T08:41:07.5+07:00" → its hour "2026-11-23T08", its offset "+07:00" (or "Z")
_HOUR = "substr({column}, 1, 13)"
_OFFSET = "CASE WHEN substr({column}, -1) = 'Z' THEN '+00:00' ELSE substr({column}, -6) END"
_MINUTES = "((julianday({end}) - julianday({start})) * 1440.0)"


def walk_ins_by_slot(
    db: sqlite_utils.Database, days: Iterable[dt.date], tz: dt.tzinfo, service: str | None = None
) -> dict[dt.date, dict[tuple[str, int], int]]:
    """Tickets issued without an appointment (not the new half of a transfer: a citizen arrives
    once, where and when their first ticket was issued) per (service, local half-hour) on each of ``days``
    (of one ``service`` only, when given); a day is a key only when the centre issued at least
    one ticket on it."""
    wanted = sorted({d.isoformat() for d in days})
    if not wanted:
        return {}
    marks = ",".join("?" * len(wanted))
    found: dict[dt.date, dict[tuple[str, int], int]] = {
        dt.date.fromisoformat(r["day"]): {} for r in db.query(f"SELECT DISTINCT day FROM tickets WHERE day IN ({marks})", wanted)
    }
    hour, offset = _HOUR.format(column="issued_at"), _OFFSET.format(column="issued_at")
    sql = (
        f"SELECT day, service, {hour} AS hour, CAST(substr(issued_at, 15, 2) AS INTEGER) >= 30 AS late, {offset} AS offset,"
        f" COUNT(*) AS n FROM tickets WHERE day IN ({marks}) AND transferred_from IS NULL AND appointment IS NULL"
        " AND issued_at IS NOT NULL"
    )
    if service is not None:
        sql += " AND service = ?"
        wanted.append(service)
    for row in db.query(sql + " GROUP BY day, service, hour, late, offset", wanted):
        local = _local(row["hour"], row["offset"], tz) + dt.timedelta(minutes=30 if row["late"] else 0)
        counts = found[dt.date.fromisoformat(row["day"])]
        key = (row["service"], slot_of(local))
        counts[key] = counts.get(key, 0) + row["n"]
    return found


def service_minutes(db: sqlite_utils.Database, first: dt.date, last: dt.date) -> dict[str, float]:
    """The mean service time in minutes per service over completed tickets of the days."""
    span = _MINUTES.format(start="COALESCE(served_at, called_at)", end="done_at")
    rows = db.query(
        f"SELECT service, AVG({span}) AS minutes FROM tickets WHERE day BETWEEN ? AND ? AND state = 'done'"
        " AND done_at IS NOT NULL AND COALESCE(served_at, called_at) IS NOT NULL GROUP BY service",
        [first.isoformat(), last.isoformat()],
    )
    return {row["service"]: row["minutes"] for row in rows}


def booked_by_slot(db: sqlite_utils.Database, day: dt.date, tz: dt.tzinfo) -> dict[tuple[str, int], int]:
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


def arrival_cells(db: sqlite_utils.Database, first: dt.date, last: dt.date, tz: dt.tzinfo) -> list[ArrivalCell]:
    """The arrivals of the days by the local hour they came in: a citizen arrives once, with
    their first ticket (not the new half of a transfer), at its issue time; with the sum and
    count of the waits of those called (the first ticket's wait)."""
    hour, offset = _HOUR.format(column="issued_at"), _OFFSET.format(column="issued_at")
    wait = _MINUTES.format(start="COALESCE(arrival_at, issued_at)", end="called_at")
    rows = db.query(
        f"SELECT {hour} AS hour, {offset} AS offset, COUNT(*) AS n, COUNT(called_at) AS called,"
        f" TOTAL(CASE WHEN called_at IS NOT NULL THEN {wait} END) AS waited FROM tickets"
        " WHERE day BETWEEN ? AND ? AND transferred_from IS NULL AND issued_at IS NOT NULL GROUP BY hour, offset",
        [first.isoformat(), last.isoformat()],
    )
    return [ArrivalCell(_local(r["hour"], r["offset"], tz), r["n"], r["called"], r["waited"]) for r in rows]


def _local(hour: str, offset: str, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{hour}:00:00{offset}").astimezone(tz)
