"""Tomorrow's arrivals per field and half-hour.

The method, chosen to be explained in one sentence to a director: *the walk-in arrivals of a
half-hour are the average of the same half-hour on the same weekday over the last ``weeks``
weeks, and the appointments already booked into it are added on top.*

- Walk-ins are tickets issued without an appointment; a citizen arrives once, in the field
  and at the time their first ticket was issued (the new half of a transfer is not an
  arrival). Citizens with a booking are counted by their booking instead, so nobody is counted
  twice.
- A past day on which the centre issued no ticket at all (a holiday, the days before the
  system was installed) is left out of the average instead of pulling it towards zero; the
  forecast says which days it averaged.
- With Poisson arrivals of rate λ in a half-hour, the average of k weeks is unbiased and its
  standard error is √(λ/k): about 1.6 citizens for λ = 10 and k = 4. docs/performance.md has
  the error measured on a simulated history whose rates are known.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from queue_server.core.planning.slots import SLOTS_PER_DAY

DEFAULT_WEEKS = 4
MAX_WEEKS = 12

SlotCounts = Mapping[tuple[str, int], int]  # (service code, half-hour) → count


@dataclasses.dataclass(frozen=True)
class FieldForecast:
    service: str
    walk_in: tuple[float, ...]  # 48 half-hours: the average over the weeks used
    booked: tuple[int, ...]  # 48 half-hours: appointments booked into the day

    @property
    def arrivals(self) -> tuple[float, ...]:
        return tuple(w + b for w, b in zip(self.walk_in, self.booked, strict=True))

    @property
    def total(self) -> float:
        return sum(self.arrivals)


@dataclasses.dataclass(frozen=True)
class Forecast:
    day: dt.date
    days_used: tuple[dt.date, ...]  # the past days averaged, latest first
    fields: tuple[FieldForecast, ...]

    def field(self, service: str) -> FieldForecast | None:
        return next((f for f in self.fields if f.service == service), None)


def plannable(day: dt.date, weeks: int = DEFAULT_WEEKS) -> bool:
    """Whether ``day`` and its ``weeks`` of history lie within the calendar (years 1–9999),
    with a few days to spare after it for time zones."""
    return dt.date.min + dt.timedelta(weeks=weeks) <= day <= dt.date.max - dt.timedelta(days=7)


def history_days(day: dt.date, weeks: int = DEFAULT_WEEKS) -> tuple[dt.date, ...]:
    """The same weekday 1 … ``weeks`` weeks before ``day``, latest first."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"a forecast looks back 1 to {MAX_WEEKS} weeks")
    return tuple(day - dt.timedelta(weeks=k) for k in range(1, weeks + 1))


def forecast(
    day: dt.date,
    services: Sequence[str],
    history: Mapping[dt.date, SlotCounts],
    booked: SlotCounts,
    weeks: int = DEFAULT_WEEKS,
) -> Forecast:
    """``history``: the walk-ins per (service, half-hour) of past days, a key only for the days
    the centre issued tickets; ``booked``: the appointments of ``day`` per (service, half-hour)."""
    used = tuple(d for d in history_days(day, weeks) if d in history)
    fields = []
    for service in services:
        walk_in = tuple(
            round(sum(history[d].get((service, slot), 0) for d in used) / len(used), 4) if used else 0.0
            for slot in range(SLOTS_PER_DAY)
        )
        fields.append(FieldForecast(service, walk_in, tuple(booked.get((service, s), 0) for s in range(SLOTS_PER_DAY))))
    return Forecast(day, used, tuple(fields))
