"""Arrivals and waits by weekday × hour over a period (the "peak view").

- *arrivals*: the tickets issued in that local hour on that weekday over the period (a citizen
  arrives once, with their first ticket: the new half of a transfer is not an arrival), and
  their mean per such weekday of the period;
- *average wait*: the mean minutes from arrival to the call of those of them that were called.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

WEEKDAYS = 7
HOURS = 24


@dataclasses.dataclass(frozen=True)
class ArrivalCell:
    """The arrivals of one local hour of one day, and the waits of those of them called."""

    hour: dt.datetime  # local, the start of the hour
    arrivals: int
    called: int
    wait_minutes: float  # the sum over those called


@dataclasses.dataclass(frozen=True)
class HeatMap:
    first: dt.date
    last: dt.date
    days: tuple[int, ...]  # how many Mondays … Sundays the period holds
    arrivals: tuple[tuple[int, ...], ...]  # [weekday][hour], 0 = Monday
    average_wait: tuple[tuple[float | None, ...], ...]  # [weekday][hour], minutes

    @property
    def arrivals_per_day(self) -> tuple[tuple[float | None, ...], ...]:
        return tuple(
            tuple(round(count / self.days[w], 2) if self.days[w] else None for count in self.arrivals[w])
            for w in range(WEEKDAYS)
        )


def weekday_counts(first: dt.date, last: dt.date) -> tuple[int, ...]:
    counts = [0] * WEEKDAYS
    for offset in range((last - first).days + 1):
        counts[(first + dt.timedelta(days=offset)).weekday()] += 1
    return tuple(counts)


def heat_map(cells: Iterable[ArrivalCell], first: dt.date, last: dt.date) -> HeatMap:
    arrivals = [[0] * HOURS for _ in range(WEEKDAYS)]
    called = [[0] * HOURS for _ in range(WEEKDAYS)]
    waited = [[0.0] * HOURS for _ in range(WEEKDAYS)]
    for cell in cells:
        weekday, hour = cell.hour.weekday(), cell.hour.hour
        arrivals[weekday][hour] += cell.arrivals
        called[weekday][hour] += cell.called
        waited[weekday][hour] += cell.wait_minutes
    return HeatMap(
        first,
        last,
        weekday_counts(first, last),
        tuple(tuple(row) for row in arrivals),
        tuple(
            tuple(round(waited[w][h] / called[w][h], 2) if called[w][h] else None for h in range(HOURS))
            for w in range(WEEKDAYS)
        ),
    )
