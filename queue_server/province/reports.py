"""Reports across sites: a day's, week's or month's figures by site, field, counter, officer
or day, for the sites a manager sees.

The rows are the sites' own ticket rows (shipped with the events that change them) and the
figures are counted by the very function the sites' reports use
(:func:`queue_server.store.reports.figures`): a site's figures here are its own figures.
A field, counter or officer is a site's own: the key of a row is ``(site, key)``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from ..store.reports import Figures, arrivals_by_hour, check_range, figures

_COLUMNS = "site, id, day::text AS day, state, service, counter, officer, issued_at, arrival_at, called_at, served_at, done_at, rating"


class By(enum.StrEnum):
    SITE = "site"
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    DAY = "day"


@dataclasses.dataclass(frozen=True)
class Row:
    site: str | None  # None: a row of the whole selection (by day)
    key: str | int | None  # a field code, counter number, officer user or ISO day; None: not called
    figures: Figures


@dataclasses.dataclass(frozen=True)
class ProvinceReport:
    first: dt.date
    last: dt.date
    by: By
    sites: tuple[str, ...]
    total: Figures
    rows: tuple[Row, ...]
    arrivals_by_hour: tuple[int, ...]


def ticket_rows(conn: psycopg.Connection[Any], sites: Sequence[str], first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cursor:
        return cursor.execute(
            f"SELECT {_COLUMNS} FROM tickets WHERE site = ANY(%s) AND day BETWEEN %s AND %s ORDER BY site, id",
            [list(sites), first, last],
        ).fetchall()


def build(
    conn: psycopg.Connection[Any],
    sites: Sequence[str],
    first: dt.date,
    last: dt.date,
    by: By,
    tz: ZoneInfo,
    scale: Sequence[int] = (1, 2, 3, 4),
) -> ProvinceReport:
    """Raises :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    rows = ticket_rows(conn, sites, first, last)
    groups: dict[tuple[str | None, Any], list[dict[str, Any]]] = {}
    for row in rows:
        if by is By.SITE:
            key: tuple[str | None, Any] = (row["site"], None)
        elif by is By.DAY:
            key = (None, row["day"])
        else:
            key = (row["site"], row[by.value])
        groups.setdefault(key, []).append(row)
    ordered = sorted(groups, key=lambda k: (k[0] or "", k[1] is None, str(k[1])))
    return ProvinceReport(
        first=first,
        last=last,
        by=by,
        sites=tuple(sites),
        total=figures(rows, scale),
        rows=tuple(Row(site, key, figures(groups[(site, key)], scale)) for site, key in ordered),
        arrivals_by_hour=arrivals_by_hour(rows, tz),
    )
