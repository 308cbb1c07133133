"""The configuration files of the servers above the sites — the province's (``motcua-central``,
``province/config.py``) and the nation's (``motcua-national``, ``national/config.py``) — read
as a site's is (:mod:`.site`): every problem reported at once, with its line. What they share
is read here: the file itself, its head table (``[province]`` or ``[national]``: ``name``,
``timezone``, ``dsn``, ``origins``) and its ``[[manager]]`` tables (``user``, ``name``,
``token``, and what the manager sees: ``sites`` or ``provinces``, or ``["*"]`` for all). Each
app reads its own keys besides and makes its own values from these."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import os
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from queue_server.config.checks import Problem, Problems, Table, format_key, report_duplicates
from queue_server.config.lines import LineFinder
from queue_server.config.origins import read_origins
from queue_server.config.site import ConfigError

_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TOKEN = re.compile(r"[!-~]{16,256}")
_MANAGER = ("user", "name", "token")  # and the key of what they see
DEFAULT_ZONE = "Asia/Ho_Chi_Minh"


def read_text(path: str | os.PathLike[str]) -> str:
    """The file's text (UTF-8, a byte order mark dropped); :class:`ConfigError` if unreadable."""
    try:
        return Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [Problem("", f"cannot read the file as UTF-8 text: {exc}")]) from None


@dataclasses.dataclass(frozen=True)
class ManagerEntry:
    """A ``[[manager]]`` as read: ``scope`` None for all, else the ids or codes listed."""

    user: str
    name: str
    token: str
    scope: frozenset[str] | None


class ManagersFile:
    """One file being read: its head table read at once (``name``, ``tz``, ``dsn``,
    ``origins``; :attr:`head` for the app's own keys of it), :meth:`managers` for its
    ``[[manager]]`` tables, :meth:`check` at the end (every problem at once)."""

    def __init__(self, text: str, source: str, head: str, head_keys: Collection[str], top: Collection[str]) -> None:
        self.text, self.source = text, source
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(source, [Problem("", f"TOML syntax error: {exc}")]) from None
        self.problems = Problems()
        self.root = Table(data, (), self.problems, top)
        self.head = self.root.table(head, head_keys) or Table({}, (head,), self.problems, head_keys)
        if not self.root.has(head):
            self.root.report(head, f"missing (required): add a [{head}] table")
        self.name = self.head.text("name", "", required=True)
        zone = self.head.text("timezone", DEFAULT_ZONE)
        try:
            self.tz: dt.tzinfo = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.head.report("timezone", f"unknown time zone {zone!r} (e.g. '{DEFAULT_ZONE}')")
            self.tz = zoneinfo.ZoneInfo(DEFAULT_ZONE)
        self.dsn = self.head.text("dsn", "", required=True)
        self.origins = read_origins(self.head)

    def managers(self, scope: str, whole: str, listed: str, wrong: Callable[[str], str | None]) -> tuple[ManagerEntry, ...]:
        """The ``[[manager]]`` tables (at least one; users and tokens each once): ``scope`` the
        key of what a manager sees (``["*"]``: ``whole``, e.g. "the whole province"; else
        ``listed``, e.g. "site ids"), each value checked by ``wrong`` (its problem, or None)."""
        tables = self.root.tables("manager", (*_MANAGER, scope)) or []
        managers = tuple(_manager(t, scope, whole, listed, wrong) for t in tables)
        if not managers:
            self.root.report("manager", "missing (required): at least one [[manager]] table")
        report_duplicates(self.problems, [(t.at("user"), m.user.lower()) for t, m in zip(tables, managers, strict=True)], "manager user")
        report_duplicates(self.problems, [(t.at("token"), m.token) for t, m in zip(tables, managers, strict=True)], "token", show=False)
        return managers

    def check(self) -> None:
        """Raise :class:`ConfigError` with every problem found, each with its line."""
        if self.problems:
            finder = LineFinder(self.text)
            raise ConfigError(self.source, [Problem(format_key(key), message, finder.line_of(key)) for key, message in self.problems])


def _manager(t: Table, scope: str, whole: str, listed: str, wrong: Callable[[str], str | None]) -> ManagerEntry:
    seen: frozenset[str] | None
    values = t.texts(scope)
    if "*" in [value for _, value in values]:
        if len(values) > 1:
            t.report(scope, f"'*' ({whole}) stands alone")
        seen = None
    else:
        for key, value in values:
            problem = wrong(value)
            if problem:
                t.problems.add(key, problem)
        seen = frozenset(value for _, value in values)
        if not seen:
            t.report(scope, f'missing (required): the {listed} this manager sees, or ["*"] for all')
    token = t.text("token", "", required=True)
    if token and not _TOKEN.fullmatch(token):
        t.report("token", "must be 16 to 256 printable ASCII characters without spaces")
    return ManagerEntry(
        user=t.code("user", _USER, "letters, digits, '.', '_' and '-'"),
        name=t.text("name", "", required=True),
        token=token,
        scope=seen,
    )


class _HasToken(Protocol):
    @property
    def token(self) -> str: ...


M = TypeVar("M", bound=_HasToken)


def by_token(managers: Iterable[M], token: str) -> M | None:
    """The manager with this token, compared in constant time (every token is compared)."""
    found = None
    for manager in managers:
        if hmac.compare_digest(manager.token.encode(), token.encode()):
            found = manager
    return found
