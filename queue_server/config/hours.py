"""The opening-hours syntax of the site's configuration (``[hours]`` and each field's own):
days (``"mon-fri"``), times (``["07:30-11:30", "13:30-17:00"]``) and times by day, read into
:class:`queue_server.core.site.OpeningHours` with every problem recorded, none raised.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Mapping, Sequence

from queue_server.config.checks import Table, kind_of, suggest
from queue_server.core.site import OpeningHours, TimeRange

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_ALIASES = {
    **{name: i for i, name in enumerate(WEEKDAYS)},
    **{
        name: i
        for i, name in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    **{f"t{i + 2}": i for i in range(6)},  # thứ hai … thứ bảy
    "cn": 6,  # chủ nhật
}
_TIME_RANGE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})\s*")

HOURS_KEYS = ("days", "times", "by_day")

DEFAULT_HOURS = OpeningHours(
    weekdays=frozenset(range(5)),
    ranges=(
        TimeRange(dt.time(7, 30), dt.time(11, 30)),
        TimeRange(dt.time(13, 30), dt.time(17, 0)),
    ),
)


def parse_days(spec: str) -> frozenset[int]:
    """``"mon-fri"``, ``"mon,wed,fri"``, ``"t2-t7"``, ``"sat"`` → weekday numbers."""
    days: set[int] = set()
    for item in spec.split(","):
        first, dash, last = item.strip().lower().partition("-")
        start = _day(first)
        end = _day(last) if dash else start
        if end < start:
            raise ValueError(f"day range {item.strip()!r} runs backwards (write e.g. 'mon-fri')")
        days.update(range(start, end + 1))
    return frozenset(days)


def _day(name: str) -> int:
    name = name.strip()
    if name not in _DAY_ALIASES:
        raise ValueError(f"unknown day {name!r}{suggest(name, WEEKDAYS)}")
    return _DAY_ALIASES[name]


def parse_time_range(text: str) -> TimeRange:
    """``"07:30-11:30"`` → a :class:`TimeRange`; the end must be after the start and may
    be ``24:00`` (midnight, the end of the day)."""
    match = _TIME_RANGE.fullmatch(text)
    if not match:
        raise ValueError(f"{text!r} is not a time range like '07:30-11:30'")
    sh, sm, eh, em = (int(g) for g in match.groups())
    start = _time(sh, sm, text)
    end = dt.time.max if (eh, em) == (24, 0) else _time(eh, em, text)  # "…-24:00": to midnight
    if end <= start:
        raise ValueError(f"{text!r} ends before it starts")
    return TimeRange(start, end)


def _time(hour: int, minute: int, text: str) -> dt.time:
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r}: {hour:02d}:{minute:02d} is not a time of day (00:00-23:59)")
    return dt.time(hour, minute)


def overlaps(ranges: Sequence[TimeRange]) -> list[tuple[int, int]]:
    """Positions (0-based) of pairs of ranges that overlap."""
    order = sorted(range(len(ranges)), key=lambda i: ranges[i].start)
    return [(a, b) for a, b in itertools.pairwise(order) if ranges[b].start < ranges[a].end]


# --- reading [hours] --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class HoursSpec:
    """Opening hours as written: ``days``, ``times`` and ``by_day``, each inherited by a
    service's ``hours`` from ``[hours]`` unless the service gives it."""

    days: frozenset[int]
    times: tuple[TimeRange, ...]
    by_day: Mapping[int, tuple[TimeRange, ...]]

    @classmethod
    def of(cls, hours: OpeningHours) -> HoursSpec:
        return cls(hours.weekdays, hours.ranges, dict(hours.by_day))

    @classmethod
    def read(cls, table: Table | None, base: HoursSpec) -> HoursSpec:
        """``base`` with what ``table`` gives instead (a part that is wrong is reported)."""
        if table is None:
            return base
        days = _read_days(table) if table.has("days") else base.days
        times = _read_times(table, "times", allow_empty=False) if table.has("times") else base.times
        by_day = _read_by_day(table) if table.has("by_day") else base.by_day
        spec = cls(
            base.days if days is None else days,
            base.times if times is None else times,
            base.by_day if by_day is None else by_day,
        )
        if None not in (days, by_day) and not spec.build().weekdays:
            table.report("days", "open on no day of the week")
        return spec

    def build(self) -> OpeningHours:
        closed = {day for day, ranges in self.by_day.items() if not ranges}
        special = {day: ranges for day, ranges in self.by_day.items() if ranges}
        return OpeningHours(
            weekdays=frozenset((self.days | special.keys()) - closed),
            ranges=self.times,
            by_day=tuple(sorted(special.items())),
        )


def _read_days(table: Table) -> frozenset[int] | None:
    """``days = "mon-fri"`` or ``days = ["mon", "tue", …]``; ``None`` if wrong."""
    value = table.data["days"]
    if isinstance(value, str):
        items = [(table.at("days"), value)]
    elif isinstance(value, list):
        items = [(table.at("days") + (i,), v) for i, v in enumerate(value, start=1)]
    else:
        table.report("days", "must be a string like 'mon-fri' or an array like ['mon', 'sat']")
        return None
    days: set[int] = set()
    ok = True
    for key, item in items:
        try:
            if not isinstance(item, str):
                raise ValueError(f"must be a day such as 'mon' or 'mon-fri', not {kind_of(item)}")
            days |= parse_days(item)
        except ValueError as exc:
            table.problems.add(key, str(exc))
            ok = False
    return frozenset(days) if ok else None


def _read_times(table: Table, name: str, *, allow_empty: bool) -> tuple[TimeRange, ...] | None:
    """The ranges in array ``name``, sorted; ``None`` if any is wrong."""
    raw = table.data.get(name)
    items = table.texts(name)
    if raw == [] and not allow_empty:
        table.report(name, "needs at least one time range like '07:30-11:30'")
    if not isinstance(raw, list) or len(items) < len(raw):
        return None
    ranges: list[TimeRange] = []
    for key, text in items:
        try:
            ranges.append(parse_time_range(text))
        except ValueError as exc:
            table.problems.add(key, str(exc))
    for a, b in overlaps(ranges):
        table.report(name, f"time ranges {_show(ranges[a])} and {_show(ranges[b])} overlap")
    if len(ranges) < len(items):
        return None
    return tuple(sorted(ranges, key=lambda r: r.start))


def _show(r: TimeRange) -> str:
    return f"'{r.start:%H:%M}-{r.end:%H:%M}'"


def _read_by_day(table: Table) -> dict[int, tuple[TimeRange, ...]] | None:
    value = table.data["by_day"]
    if not isinstance(value, dict):
        table.report("by_day", "must be a table like { sat = ['07:30-11:30'] }")
        return None
    sub = Table(value, table.at("by_day"), table.problems, value.keys())  # keys: checked as days
    by_day: dict[int, tuple[TimeRange, ...]] = {}
    for spec, ranges in value.items():
        try:
            days = parse_days(spec)
        except ValueError as exc:
            sub.report(spec, str(exc))
            continue
        if not isinstance(ranges, list):
            sub.report(spec, "must be an array of time ranges like ['07:30-11:30'] ([] if closed)")
            continue
        times = _read_times(sub, spec, allow_empty=True)
        if times is not None:
            by_day.update(dict.fromkeys(days, times))
    return by_day
