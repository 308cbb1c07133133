"""Read the national configuration file (TOML), every problem reported at once with its line,
as the province's is (:mod:`province.config`)::

    [national]
    name = "Cục Kiểm soát thủ tục hành chính"
    timezone = "Asia/Ho_Chi_Minh"
    dsn = "postgresql://national@127.0.0.1:5432/national"

    [[province]]
    code = "80"                       # the code it publishes under (motcua-national publish):
                                      # its official code on the 2025 map, which names it
    [[province]]
    code = "thi_diem"                 # or a code of our own, with its name
    name = "Tỉnh thí điểm"

    [[manager]]
    user = "bo.truong"
    name = "Nguyễn Văn Bộ"
    token = "…"
    provinces = ["*"]                 # the whole country; or a list of province codes
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from pathlib import Path

from national.replication import PROVINCE_CODE
from national.settings import NationalConfig, NationalManager, ProvinceEntry
from queue_server.config.checks import Problem, Problems, Table, format_key, report_duplicates
from queue_server.config.lines import LineFinder
from queue_server.config.origins import read_origins
from queue_server.config.site import ConfigError
from queue_server.core import admin_map

_TOP = ("national", "province", "manager")
_NATIONAL = ("name", "timezone", "dsn", "origins")
_PROVINCE = ("code", "name")
_MANAGER = ("user", "name", "token", "provinces")
_USER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TOKEN = re.compile(r"[!-~]{16,256}")
_CODE_HINT = "a province code (lower-case letters, digits and '_', as it was published)"


def load_national(path: str | os.PathLike[str]) -> NationalConfig:
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), [Problem("", f"cannot read the file as UTF-8 text: {exc}")]) from None
    return parse_national(text, str(path))


def parse_national(text: str, source: str = "<national>") -> NationalConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, [Problem("", f"TOML syntax error: {exc}")]) from None
    problems = Problems()
    root = Table(data, (), problems, _TOP)
    national = root.table("national", _NATIONAL) or Table({}, ("national",), problems, _NATIONAL)
    if not root.has("national"):
        root.report("national", "missing (required): add a [national] table")
    name = national.text("name", "", required=True)
    zone = national.text("timezone", "Asia/Ho_Chi_Minh")
    try:
        tz: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        national.report("timezone", f"unknown time zone {zone!r} (e.g. 'Asia/Ho_Chi_Minh')")
        tz = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
    dsn = national.text("dsn", "", required=True)
    origins = read_origins(national)
    province_tables = root.tables("province", _PROVINCE) or []
    provinces = tuple(_province(t) for t in province_tables)
    if not provinces:
        root.report("province", "missing (required): at least one [[province]] table")
    report_duplicates(problems, [(t.at("code"), p.code) for t, p in zip(province_tables, provinces, strict=True)], "province code")
    known = {str(t.data.get("code")) for t in province_tables}  # as written: a bad code is reported once, at the code
    tables = root.tables("manager", _MANAGER) or []
    managers = tuple(_manager(t, known) for t in tables)
    if not managers:
        root.report("manager", "missing (required): at least one [[manager]] table")
    report_duplicates(problems, [(t.at("user"), m.user.lower()) for t, m in zip(tables, managers, strict=True)], "manager user")
    report_duplicates(problems, [(t.at("token"), m.token) for t, m in zip(tables, managers, strict=True)], "token", show=False)
    if problems:
        finder = LineFinder(text)
        raise ConfigError(source, [Problem(format_key(key), message, finder.line_of(key)) for key, message in problems])
    return NationalConfig(name=name, tz=tz, dsn=dsn, provinces=provinces, managers=managers, origins=origins)


def _province(t: Table) -> ProvinceEntry:
    """A province by its official code (its name then from the 2025 map, unless given), or by
    a code of the deployment's own (``tay_ninh``) with its name."""
    code = t.code("code", PROVINCE_CODE, _CODE_HINT)
    official = admin_map.provinces().get(code)
    if code and admin_map.is_official_form(code) and official is None:
        t.report(
            "code",
            f"{code!r} is no province's code on the 2025 map ({admin_map.PROVINCES_2025} provinces:"
            f" {', '.join(f'{c} {n}' for c, n in list(admin_map.provinces().items())[:3])}, …)",
        )
    name = t.text("name", official or "", required=not admin_map.is_official_form(code))  # a wrong one: said once, above
    return ProvinceEntry(code, name)


def _manager(t: Table, known: set[str]) -> NationalManager:
    provinces: frozenset[str] | None
    listed = t.texts("provinces")
    values = [value for _, value in listed]
    if "*" in values:
        if len(values) > 1:
            t.report("provinces", "'*' (the whole country) stands alone")
        provinces = None
    else:
        for key, value in listed:
            if value not in known:
                t.problems.add(key, f"must be the code of a [[province]] of this file, not {value!r}")
        provinces = frozenset(values)
        if not provinces:
            t.report("provinces", 'missing (required): the province codes this manager sees, or ["*"] for all')
    token = t.text("token", "", required=True)
    if token and not _TOKEN.fullmatch(token):
        t.report("token", "must be 16 to 256 printable ASCII characters without spaces")
    return NationalManager(
        user=t.code("user", _USER, "letters, digits, '.', '_' and '-'"),
        name=t.text("name", "", required=True),
        token=token,
        provinces=provinces,
    )
