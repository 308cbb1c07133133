"""On-time figures of dossiers, per field and unit, as the one-stop statistics count them
(pure).

For a period ``[start, end]`` (dates included), each dossier counts in its (field, unit) row:

- ``received``: received in the period;
- settled in the period (the result ready, or the dossier returned): ``early`` (before the due
  date), ``on_time`` (on it, or with no due date), ``late`` (after it), ``returned`` (returned
  without a result: not judged);
- still being handled at the end of the period — or today, for a period not over yet: ``as_of``
  — (received by then, not settled by then): ``pending_in_time`` (due on or after that day,
  or no due date) or ``pending_overdue``.

``on_time_percent`` is (early + on_time) / (early + on_time + late), none when nothing was
settled. A dossier settled without a known date is in no settled figure.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from queue_server.core.dossiers.model import Dossier, DossierStatus

FIGURES = ("received", "early", "on_time", "late", "returned", "pending_in_time", "pending_overdue")


@dataclasses.dataclass
class OnTimeRow:
    field: str
    unit: str
    received: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    returned: int = 0
    pending_in_time: int = 0
    pending_overdue: int = 0

    @property
    def on_time_percent(self) -> float | None:
        judged = self.early + self.on_time + self.late
        return None if judged == 0 else round(100 * (self.early + self.on_time) / judged, 1)

    def add(self, other: OnTimeRow) -> None:
        for name in FIGURES:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "unit": self.unit,
            **{name: getattr(self, name) for name in FIGURES},
            "on_time_percent": self.on_time_percent,
        }


def count(dossier: Dossier, start: dt.date, end: dt.date, as_of: dt.date | None = None) -> OnTimeRow:
    """One dossier's figures in the period (every figure 0 or 1); the open ones are counted
    as they stand on ``as_of`` (the period's end by default)."""
    as_of = end if as_of is None else min(as_of, end)
    row = OnTimeRow(dossier.field, dossier.department)
    received = dossier.received_date
    if received is not None and start <= received <= end:
        row.received = 1
    settled = dossier.finished_on()
    if dossier.finished and settled is None:
        return row
    if settled is not None and start <= settled <= end:
        due = dossier.due_date
        if dossier.status is DossierStatus.RETURNED:
            row.returned = 1
        elif due is None or settled == due:
            row.on_time = 1
        elif settled < due:
            row.early = 1
        else:
            row.late = 1
    open_at_end = (received is None or received <= as_of) and (settled is None or settled > as_of)
    if open_at_end:
        if dossier.due_date is not None and dossier.due_date < as_of:
            row.pending_overdue = 1
        else:
            row.pending_in_time = 1
    return row


def on_time_report(
    dossiers: Iterable[Dossier], start: dt.date, end: dt.date, as_of: dt.date | None = None
) -> tuple[list[OnTimeRow], OnTimeRow]:
    """The rows by (field, unit), sorted, and their total; rows with nothing in them are left out."""
    rows: dict[tuple[str, str], OnTimeRow] = {}
    total = OnTimeRow("", "")
    for dossier in dossiers:
        one = count(dossier, start, end, as_of)
        if not any(getattr(one, name) for name in FIGURES):
            continue
        rows.setdefault((one.field, one.unit), OnTimeRow(one.field, one.unit)).add(one)
        total.add(one)
    return [rows[key] for key in sorted(rows)], total
