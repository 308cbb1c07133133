"""The simulated history shared by the planning tests, and hand counts over its rows."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from typing import Any

from bench.history import SimulatedCentre

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = dt.date(2026, 9, 28)  # a Monday
LAST = dt.date(2026, 11, 22)  # a Sunday: 8 weeks, 56 days
CENTRE = SimulatedCentre()
ROWS = CENTRE.tickets(FIRST, LAST, TZ, seed=2026)


def local(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(TZ)


def hand_walk_ins(rows: Iterable[dict[str, Any]], day: dt.date) -> Counter[tuple[str, int]]:
    """Walk-ins of a day per (service, half-hour), counted one row at a time."""
    counts: Counter[tuple[str, int]] = Counter()
    for row in rows:
        if row["day"] == day.isoformat() and row.get("transferred_from") is None and row["appointment"] is None:
            moment = local(row["issued_at"])
            counts[(row["service"], moment.hour * 2 + (1 if moment.minute >= 30 else 0))] += 1
    return counts


def hand_history(rows: list[dict[str, Any]], days: Iterable[dt.date]) -> dict[dt.date, dict[tuple[str, int], int]]:
    open_days = {row["day"] for row in rows}
    return {day: dict(hand_walk_ins(rows, day)) for day in days if day.isoformat() in open_days}
