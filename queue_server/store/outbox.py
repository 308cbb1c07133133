"""The outbox's rows: written in the writer's transaction, read by the delivery thread.

A row is ``pending`` until its gateway or webhook answers 2xx (``sent``: the phone number is
then blanked) or it is given up (``dead``: kept, masked in every listing, for the dashboard).
The idempotency key is unique per target: a delivery planned twice is written once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from queue_server.core.phones import mask


@dataclasses.dataclass(frozen=True)
class Mark:
    """What one attempt found: sent, or failed (again at ``next_at``, or ``dead``)."""

    id: int
    state: str  # sent, pending, dead
    attempts: int
    at: str
    next_at: str | None = None
    error: str | None = None


def write(conn: sqlite3.Connection, rows: Sequence[Mapping[str, Any]], marks: Sequence[Mark], phones: Sequence[Mapping[str, Any]]) -> None:
    """In the writer's transaction."""
    if rows:
        columns = list(rows[0])
        conn.executemany(
            f"INSERT OR IGNORE INTO outbox ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [[row[c] for c in columns] for row in rows],
        )
    for mark in marks:
        if mark.state == "sent":
            conn.execute(
                "UPDATE outbox SET state = 'sent', attempts = ?, sent_at = ?, phone = NULL, last_error = NULL WHERE id = ?",
                [mark.attempts, mark.at, mark.id],
            )
        else:
            conn.execute(
                "UPDATE outbox SET state = ?, attempts = ?, next_at = ?, last_error = ? WHERE id = ?",
                [mark.state, mark.attempts, mark.next_at, mark.error, mark.id],
            )
    if phones:
        conn.executemany(
            "INSERT OR REPLACE INTO ticket_phones (ticket, phone, created_at) VALUES (:ticket, :phone, :created_at)", phones
        )


def purge(conn: sqlite3.Connection, before: str) -> None:
    """Past the retention period: the numbers left, those of undelivered rows, and the rows
    sent (a webhook's row a subscription an event: the table would grow without end)."""
    conn.execute("DELETE FROM ticket_phones WHERE created_at < ?", [before])
    conn.execute("DELETE FROM outbox WHERE state = 'sent' AND created_at < ?", [before])
    conn.execute("UPDATE outbox SET phone = NULL WHERE phone IS NOT NULL AND created_at < ?", [before])
    conn.execute("UPDATE remote_tickets SET phone_hash = NULL WHERE created_at < ?", [before])


@dataclasses.dataclass(frozen=True)
class Pending:
    id: int
    key: str
    channel: str
    target: str
    seq: int
    kind: str
    phone: str | None
    payload: dict[str, Any]
    attempts: int


_PENDING = "SELECT id, key, channel, target, seq, kind, phone, payload, attempts FROM outbox"


def _pending(rows: Iterable[tuple[Any, ...]]) -> list[Pending]:
    return [Pending(*row[:7], json.loads(row[7]), row[8]) for row in rows]  # type: ignore[call-arg]  # the row's 9 columns are Pending's 9 fields; mypy can't count row[:7]


ORDERED = ("webhook", "evaluation")  # channels delivered in seq order, one at a time per target
_ORDERED_SQL = "('webhook', 'evaluation')"


def lane(row: Pending) -> str:
    """Which in-order lane a row of an ordered channel travels in: its channel's target."""
    return f"{row.channel}:{row.target}"


def due(conn: sqlite3.Connection, now: str, busy: set[int], busy_lanes: set[str], limit: int) -> list[Pending]:
    """Rows to try now. Notifications: any pending row whose time has come. Webhooks and
    evaluations: only the oldest pending row of each subscription (of the procedures system),
    so deliveries go in seq order, if its time has come and none of its lane is in flight."""
    found = _pending(
        conn.execute(
            _PENDING + f" WHERE state = 'pending' AND channel NOT IN {_ORDERED_SQL} AND next_at <= ?"
            " ORDER BY next_at, id LIMIT ?",
            [now, limit + len(busy)],
        )
    )
    heads = _pending(
        conn.execute(
            _PENDING + f" WHERE id IN (SELECT min(id) FROM outbox WHERE state = 'pending' AND channel IN {_ORDERED_SQL}"
            " GROUP BY channel, target) AND next_at <= ?",
            [now],
        )
    )
    chosen = [p for p in found if p.id not in busy] + [h for h in heads if lane(h) not in busy_lanes and h.id not in busy]
    return chosen[:limit]


def next_due(conn: sqlite3.Connection) -> str | None:
    return conn.execute("SELECT min(next_at) FROM outbox WHERE state = 'pending'").fetchone()[0]


def status(conn: sqlite3.Connection, dead_limit: int = 20) -> dict[str, Any]:
    """Counts by channel and state, and the latest dead letters (phones masked)."""
    counts: dict[str, dict[str, int]] = {}
    for channel, state, count in conn.execute("SELECT channel, state, count(*) FROM outbox GROUP BY channel, state"):
        counts.setdefault(channel, {})[state] = count
    dead = [
        {
            "id": row[0], "channel": row[1], "target": row[2], "kind": row[3], "seq": row[4],
            "phone": mask(row[5]), "attempts": row[6], "error": row[7], "at": row[8],
        }
        for row in conn.execute(
            "SELECT id, channel, target, kind, seq, phone, attempts, last_error, next_at FROM outbox"
            " WHERE state = 'dead' ORDER BY id DESC LIMIT ?",
            [dead_limit],
        )
    ]
    return {"counts": counts, "dead": dead}


def today_phones(conn: sqlite3.Connection, ticket_ids: Iterable[int]) -> tuple[dict[int, str], set[int]]:
    """The phones of these tickets, and which of them were told "near" already."""
    ids = list(ticket_ids)
    phones: dict[int, str] = {}
    told: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        phones.update(conn.execute(f"SELECT ticket, phone FROM ticket_phones WHERE ticket IN ({marks})", chunk).fetchall())
        told.update(
            r[0] for r in conn.execute(f"SELECT ticket FROM outbox WHERE kind = 'near' AND ticket IN ({marks})", chunk)
        )
    return phones, told


def remote_rows(conn: sqlite3.Connection, ticket_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The remote_tickets rows of these tickets (today's)."""
    ids = list(ticket_ids)
    rows: list[dict[str, Any]] = []
    columns = ("ticket", "day", "service", "device", "phone_hash", "created_at", "confirmed_at")
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found = conn.execute(
            f"SELECT {', '.join(columns)} FROM remote_tickets WHERE ticket IN ({','.join('?' * len(chunk))})", chunk
        )
        rows += [dict(zip(columns, row, strict=True)) for row in found]
    return rows


def utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
