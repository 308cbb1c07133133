"""The counters each field needs per half-hour to meet its service level, by Erlang C.

For a field with forecast arrivals λ in a half-hour, mean service time s minutes (measured on
its completed tickets over the same weeks the forecast averages; the site's
``default_service_minutes`` when none was completed) and target wait T (its
``target_wait_minutes``): the fewest counters n with P(wait ≤ T) ≥ ``service_level_percent``
(:func:`.erlang.counters_needed`). Each field is counted as if its counters served it alone;
a counter shared by two quiet fields can cover both, which the table lets a manager see.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from queue_server.core.planning.erlang import counters_needed
from queue_server.core.planning.forecast import Forecast
from queue_server.core.planning.slots import SLOT_MINUTES, SLOTS_PER_DAY
from queue_server.core.site import Service


@dataclasses.dataclass(frozen=True)
class FieldStaffing:
    service: str
    service_minutes: float
    measured: bool  # the service time comes from the history, not the site's default
    target_wait_minutes: int
    counters: tuple[int, ...]  # 48 half-hours


@dataclasses.dataclass(frozen=True)
class StaffingPlan:
    day: dt.date
    level_percent: int
    fields: tuple[FieldStaffing, ...]

    @property
    def total(self) -> tuple[int, ...]:
        """Counters per half-hour with no counter shared between fields."""
        return tuple(sum(f.counters[slot] for f in self.fields) for slot in range(SLOTS_PER_DAY))


def staffing(
    forecast: Forecast,
    services: Sequence[Service],
    service_minutes: Mapping[str, float],
    default_minutes: float,
    level_percent: int,
) -> StaffingPlan:
    fields = []
    for service in services:
        expected = forecast.field(service.code)
        minutes = service_minutes.get(service.code)
        used = minutes if minutes else default_minutes
        counters = tuple(
            counters_needed(arrivals, used, service.target_wait_minutes, level_percent, SLOT_MINUTES)
            for arrivals in (expected.arrivals if expected else (0.0,) * SLOTS_PER_DAY)
        )
        fields.append(FieldStaffing(service.code, round(used, 2), bool(minutes), service.target_wait_minutes, counters))
    return StaffingPlan(forecast.day, level_percent, tuple(fields))
