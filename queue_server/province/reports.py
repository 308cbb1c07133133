"""Reports across sites: a day's, week's or month's figures by site, field, counter, officer
or day, for the sites a manager sees.

The rows are the sites' own ticket rows (shipped with the events that change them), summed
in PostgreSQL — exact sums of whole microseconds and scores, one grouped pass for the whole
selection — and made into figures by the very function the sites' reports end in
(:func:`queue_server.store.reports.assemble`): a site's figures here are its own figures.
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

from ..store.reports import Figures, assemble, check_range


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


_KEYS = {  # the grouping's columns: (site column, key column)
    By.SITE: ("site", "NULL::text"),
    By.DAY: ("NULL::text", "day::text"),
    By.SERVICE: ("site", "service"),
    By.COUNTER: ("site", "counter"),
    By.OFFICER: ("site", "officer"),
}
_STATES = ("done", "no_show", "cancelled", "transferred", "waiting")


def build(
    conn: psycopg.Connection[Any],
    sites: Sequence[str],
    first: dt.date,
    last: dt.date,
    by: By,
    tz: ZoneInfo,
    scale: Sequence[int] = (1, 2, 3, 4),
) -> ProvinceReport:
    """Summed in PostgreSQL, to the same figures as the sites' reports (exact sums of whole
    microseconds and scores: :func:`queue_server.store.reports.assemble`). Raises
    :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    site_column, key_column = _KEYS[by]
    where = "site = ANY(%(sites)s) AND day BETWEEN %(first)s AND %(last)s"
    params = {"sites": list(sites), "first": first, "last": last, "tz": str(tz)}
    states = ", ".join(f"count(*) FILTER (WHERE state = '{state}')" for state in _STATES)
    groups = conn.execute(
        f"SELECT GROUPING({site_column}, {key_column}) = 0, {site_column}, {key_column},"
        f" count(*) FILTER (WHERE state <> 'transferred'), {states},"
        " coalesce(sum(wait_us), 0), count(wait_us), percentile_disc(0.9) WITHIN GROUP (ORDER BY wait_us),"
        " coalesce(sum(service_us), 0), count(service_us)"
        f" FROM tickets WHERE {where} GROUP BY GROUPING SETS (({site_column}, {key_column}), ())",
        params,
    ).fetchall()
    ratings: dict[tuple[bool, Any, Any], dict[int, int]] = {}
    for grouped, site, key, score, count in conn.execute(
        f"SELECT GROUPING({site_column}, {key_column}) = 0, {site_column}, {key_column}, rating, count(*)"
        f" FROM tickets WHERE {where} AND rating IS NOT NULL"
        f" GROUP BY GROUPING SETS (({site_column}, {key_column}, rating), (rating))",
        params,
    ):
        ratings.setdefault((grouped, site, key), {})[score] = count
    hours = [0] * 24
    for hour, count in conn.execute(
        f"SELECT extract(hour FROM issued_at::timestamptz AT TIME ZONE %(tz)s)::int, count(*)"
        f" FROM tickets WHERE {where} AND state <> 'transferred' AND issued_at IS NOT NULL GROUP BY 1",
        params,
    ):
        hours[hour] = count
    total = _figures(None, scale, ratings.get((False, None, None), {}))
    rows = []
    for grouped, site, key, issued, *rest in groups:
        made = _figures((issued, *rest), scale, ratings.get((grouped, site, key), {}))
        if grouped:
            rows.append(Row(site, key, made))
        else:
            total = made
    rows.sort(key=lambda r: (r.site or "", r.key is None, str(r.key)))
    return ProvinceReport(first, last, by, tuple(sites), total, tuple(rows), tuple(hours))


def _figures(counts: tuple[Any, ...] | None, scale: Sequence[int], ratings: dict[int, int]) -> Figures:
    if counts is None:  # no ticket at all
        counts = (0, *([0] * len(_STATES)), 0, 0, None, 0, 0)
    issued, *by_state, wait_sum, wait_count, p90, service_sum, service_count = counts
    return assemble(
        dict(zip(_STATES, by_state, strict=True)),
        issued=issued,
        waits=(int(wait_sum), wait_count, p90),
        services=(int(service_sum), service_count),
        ratings={score: ratings.get(score, 0) for score in sorted(scale)} | ratings,
        scale=scale,
    )
