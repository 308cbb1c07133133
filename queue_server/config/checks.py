"""Building blocks for :mod:`queue_server.config.site`: problems, key paths, typed reading of TOML
tables, and finding the line of a key in the file's text (the opening-hours syntax:
:mod:`queue_server.config.hours`).

Readers never raise on bad values: they record a :class:`Problem` and return a default, so
that one pass over the file reports everything that is wrong with it.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import unicodedata
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

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
        self.warnings: list[tuple[KeyPath, str]] = []  # what ``check`` says but does not refuse
        self.inline_secrets: list[KeyPath] = []  # secrets written in the file itself (secrets.py)

    def add(self, key: KeyPath, message: str) -> None:
        self._items.append((key, message))

    def warn(self, key: KeyPath, message: str) -> None:
        self.warnings.append((key, message))

    def inline(self, key: KeyPath) -> None:
        self.inline_secrets.append(key)

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

    def number(self, name: str, default: float, *, high: float, zero: bool = False) -> float:
        """A positive finite number (a whole number is fine too); 0 as well with ``zero``."""
        value = self._get(name, False)
        if value is None:
            return default
        if zero and value == 0 and not isinstance(value, bool):
            return 0.0
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
