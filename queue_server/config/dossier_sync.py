"""The ``[dossiers]`` and ``[dossier_pull]`` tables (both optional)::

    [dossiers]
    warn_working_days = 1                 # "due soon" alarm, in working days before the due date
    weekend = ["saturday", "sunday"]
    holidays = [2026-09-01, 2026-09-02]   # TOML dates or "2026-09-02"
    make_up_days = []                     # weekend days worked (ngày làm bù)
    pickup_service = "TKQ"                # the field where results are collected

    [dossier_pull]
    url_template = "https://motcua.example.vn/api/hoso/thay-doi?tu={since}&trang={page}"
    items = "data.danhSach"
    every_seconds = 300
    [dossier_pull.fields]
    code = "soHoSo"
    status = "trangThai"
    version = "phienBan"
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

from queue_server.config.checks import Table, check_json_path, kind_of
from queue_server.config.dossier_lookup import free_table  # the same rules as the look-up's
from queue_server.config.secrets import read_headers
from queue_server.config.settings import DossierPullSettings, DossierSettings
from queue_server.core.dossiers.model import SCALAR_FIELDS, DossierStatus

DOSSIERS_KEYS = ("warn_working_days", "weekend", "holidays", "make_up_days", "pickup_service")
PULL_KEYS = (
    "url_template", "items", "next_page", "page_size", "first_page", "max_pages", "every_seconds",
    "timeout_seconds", "fields", "statuses", "headers",
)  # fmt: skip
PULL_FIELDS = (*SCALAR_FIELDS, "applicant_id")  # the applicant's ID number: kept only as its keyed hash
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _dates(table: Table, name: str) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for index, item in enumerate(table.array(name) or (), start=1):
        key = table.at(name) + (index,)
        if isinstance(item, dt.date) and not isinstance(item, dt.datetime):
            days.add(item)
            continue
        try:
            days.add(dt.date.fromisoformat(item) if isinstance(item, str) else _not_a_date(item))
        except ValueError:
            table.problems.add(key, f"must be a date like 2026-09-02, not {item!r}"[:120])
    return frozenset(days)


def _not_a_date(item: object) -> dt.date:
    raise ValueError(kind_of(item))


def read_dossiers(root: Table, service_codes: set[str]) -> DossierSettings:
    table = root.table("dossiers", DOSSIERS_KEYS)
    if table is None:
        return DossierSettings()
    d = DossierSettings()
    weekend: set[int] = set()
    for key, name in table.texts("weekend"):
        if name.lower() in WEEKDAYS:
            weekend.add(WEEKDAYS.index(name.lower()))
        else:
            table.problems.add(key, f"must be a day's English name ({', '.join(WEEKDAYS)}), not {name!r}")
    pickup = table.text("pickup_service")
    if pickup is not None and pickup not in service_codes:
        table.report("pickup_service", f"no [[service]] has the code {pickup!r}")
    return DossierSettings(
        warn_working_days=table.integer("warn_working_days", d.warn_working_days, low=0, high=60),
        weekend=frozenset(weekend) if table.has("weekend") else d.weekend,
        holidays=_dates(table, "holidays"),
        make_up_days=_dates(table, "make_up_days"),
        pickup_service=pickup,
    )


def check_pull_template(template: str) -> str:
    """The problem with a pull URL template, or ``""``: http(s), ``{since}`` and ``{page}`` once each."""
    rest = template.replace("{since}", "", 1).replace("{page}", "", 1)
    if "{" in rest or "}" in rest or template.count("{since}") != 1 or template.count("{page}") != 1:
        return f"must hold {{since}} and {{page}} once each and no other braces, not {template!r}"
    split = urllib.parse.urlsplit(rest)
    if split.scheme not in ("http", "https") or not split.hostname:
        return f"must be an http:// or https:// address, not {template!r}"
    return ""


def _path(table: Table, name: str, *, required: bool = False) -> str | None:
    path = table.text(name, required=required)
    if path is not None and (problem := check_json_path(path)):
        table.report(name, problem)
        return None
    return path


def read_pull(root: Table) -> DossierPullSettings | None:
    table = root.table("dossier_pull", PULL_KEYS)
    if table is None:
        return None
    template = table.text("url_template", required=True) or ""
    if template and (problem := check_pull_template(template)):
        table.report("url_template", problem)
    fields: dict[str, str] = {}
    fields_table = table.table("fields", PULL_FIELDS)
    for name in PULL_FIELDS if fields_table is not None else ():
        path = _path(fields_table, name)  # type: ignore[arg-type]  # the loop runs only if fields_table is not None
        if path is not None:
            fields[name] = path
    for need in ("code", "status", "version"):
        if need not in fields and not (fields_table is not None and fields_table.has(need)):
            table.problems.add(table.at("fields") + (need,), f"missing (required): the JSON path of the {need}")
    statuses = free_table(table, "statuses", "a status of the one-stop system")
    choices = [s.value for s in DossierStatus]
    for theirs, ours in list(statuses.items()):
        if ours not in choices:
            table.problems.add(table.at("statuses") + (theirs,), f"must be one of {', '.join(choices)}, not {ours!r}")
            del statuses[theirs]
    headers = read_headers(table)
    d = DossierPullSettings(url_template="", items="", fields={})
    return DossierPullSettings(
        url_template=template,
        items=_path(table, "items", required=True) or "",
        fields=fields,
        next_page=_path(table, "next_page"),
        page_size=table.integer("page_size", d.page_size, low=1, high=10_000),
        first_page=table.integer("first_page", d.first_page, low=0, high=1),
        max_pages=table.integer("max_pages", d.max_pages, low=1, high=10_000),
        every_seconds=table.number("every_seconds", d.every_seconds, high=86_400.0),
        timeout_seconds=table.number("timeout_seconds", d.timeout_seconds, high=120.0),
        statuses=statuses,
        headers=headers,
    )
