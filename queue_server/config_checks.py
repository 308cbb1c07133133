"""Building blocks for :mod:`queue_server.config`: problems, key paths, typed reading of TOML
tables, the opening-hours syntax, and finding the line of a key in the file's text.

Readers never raise on bad values: they record a :class:`Problem` and return a default, so
that one pass over the file reports everything that is wrong with it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import itertools
import math
import re
import unicodedata
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

from .core.site import OpeningHours, TimeRange

KeyPart = str | int  # a table key, or the 1-based position in an array
KeyPath = tuple[KeyPart, ...]

MAX_COUNTER = 9999  # the highest counter number

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_key(key: KeyPath) -> str:
    """``("service", 2, "prefix")`` → ``service[2].prefix`` (positions count from 1)."""
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else _quote(part)
            out += f".{name}" if out else name
    return out


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in escaped) + '"'


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration file."""

    key: str  # key path such as ``service[2].prefix``; empty for the file as a whole
    message: str
    line: int | None = None  # 1-based, when it could be found
    column: int | None = None

    def describe(self, source: str) -> str:
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        key = f" {self.key}:" if self.key else ""
        return f"{where}:{key} {self.message}"


class Problems:
    """Problems found so far, each with the key path it is about."""

    def __init__(self) -> None:
        self._items: list[tuple[KeyPath, str]] = []

    def add(self, key: KeyPath, message: str) -> None:
        self._items.append((key, message))

    def __bool__(self) -> bool:
        return bool(self._items)

    def __iter__(self) -> Iterator[tuple[KeyPath, str]]:
        return iter(self._items)


def suggest(name: str, known: Collection[str]) -> str:
    """`` (did you mean 'prefix'?)`` for a near miss, else the list of what is allowed."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.65)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (expected one of: {', '.join(sorted(known))})" if known else ""


def kind_of(value: object) -> str:
    """How a TOML value is named in messages."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date/time"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def report_duplicates(
    problems: Problems, items: Iterable[tuple[KeyPath, Hashable]], what: str, *, show: bool = True
) -> None:
    """Report every item whose value was already used by an earlier one."""
    seen: dict[Hashable, KeyPath] = {}
    for key, value in items:
        if value in seen:
            shown = f" {value!r}" if show else ""
            problems.add(
                key, f"duplicate {what}{shown} (already used by {format_key(seen[value])})"
            )
        else:
            seen[value] = key


def keyed(tables: Sequence[Table], name: str, values: Sequence[Any]) -> list[tuple[KeyPath, Any]]:
    """``(key path of name in each table, value)`` for the values that were read."""
    return [(t.at(name), v) for t, v in zip(tables, values, strict=True) if v not in (None, "")]


def known_service(t: Table, key: KeyPath, code: str, service_codes: set[str]) -> bool:
    """Whether ``code`` names a service; if not, report it at ``key`` with a suggestion."""
    if code in service_codes:
        return True
    t.problems.add(key, f"no service has the code {code!r}{suggest(code, service_codes)}")
    return False


class Table:
    """A TOML table being read: typed getters that report problems under the table's key
    path. Keys that are not ``known`` are reported at once, with a suggestion."""

    def __init__(
        self, data: Mapping[str, Any], key: KeyPath, problems: Problems, known: Collection[str]
    ) -> None:
        self.data = data
        self.key = key
        self.problems = problems
        for name in data:
            if name not in known:
                problems.add(key + (name,), f"unknown key {name!r}{suggest(name, known)}")

    def at(self, name: KeyPart) -> KeyPath:
        return self.key + (name,)

    def has(self, name: str) -> bool:
        return name in self.data

    def report(self, name: KeyPart, message: str) -> None:
        self.problems.add(self.at(name), message)

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.data:
            if required:
                self.report(name, "missing (required)")
            return None
        return self.data[name]

    def _wrong(self, name: KeyPart, expected: str, value: object) -> None:
        self.report(name, f"must be {expected}, not {kind_of(value)}")

    @overload
    def text(self, name: str, default: str, *, required: bool = ..., empty: bool = ...) -> str: ...
    @overload
    def text(
        self, name: str, default: None = ..., *, required: bool = ..., empty: bool = ...
    ) -> str | None: ...
    def text(
        self, name: str, default: str | None = None, *, required: bool = False, empty: bool = False
    ) -> str | None:
        """A string, NFC-normalised and stripped; empty only when ``empty``."""
        value = self._get(name, required)
        if value is None:
            return default
        if not isinstance(value, str):
            self._wrong(name, "a string", value)
            return default
        value = nfc(value)
        if not value and not empty:
            self.report(name, "must not be empty")
            return default
        return value

    def code(self, name: str, pattern: re.Pattern[str], hint: str, *, required: bool = True) -> str:
        """An identifier matching ``pattern``; ``""`` when missing or wrong."""
        value = self.text(name, required=required)
        if value is None:
            return ""
        if not pattern.fullmatch(value):
            self.report(name, f"must be {hint}, not {value!r}")
            return ""
        return value

    @overload
    def integer(self, name: str, default: int, *, low: int, high: int) -> int: ...
    @overload
    def integer(
        self, name: str, default: None = ..., *, required: bool = ..., low: int, high: int
    ) -> int | None: ...
    def integer(
        self,
        name: str,
        default: int | None = None,
        *,
        required: bool = False,
        low: int,
        high: int,
    ) -> int | None:
        value = self._get(name, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong(name, "a whole number", value)
            return default
        problem = check_bounds(value, low, high)
        if problem:
            self.report(name, problem)
            return default
        return value

    def number(self, name: str, default: float, *, high: float) -> float:
        """A positive finite number (a whole number is fine too)."""
        value = self._get(name, False)
        if value is None:
            return default
        checked = positive_number(value)
        if isinstance(checked, str):
            self.report(name, checked)
            return default
        if checked > high:
            self.report(name, f"must be at most {high:g}, not {checked:g}")
            return default
        return checked

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, False)
        if value is None:
            return default
        if not isinstance(value, bool):
            self._wrong(name, "true or false", value)
            return default
        return value

    def array(self, name: str) -> list[Any] | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, list):
            self._wrong(name, "an array", value)
            return None
        return value

    def texts(self, name: str) -> tuple[tuple[KeyPath, str], ...]:
        """An array of strings, each with its own key path (``services[2]``)."""
        out: list[tuple[KeyPath, str]] = []
        for index, item in enumerate(self.array(name) or (), start=1):
            key = self.at(name) + (index,)
            if isinstance(item, str):
                out.append((key, nfc(item)))
            else:
                self.problems.add(key, f"must be a string, not {kind_of(item)}")
        return tuple(out)

    def integers(self, name: str, *, low: int, high: int) -> tuple[tuple[KeyPath, int], ...]:
        out: list[tuple[KeyPath, int]] = []
        for index, item in enumerate(self.array(name) or (), start=1):
            key = self.at(name) + (index,)
            if isinstance(item, bool) or not isinstance(item, int):
                self.problems.add(key, f"must be a whole number, not {kind_of(item)}")
            elif problem := check_bounds(item, low, high):
                self.problems.add(key, problem)
            else:
                out.append((key, item))
        return tuple(out)

    def table(self, name: str, known: Collection[str]) -> Table | None:
        value = self._get(name, False)
        if value is None:
            return None
        if not isinstance(value, dict):
            self._wrong(name, f"a table ([{format_key(self.at(name))}])", value)
            return None
        return Table(value, self.at(name), self.problems, known)

    def tables(self, name: str, known: Collection[str]) -> list[Table] | None:
        """An array of tables (``[[name]]``); ``None`` when the key is absent."""
        value = self._get(name, False)
        if value is None:
            return None
        if isinstance(value, dict):
            self.report(name, f"must be an array of tables: write [[{name}]], not [{name}]")
            return []
        if not isinstance(value, list):
            self._wrong(name, f"an array of tables ([[{name}]])", value)
            return []
        out: list[Table] = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict):
                out.append(Table(item, self.at(name) + (index,), self.problems, known))
            else:
                self.problems.add(self.at(name) + (index,), f"must be a table, not {kind_of(item)}")
        return out


def check_bounds(value: int, low: int, high: int) -> str:
    """A problem with ``value`` against inclusive bounds, or ``""``."""
    return "" if low <= value <= high else f"must be from {low} to {high}, not {value}"


def positive_number(value: object) -> float | str:
    """``value`` as a float if it is a finite number > 0, else the problem with it."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return f"must be a number, not {kind_of(value)}"
    if isinstance(value, int) and abs(value) > 10**9:
        return f"must be a number from above 0 to 10⁹, not {value}"
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        return f"must be a number greater than 0, not {value}"
    return number


def check_url_template(template: str) -> str:
    """The problem with a ``[dossier_lookup]`` URL template, or ``""``: an http(s) address
    holding ``{code}`` once and no other braces."""
    import urllib.parse

    if template.count("{code}") != 1 or template.replace("{code}", "").count("{") + template.count("}") != 1:
        return f"must hold {{code}} exactly once and no other braces, not {template!r}"
    try:
        split = urllib.parse.urlsplit(template.replace("{code}", "X"))
        split.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        split = None
    if split is None or split.scheme not in ("http", "https") or not split.hostname:
        return f"must be an http:// or https:// address, not {template!r}"
    return ""


_JSON_PATH = re.compile(r"[^.\s]+(?:\.[^.\s]+)*")


def check_json_path(path: str) -> str:
    """The problem with a dotted JSON path (``data.hoSo.trangThai``, ``items.0.status``), or ``""``."""
    if not _JSON_PATH.fullmatch(path) or len(path) > 200:
        return f"must be a dotted path like 'data.trangThai', not {path!r}"
    return ""


# --- opening hours ------------------------------------------------------------------------

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
