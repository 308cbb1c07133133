"""Read a site's configuration file (TOML) into a :class:`~queue_server.config.settings.SiteConfig`.

One file per site (``docs/configuration.md`` describes every key)::

    [site]  [policy]  [[priority]]  [[rating]]  [hours]
    [[service]]  [[counter]]  [[device]]  [[officer]]  [dossier_lookup]  [dossiers]  [dossier_pull]

This module reads the site, its policy, services and counters; :mod:`.config_devices` reads the
devices and officers, :mod:`.config_dossier_lookup` the dossier look-up, :mod:`.config_dossier_sync`
the dossiers' working days and the scheduled pull.

Everything wrong with a file is reported at once in one :class:`ConfigError`, one problem a
line, each naming the file, the line when it can be found, and the key path::

    site.toml:14: service[2].prefx: unknown key 'prefx' (did you mean 'prefix'?)
    site.toml:31: counter[4].services.XY: no service has the code 'XY'
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import stat
import tomllib
import urllib.parse
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from queue_server.config.central import read_central
from queue_server.config.checks import (
    MAX_COUNTER,
    Problem,
    Problems,
    Table,
    format_key,
    keyed,
    known_service,
    positive_number,
    report_duplicates,
)
from queue_server.config.devices import read_devices, read_officers
from queue_server.config.dossier_lookup import read_dossier_lookup
from queue_server.config.dossier_sync import read_dossiers, read_pull
from queue_server.config.hours import DEFAULT_HOURS, HOURS_KEYS, HoursSpec
from queue_server.config.limits import read_limits
from queue_server.config.lines import LineFinder
from queue_server.config.origins import read_origins
from queue_server.config.outreach import read_outreach
from queue_server.config.payment import read_payment
from queue_server.config.place import read_place
from queue_server.config.settings import ServerSettings, SiteConfig
from queue_server.core.site import (
    DEFAULT_PAUSE_REASONS,
    DEFAULT_PRIORITIES,
    DEFAULT_RATING_SCALE,
    CounterSpec,
    PauseReason,
    Policy,
    PriorityCategory,
    RatingLevel,
    Service,
    Site,
)

__all__ = ["ConfigError", "Problem", "load_config", "parse_config"]

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"

_TOP_KEYS = (
    "site", "policy", "priority", "rating", "hours", "service", "counter", "device", "officer",
    "dossier_lookup", "central", "pause_reason", "dossiers", "dossier_pull", "payment", "outbox",
    "notifications", "webhook", "phone_queue", "limits", "evaluation_sync",
)  # fmt: skip
_SITE_KEYS = (
    "id", "name", "timezone", "language", "public_url", "server_url", "retention_days", "session_minutes",
    "pin_attempts", "pin_lockout_seconds", "max_message_bytes", "synchronous", "origins", "silent_minutes",
    "kind", "commune", "address", "latitude", "longitude", "province_code", "ward_code",
    "wait_line",
)  # fmt: skip
_POLICY_KEYS = (
    "max_priority_in_row", "no_show_returns", "transfer_keeps_arrival", "checkin_early_minutes",
    "checkin_late_minutes", "booking_days_ahead", "rating_window_minutes",
    "default_service_minutes", "recent_services", "service_level_percent", "reentry_working_days",
)  # fmt: skip
_NAMES = ("name_vi", "name_en")
_SERVICE_KEYS = (
    "code", "prefix", *_NAMES, "daily_cap", "max_wait_minutes", "target_wait_minutes", "number_start", "number_width",
    "slot_minutes", "slot_capacity", "hours", "unit", "wait_line",
)  # fmt: skip
_COUNTER_KEYS = ("number", "name", "services")

_SITE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_SERVICE_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,15}")
_PREFIX = re.compile(r"[A-Z]{1,2}")
_PRIORITY_CODE = re.compile(r"[a-z][a-z0-9_]{0,31}")
_TOML_LOCATION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)\s*$")

DAY_MINUTES = 24 * 60


class ConfigError(ValueError):
    """A configuration file that cannot be used: every problem found, one a line."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: (p.line is None, p.line or 0)))
        count = len(self.problems)
        head = f"{source}: invalid configuration ({count} problem{'s' if count != 1 else ''})"
        super().__init__("\n".join([head, *(p.describe(source) for p in self.problems)]))


def load_config(path: str | os.PathLike[str]) -> SiteConfig:
    """Read and check the configuration file at ``path``; raise :class:`ConfigError`."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problem = Problem("", f"cannot read the file: {exc.strerror or exc}")
        raise ConfigError(str(path), [problem]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem("", "not UTF-8 text (save the file as UTF-8)", line)
        raise ConfigError(str(path), [problem]) from None
    try:
        readable_by_all = bool(path.stat().st_mode & stat.S_IROTH)
    except OSError:
        readable_by_all = False
    return _check(text, path, readable_by_all)


def parse_config(text: str, path: str | os.PathLike[str] | None = None) -> SiteConfig:
    """Check the configuration ``text`` (read from ``path``, for messages)."""
    return _check(text, path, readable_by_all=False)


def _check(text: str, path: str | os.PathLike[str] | None, readable_by_all: bool) -> SiteConfig:
    source = "<config>" if path is None else str(path)
    text = text.removeprefix("\ufeff")  # a byte order mark, as some Windows editors write
    data = _parse_toml(text, source)
    problems = Problems()
    config = _read_config(data, problems, None if path is None else Path(path))
    finder = LineFinder(text)
    if problems:
        found = [Problem(format_key(key), msg, finder.line_of(key)) for key, msg in problems]
        raise ConfigError(source, found)
    warnings = list(problems.warnings)
    if readable_by_all:  # the secrets (queue_server/config/secrets.py) written in a file anyone may read
        warnings += [
            (key, "a secret written in a site file readable by every user of this machine: chmod o-r the file, "
             f"or give it as {format_key(key[-1:])}_file or _env (docs/configuration.md, Secrets)")
            for key in problems.inline_secrets
        ]  # fmt: skip
    if warnings:
        described = tuple(Problem(format_key(key), msg, finder.line_of(key)).describe(source) for key, msg in warnings)
        config = dataclasses.replace(config, warnings=described)
    return config


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _TOML_LOCATION.search(message)
        line = column = None
        if match:
            message = message[: match.start()]
            line = int(match[1]) if match[1] else text.count("\n") + 1
            column = int(match[2]) if match[2] else None
        problem = Problem("", f"TOML syntax error: {message}", line, column)
    except RecursionError:
        problem = Problem("", "TOML syntax error: arrays or tables nested too deeply")
    raise ConfigError(source, [problem]) from None


def _read_config(data: dict[str, Any], problems: Problems, path: Path | None) -> SiteConfig:
    root = Table(data, (), problems, _TOP_KEYS)
    site_table = _required_table(root, "site", _SITE_KEYS)
    hours = HoursSpec.read(root.table("hours", HOURS_KEYS), HoursSpec.of(DEFAULT_HOURS))
    services = _read_services(root, hours)
    counters = _read_counters(root, {s.code for s in services if s.code})
    _check_every_service_served(root, services, counters)
    site = Site(
        site_id=site_table.code("id", _SITE_ID, "lower-case letters, digits, '-' and '_'"),
        name=site_table.text("name", "", required=True),
        tz=_read_timezone(site_table),
        services=services,
        counters=counters,
        priorities=_read_priorities(root),
        policy=_read_policy(root),
        wait_line=site_table.text("wait_line"),
    )
    return SiteConfig(
        site=site,
        devices=read_devices(root, site),
        officers=read_officers(root, {c.number for c in counters}),
        settings=_read_settings(site_table),
        path=path,
        dossier_lookup=read_dossier_lookup(root),
        central=read_central(root),
        dossiers=read_dossiers(root, {s.code for s in services}),
        dossier_pull=read_pull(root),
        payment=read_payment(root, [s.code for s in services if s.code]),
        outreach=read_outreach(root, {s.code for s in services if s.code}),
        limits=read_limits(root),
        place=read_place(site_table, site.site_id),
        raw=data,
    )


def _required_table(parent: Table, name: str, known: Sequence[str]) -> Table:
    table = parent.table(name, known)
    if table is None:
        if not parent.has(name):
            parent.report(name, f"missing (required): add a [{name}] table")
        table = Table({}, parent.at(name), parent.problems, known)
    return table


# --- [site] ---------------------------------------------------------------------------------


def _read_timezone(site: Table) -> dt.tzinfo:
    name = site.text("timezone", DEFAULT_TIMEZONE)
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError, UnicodeError):
        site.report("timezone", f"unknown time zone {name!r} (e.g. {DEFAULT_TIMEZONE!r})")
        return zoneinfo.ZoneInfo(DEFAULT_TIMEZONE)


def _read_settings(site: Table) -> ServerSettings:
    d = ServerSettings()

    def whole(name: str, low: int, high: int) -> int:
        default: int = getattr(d, name)
        return site.integer(name, default, low=low, high=high)

    return ServerSettings(
        public_url=_read_url(site, "public_url", d.public_url, ("http", "https"), "an").rstrip("/"),
        server_url=_read_url(site, "server_url", d.server_url, ("ws", "wss"), "a"),
        retention_days=whole("retention_days", 1, 36500),
        session_minutes=site.integer("session_minutes", low=1, high=7 * DAY_MINUTES),
        pin_attempts=whole("pin_attempts", 1, 100),
        pin_lockout_seconds=whole("pin_lockout_seconds", 0, 86400),
        max_message_bytes=whole("max_message_bytes", 1024, 2**24),
        synchronous=_read_choice(site, "synchronous", d.synchronous, ("FULL", "NORMAL")),
        language=_read_choice(site, "language", d.language, ("vi", "en")),
        origins=read_origins(site),
        silent_minutes=whole("silent_minutes", 1, 24 * 60),
    )



def _read_choice(table: Table, name: str, default: str, choices: Sequence[str]) -> str:
    """One of ``choices``, whatever the case it is written in."""
    value = table.text(name, default)
    match = next((c for c in choices if c.casefold() == value.casefold()), None)
    if match is None:
        table.report(name, f"must be one of {', '.join(choices)}, not {value!r}")
        return default
    return match


def _read_url(site: Table, name: str, default: str, schemes: tuple[str, str], article: str) -> str:
    """An address of one of two ``schemes`` (``http``/``https``, ``ws``/``wss``)."""
    url = site.text(name, default)
    try:
        split = urllib.parse.urlsplit(url)
        split.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        split = None
    if split is None or split.scheme not in schemes or not split.hostname:
        site.report(name, f"must be {article} {schemes[0]}:// or {schemes[1]}:// address, not {url!r}")
        return default
    return url


# --- [policy], [[priority]], [[rating]] -------------------------------------------------------


def _read_policy(root: Table) -> Policy:
    table = root.table("policy", _POLICY_KEYS) or Table({}, ("policy",), root.problems, ())
    d = Policy()

    def whole(name: str, low: int, high: int) -> int:
        default: int = getattr(d, name)
        return table.integer(name, default, low=low, high=high)

    def minutes(name: str, low: int) -> dt.timedelta:
        default = getattr(d, name.removesuffix("_minutes")) // dt.timedelta(minutes=1)
        return dt.timedelta(minutes=table.integer(name, default, low=low, high=DAY_MINUTES))

    return Policy(
        max_priority_in_row=whole("max_priority_in_row", 1, 100),
        no_show_returns=whole("no_show_returns", 0, 10),
        transfer_keeps_arrival=table.flag("transfer_keeps_arrival", d.transfer_keeps_arrival),
        checkin_early=minutes("checkin_early_minutes", 0),
        checkin_late=minutes("checkin_late_minutes", 0),
        booking_days_ahead=whole("booking_days_ahead", 0, 365),
        rating_window=minutes("rating_window_minutes", 1),
        rating_scale=_read_rating_scale(root),
        default_service_minutes=table.number(
            "default_service_minutes", d.default_service_minutes, high=DAY_MINUTES
        ),
        recent_services=whole("recent_services", 1, 1000),
        service_level_percent=whole("service_level_percent", 1, 100),
        pause_reasons=_read_pause_reasons(root),
        reentry_working_days=whole("reentry_working_days", 1, 60),
    )


def _read_pause_reasons(root: Table) -> tuple[PauseReason, ...]:
    """``[[pause_reason]]`` tables replace the default list (họp, nghỉ trưa…)."""
    tables = root.tables("pause_reason", ("code", *_NAMES))
    if tables is None:
        return DEFAULT_PAUSE_REASONS
    hint = "lower-case letters, digits and '_' (e.g. 'lunch')"
    codes = [t.code("code", _PRIORITY_CODE, hint) for t in tables]
    report_duplicates(root.problems, keyed(tables, "code", codes), "pause reason code")
    return tuple(PauseReason(code, *_names(t)) for t, code in zip(tables, codes, strict=True))


def _read_priorities(root: Table) -> tuple[PriorityCategory, ...]:
    tables = root.tables("priority", ("code", *_NAMES))
    if tables is None:
        return DEFAULT_PRIORITIES
    hint = "lower-case letters, digits and '_' (e.g. 'elderly')"
    codes = [t.code("code", _PRIORITY_CODE, hint) for t in tables]
    report_duplicates(root.problems, keyed(tables, "code", codes), "priority code")
    return tuple(PriorityCategory(code, *_names(t)) for t, code in zip(tables, codes, strict=True))


def _read_rating_scale(root: Table) -> tuple[RatingLevel, ...]:
    tables = root.tables("rating", ("score", *_NAMES))
    if tables is None:
        return DEFAULT_RATING_SCALE
    if len(tables) < 2:
        root.report("rating", "a rating scale needs at least 2 levels ([[rating]] tables)")
    scores = [t.integer("score", required=True, low=1, high=10) for t in tables]
    report_duplicates(root.problems, keyed(tables, "score", scores), "rating score")
    return tuple(
        RatingLevel(score or 0, *_names(t)) for t, score in zip(tables, scores, strict=True)
    )


def _names(table: Table) -> tuple[str, str]:
    return table.text("name_vi", "", required=True), table.text("name_en", "", required=True)


# --- [[service]], [[counter]] -------------------------------------------------------------------


def _read_services(root: Table, hours: HoursSpec) -> tuple[Service, ...]:
    tables = root.tables("service", _SERVICE_KEYS)
    if not tables:
        root.report("service", "missing (required): at least one [[service]] table")
        return ()
    services = tuple(_read_service(t, hours) for t in tables)
    report_duplicates(
        root.problems, keyed(tables, "code", [s.code for s in services]), "service code"
    )
    report_duplicates(
        root.problems, keyed(tables, "prefix", [s.prefix for s in services]), "prefix"
    )
    return services


def _read_service(t: Table, default_hours: HoursSpec) -> Service:
    width = t.integer("number_width", 3, low=1, high=6)
    start = t.integer("number_start", 1, low=0, high=10**width - 1)
    cap = t.integer("daily_cap", low=1, high=10**width)
    if cap is not None and start + cap - 1 >= 10**width:
        t.report(
            "daily_cap", f"{cap} numbers from {start} do not fit in {width} digits (number_width)"
        )
    max_wait = t.integer("max_wait_minutes", 45, low=1, high=DAY_MINUTES)
    target = t.integer("target_wait_minutes", min(20, max_wait), low=1, high=max_wait)
    return Service(
        code=t.code("code", _SERVICE_CODE, "upper-case ASCII letters, digits and '_' (e.g. 'HT')"),
        prefix=t.code("prefix", _PREFIX, "1 or 2 upper-case ASCII letters (e.g. 'A')"),
        name_vi=t.text("name_vi", "", required=True),
        name_en=t.text("name_en", "", required=True),
        hours=HoursSpec.read(t.table("hours", HOURS_KEYS), default_hours).build(),
        daily_cap=cap,
        max_wait_minutes=max_wait,
        target_wait_minutes=target,
        number_start=start,
        number_width=width,
        slot_minutes=t.integer("slot_minutes", 15, low=1, high=DAY_MINUTES),
        slot_capacity=t.integer("slot_capacity", 0, low=0, high=1000),
        unit=t.text("unit", "") or None,
        wait_line=t.text("wait_line"),
    )


def _read_counters(root: Table, service_codes: set[str]) -> tuple[CounterSpec, ...]:
    tables = root.tables("counter", _COUNTER_KEYS)
    if not tables:
        root.report("counter", "missing (required): at least one [[counter]] table")
        return ()
    counters = tuple(_read_counter(t, service_codes) for t in tables)
    numbers = [c.number or None for c in counters]
    report_duplicates(root.problems, keyed(tables, "number", numbers), "counter number")
    return counters


def _read_counter(t: Table, service_codes: set[str]) -> CounterSpec:
    number = t.integer("number", required=True, low=1, high=MAX_COUNTER) or 0
    value = t.data.get("services")
    if value is None:
        t.report("services", "missing (required): e.g. services = { HT = 1.0 } or ['HT']")
    weights: dict[str, float] = {}
    if isinstance(value, dict):
        for code, weight in value.items():
            checked = positive_number(weight)
            if isinstance(checked, str):
                t.problems.add(t.at("services") + (code,), f"weight {checked}")
            elif known_service(t, t.at("services") + (code,), code, service_codes):
                weights[code] = checked
    elif isinstance(value, list):
        for key, code in t.texts("services"):
            if code in weights:
                t.problems.add(key, f"{code!r} is listed twice")
            elif known_service(t, key, code, service_codes):
                weights[code] = 1.0
    elif value is not None:
        t.report("services", "must be a table { CODE = weight } or an array of service codes")
    if isinstance(value, (dict, list)) and not value:
        t.report("services", "serves no service")
    return CounterSpec(number, t.text("name", f"Quầy {number}"), weights)


def _check_every_service_served(
    root: Table, services: Sequence[Service], counters: Sequence[CounterSpec]
) -> None:
    if not counters:
        return
    served = {code for c in counters for code in c.services}
    for index, service in enumerate(services, start=1):
        if service.code and service.code not in served:
            root.problems.add(("service", index, "code"), f"no [[counter]] serves {service.code!r}")
