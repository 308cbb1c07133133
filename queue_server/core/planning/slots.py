"""Half-hours of a local day: 48 of them, numbered 0 (00:00–00:30) to 47 (23:30–24:00)."""

from __future__ import annotations

import datetime as dt

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES


def slot_of(local: dt.datetime | dt.time) -> int:
    """The half-hour holding a local time."""
    return (local.hour * 60 + local.minute) // SLOT_MINUTES


def slot_label(slot: int) -> str:
    """``"07:30"`` for slot 15."""
    minutes = slot * SLOT_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def busy_span(*rows: tuple[float, ...]) -> range:
    """The half-hours from the first to the last one where any row is above zero (none: empty)."""
    busy = [slot for slot in range(SLOTS_PER_DAY) if any(row[slot] > 0 for row in rows)]
    return range(busy[0], busy[-1] + 1) if busy else range(0)
