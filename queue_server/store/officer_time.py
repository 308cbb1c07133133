"""Officer time per officer and day, from the event log: serving, idle, paused by reason.

    days = officer_days(db, first, last, tz, ticket_rows)

At every moment a counter with an officer signed in is in one of these, and the time goes
to that officer on that local day:

- *serving*: a ticket is at the counter — from its call (``ticket.called``) until it leaves
  (completed, transferred, no-show or cancelled), whether the counter is open or paused;
- *idle*: the counter is open and nobody is called or served;
- *paused*: the counter is paused and nobody is at it, counted by the reason the officer
  gave (``counter.changed`` with ``reason``; none from consoles that do not ask).

A closed counter counts nothing, signed in or not. A day ends at local midnight: every
counter starts each day closed, as the core's ``day.opened`` makes it. :func:`walk` is the
pure part (events in, officer-days out); :func:`officer_days` reads the log around it.

No-show and recall rates per officer and day come from the ``tickets`` table, as
:mod:`queue_server.store.insight` counts them (outcomes: done, no-show, transferred).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from queue_server.core.events import Event, EventType
from queue_server.protocol.wire import event_from_row

NO_REASON = ""  # the key of paused time without a reason

_LEAVE = frozenset(
    {EventType.TICKET_COMPLETED, EventType.TICKET_TRANSFERRED, EventType.TICKET_NO_SHOW, EventType.TICKET_CANCELLED}
)
_READ = tuple(t.value for t in (EventType.COUNTER_CHANGED, EventType.TICKET_CALLED, *_LEAVE))


class Activity(enum.Enum):
    SERVING = "serving"
    IDLE = "idle"
    PAUSED = "paused"


@dataclasses.dataclass(frozen=True)
class OfficerDay:
    officer: str
    day: dt.date
    serving_minutes: float
    idle_minutes: float
    paused_minutes: Mapping[str, float]  # reason code (NO_REASON: none given) → minutes
    outcomes: int = 0
    no_show: int = 0
    recalled: int = 0

    @property
    def paused_total_minutes(self) -> float:
        return round(sum(self.paused_minutes.values()), 2)

    @property
    def no_show_rate(self) -> float | None:
        return round(self.no_show / self.outcomes * 100, 1) if self.outcomes else None

    @property
    def recall_rate(self) -> float | None:
        return round(self.recalled / self.outcomes * 100, 1) if self.outcomes else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "officer": self.officer,
            "day": self.day.isoformat(),
            "serving_minutes": self.serving_minutes,
            "idle_minutes": self.idle_minutes,
            "paused_minutes": dict(self.paused_minutes),
            "paused_total_minutes": self.paused_total_minutes,
            "outcomes": self.outcomes,
            "no_show": self.no_show,
            "no_show_rate": self.no_show_rate,
            "recalled": self.recalled,
            "recall_rate": self.recall_rate,
        }


@dataclasses.dataclass
class _Counter:
    officer: str | None = None
    state: str = "closed"
    reason: str = NO_REASON
    current: int | None = None
    since: dt.datetime | None = None

    def activity(self) -> tuple[Activity, str] | None:
        if self.officer is None or self.state == "closed":
            return None
        if self.current is not None:
            return Activity.SERVING, ""
        if self.state == "open":
            return Activity.IDLE, ""
        return Activity.PAUSED, self.reason


Seconds = dict[tuple[str, dt.date], dict[tuple[Activity, str], float]]  # (officer, day) → (activity, reason) → s


def walk(events: Iterable[Event], tz: ZoneInfo, start: dt.datetime, end: dt.datetime) -> Seconds:
    """Seconds per (officer, local day) and (activity, reason) between ``start`` and ``end``
    (local midnights or now), from the events of that span in log order."""
    counters: dict[int, _Counter] = {}
    totals: Seconds = {}

    def close_segment(counter: _Counter, until: dt.datetime) -> None:
        """Give the time since the counter's last change to what it was doing."""
        doing = counter.activity()
        if doing is not None and counter.since is not None and counter.officer is not None:
            begin = counter.since
            while begin < until:  # split at local midnight
                local = begin.astimezone(tz)
                stop = min(until, _next_midnight(begin, tz))
                spent = totals.setdefault((counter.officer, local.date()), {})
                spent[doing] = spent.get(doing, 0.0) + (stop - begin).total_seconds()
                begin = stop
        counter.since = until

    def new_day(until: dt.datetime) -> None:
        for counter in counters.values():
            close_segment(counter, until)
        counters.clear()

    day_end = _next_midnight(start, tz)
    for event in events:
        if event.at < start or event.at >= end:
            continue
        while event.at >= day_end:  # every counter starts a day closed
            new_day(day_end)
            day_end = _next_midnight(day_end, tz)
        d = event.data
        if event.type is EventType.COUNTER_CHANGED:
            counter = counters.setdefault(d["counter"], _Counter())
            close_segment(counter, event.at)
            counter.officer = d["officer"]
            counter.state = d["state"]
            counter.reason = d.get("reason") or NO_REASON
        elif event.type is EventType.TICKET_CALLED:
            counter = counters.setdefault(d["counter"], _Counter())
            close_segment(counter, event.at)
            counter.current = d["ticket"]
        else:  # the ticket leaves its counter
            for counter in counters.values():
                if counter.current == d["ticket"]:
                    close_segment(counter, event.at)
                    counter.current = None
    while day_end < end:
        new_day(day_end)
        day_end = _next_midnight(day_end, tz)
    new_day(end)
    return totals


def _next_midnight(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    local = moment.astimezone(tz)
    return dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(), tz)


def officer_days(
    db: sqlite_utils.Database,
    first: dt.date,
    last: dt.date,
    tz: ZoneInfo,
    ticket_rows: Sequence[Mapping[str, Any]],
    until: dt.datetime | None = None,
) -> tuple[OfficerDay, ...]:
    """Each officer's day in ``first``..``last``, sorted by officer then day."""
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    if until is not None:
        end = max(start, min(end, until))
    # ISO strings of different offsets do not sort as times: read a day around, filter exactly
    rows = db.execute(
        f"SELECT seq, type, at, data FROM events WHERE type IN ({', '.join('?' * len(_READ))})"
        " AND at >= ? AND at < ? ORDER BY seq",
        [*_READ, (start - dt.timedelta(days=1)).isoformat(), (end + dt.timedelta(days=1)).isoformat()],
    )
    events = (event_from_row(seq, kind, at, json.loads(data)) for seq, kind, at, data in rows)
    totals = walk(events, tz, start, end)
    outcomes: dict[tuple[str, dt.date], list[Mapping[str, Any]]] = {}
    for row in ticket_rows:
        if row["officer"] and row["called_at"] and row["state"] in ("done", "no_show", "transferred"):
            outcomes.setdefault((row["officer"], dt.date.fromisoformat(row["day"])), []).append(row)
    days = []
    for key in sorted(set(totals) | set(outcomes)):
        seconds = totals.get(key, {})
        ended = outcomes.get(key, [])
        days.append(
            OfficerDay(
                officer=key[0],
                day=key[1],
                serving_minutes=_minutes(seconds.get((Activity.SERVING, ""), 0.0)),
                idle_minutes=_minutes(seconds.get((Activity.IDLE, ""), 0.0)),
                paused_minutes={
                    reason: _minutes(value)
                    for (activity, reason), value in sorted(seconds.items(), key=lambda item: item[0][1])
                    if activity is Activity.PAUSED
                },
                outcomes=len(ended),
                no_show=sum(1 for r in ended if r["state"] == "no_show"),
                recalled=sum(1 for r in ended if r["recalls"]),
            )
        )
    return tuple(days)


def _minutes(seconds: float) -> float:
    return round(seconds / 60, 2)
