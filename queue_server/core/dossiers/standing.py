"""How a dossier stands against its due date, and which ones raise an alarm (pure).

    standing = stand(dossier, today, calendar, warn_working_days=1)
    standing.progress    # Progress.DUE_SOON
    standing.days_left   # 1 working day until the due date

- unfinished, due in more than ``warn_working_days`` working days: ``in_time``
- unfinished, due within ``warn_working_days`` working days (today included): ``due_soon``
- unfinished, past its due date (or marked overdue by the one-stop system): ``overdue``
- finished (result ready, collected, or returned) on or before the due date: ``done_on_time``;
  after it: ``done_late``; finished without a known date or due date: ``done``
- unfinished with no due date: ``no_due_date``

``due_soon`` and ``overdue`` are alarms.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable

from queue_server.core.dossiers.model import Dossier, DossierStatus
from queue_server.core.dossiers.workdays import WorkCalendar


class Progress(enum.StrEnum):
    IN_TIME = "in_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NO_DUE_DATE = "no_due_date"
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    DONE = "done"


ALARMS = (Progress.OVERDUE, Progress.DUE_SOON)


@dataclasses.dataclass(frozen=True)
class Standing:
    progress: Progress
    days_left: int | None = None  # working days after today up to the due date (unfinished, not late)
    days_late: int | None = None  # working days after the due date up to today / the finishing day

    @property
    def alarm(self) -> bool:
        return self.progress in ALARMS

    def as_dict(self) -> dict[str, object]:
        return {"progress": self.progress.value, "days_left": self.days_left, "days_late": self.days_late}


def stand(dossier: Dossier, today: dt.date, calendar: WorkCalendar, warn_working_days: int) -> Standing:
    due = dossier.due_date
    if dossier.finished:
        done = dossier.finished_on()
        if done is None or due is None:
            return Standing(Progress.DONE)
        if done <= due:
            return Standing(Progress.DONE_ON_TIME)
        return Standing(Progress.DONE_LATE, days_late=calendar.working_days_after(due, done))
    if due is None:
        if dossier.status is DossierStatus.OVERDUE:
            return Standing(Progress.OVERDUE)
        return Standing(Progress.NO_DUE_DATE)
    if today > due:
        return Standing(Progress.OVERDUE, days_late=calendar.working_days_after(due, today))
    left = calendar.working_days_after(today, due)
    if dossier.status is DossierStatus.OVERDUE:
        return Standing(Progress.OVERDUE, days_left=left)
    if left <= warn_working_days:
        return Standing(Progress.DUE_SOON, days_left=left)
    return Standing(Progress.IN_TIME, days_left=left)


def alarms(
    dossiers: Iterable[Dossier], today: dt.date, calendar: WorkCalendar, warn_working_days: int
) -> list[tuple[Dossier, Standing]]:
    """The dossiers that raise an alarm: overdue first (latest first), then due soonest."""
    found = [(d, s) for d in dossiers if (s := stand(d, today, calendar, warn_working_days)).alarm]

    def order(pair: tuple[Dossier, Standing]) -> tuple[int, int, str]:
        dossier, standing = pair
        if standing.progress is Progress.OVERDUE:
            return (0, -(standing.days_late or 0), dossier.code)
        return (1, standing.days_left or 0, dossier.code)

    return sorted(found, key=order)
