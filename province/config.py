"""Read the province's configuration file (TOML), every problem reported at once with its
line, as the sites' configuration is (:mod:`queue_server.config.site`)::

    [province]
    name = "Tỉnh Tây Ninh"
    timezone = "Asia/Ho_Chi_Minh"
    dsn = "postgresql://central@127.0.0.1:5432/motcua"
    offline_minutes = 3               # a site silent this long is "mất liên lạc"

    [[manager]]
    user = "giam.doc"
    name = "Trần Văn Giám"
    token = "…"                      # the dashboard asks for it once
    sites = ["*"]                     # the whole province; or a list of site ids
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from pathlib import Path

from province.settings import DEFAULT_OFFLINE_MINUTES, Manager, ProvinceConfig
from queue_server.config.checks import Problem, Problems, Table, format_key, report_duplicates
from queue_server.config.lines import LineFinder
from queue_server.config.origins import read_origins
from queue_server.config.site import ConfigError

_TOP = ("province", "manager")
_PROVINCE = ("name", "timezone", "dsn", "origins", "offline_minutes")
_MANAGER = ("user", "name", "token", "sites")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_SITE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_TOKEN = re.compile(r"[!-~]{16,256}")


def load_province(path: str | os.PathLike[str]) -> ProvinceConfig:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [Problem("", f"cannot read the file as UTF-8 text: {exc}")]) from None
    return parse_province(text, str(path))


def parse_province(text: str, source: str = "<province>") -> ProvinceConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [Problem("", f"TOML syntax error: {exc}")]) from None
    problems = Problems()
    root = Table(data, (), problems, _TOP)
    province = root.table("province", _PROVINCE) or Table({}, ("province",), problems, _PROVINCE)
    if not root.has("province"):
        root.report("province", "missing (required): add a [province] table")
    name = province.text("name", "", required=True)
    zone = province.text("timezone", "Asia/Ho_Chi_Minh")
    try:
        tz: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        province.report("timezone", f"unknown time zone {zone!r} (e.g. 'Asia/Ho_Chi_Minh')")
        tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    dsn = province.text("dsn", "", required=True)
    origins = read_origins(province)
    # a site heartbeats every [central] heartbeat_seconds (30 s) while its link is up
    offline_minutes = province.integer("offline_minutes", DEFAULT_OFFLINE_MINUTES, low=1, high=24 * 60)
    tables = root.tables("manager", _MANAGER) or []
    managers = tuple(_manager(t) for t in tables)
    if not managers:
        root.report("manager", "missing (required): at least one [[manager]] table")
    report_duplicates(problems, [(t.at("user"), m.user.lower()) for t, m in zip(tables, managers, strict=True)], "manager user")
    report_duplicates(problems, [(t.at("token"), m.token) for t, m in zip(tables, managers, strict=True)], "token", show=False)
    if problems:
        finder = LineFinder(text)
        raise ConfigError(source, [Problem(format_key(key), message, finder.line_of(key)) for key, message in problems])
    return ProvinceConfig(name=name, tz=tz, dsn=dsn, managers=managers, origins=origins, offline_minutes=offline_minutes)


def _manager(t: Table) -> Manager:
    sites: frozenset[str] | None = frozenset()
    listed = t.texts("sites")
    values = [value for _, value in listed]
    if "*" in values:
        if len(values) > 1:
            t.report("sites", "'*' (the whole province) stands alone")
        sites = None
    else:
        for key, value in listed:
            if not _SITE.fullmatch(value):
                t.problems.add(key, f"must be a site id (lower-case letters, digits, '-' and '_'), not {value!r}")
        sites = frozenset(values)
        if not sites:
            t.report("sites", "missing (required): the site ids this manager sees, or [\"*\"] for all")
    token = t.text("token", "", required=True)
    if token and not _TOKEN.fullmatch(token):
        t.report("token", "must be 16 to 256 printable ASCII characters without spaces")
    return Manager(
        user=t.code("user", _USER, "letters, digits, '.', '_' and '-'"),
        name=t.text("name", "", required=True),
        token=token,
        sites=sites,
    )
