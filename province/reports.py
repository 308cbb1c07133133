"""Reports across sites: a day's, week's or month's figures by site, field, counter, officer
or day, for the sites a manager sees.

The rows are the sites' own ticket rows (shipped with the events that change them), each
closed day summed once (:mod:`central.summaries`): a report adds up those
summaries — and sums the days not summed yet (today, a day shipped late) from their tickets
the same way, in the same snapshot (the groups read by :mod:`central.report_groups`, as the
nation's are). A calendar month's report (not by day) reads each site's month in one row a
grouping and key where its month is summed (:mod:`central.months`). Exact sums of whole microseconds and scores, the exact
nearest-rank p90, made into figures by the very function the sites' reports end in
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

from central import months
from central.report_groups import Group, Scales, read_groups, read_whole, select_p90, site_scales
from central.summaries import COLUMNS, Dim, parameters, summary_sql
from queue_server.store.reports import Figures, assemble, check_range


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


# A grouping: the summary rows it reads, and the columns a group is told apart by.
_GROUPS = {
    By.SITE: (Dim.SITE, ("site",)),
    By.DAY: (Dim.SITE, ("day",)),
    By.SERVICE: (Dim.SERVICE, ("site", "key")),
    By.COUNTER: (Dim.COUNTER, ("site", "key")),
    By.OFFICER: (Dim.OFFICER, ("site", "key")),
}
_SITE = ("site",)  # a site of the province is its id (central/report_groups.py)
_WORK_MEM = "256MB"  # a report's sorts in memory (central.summaries.WORK_MEM is a day's: 64MB)


def build(
    conn: psycopg.Connection[Any],
    sites: Sequence[str],
    first: dt.date,
    last: dt.date,
    by: By,
    tz: ZoneInfo,
    scale: Sequence[int] = (1, 2, 3, 4),
) -> ProvinceReport:
    """The figures from the sites' day summaries (central/summaries.py; a calendar month's from
    its month rows, central/months.py; a day not summed yet is summed from its tickets here,
    the same way), all read in one snapshot. Ratings are
    on each site's own scale (its newest configuration snapshot; ``scale`` for a site that sent
    none). Raises :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    dim, columns = _GROUPS[by]
    params = {**parameters(tz), "sites": list(sites), "first": first, "last": last}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # (1,000 sites' month by officer, docs/performance.md) the groups' p90 sorts a million
        # (group, wait) pairs: 94 MB, in memory; the groups are found in the summary rows by a
        # hash (a merge join sorted the whole rows, waits and all: 420 MB on disk); no JIT (its
        # compiling took 0.3 s of a statement and saved less)
        conn.execute(f"SET LOCAL work_mem = '{_WORK_MEM}'")
        conn.execute("SET LOCAL enable_mergejoin = off")
        conn.execute("SET LOCAL jit = off")
        scales = Scales(site_scales(conn, _SITE, "site", sites), tuple(sorted(scale)))
        params["month_sites"] = _month_sites(conn, by, params)
        params["day_sites"] = sorted(set(sites) - set(params["month_sites"]))  # the others: read from their days
        _sum_fresh_days(conn, dim, params)
        groups = read_groups(conn, _rows(dim), columns, _SITE, params)
        # a month's sites: each row a group of its own (central/months.py); the total from their
        # site rows (a grouping's rows hold every ticket between them: the same sums), so that
        # one row a site is read with its ladder and hours (not each of 10,000 officers' rows)
        sites_whole = read_whole(conn, _month_rows(Dim.SITE), _SITE, _SITE, params) if params["month_sites"] else {}
        whole = sites_whole if by is By.SITE or not sites_whole else read_whole(conn, _month_rows(dim), columns, _SITE, params, ladders=False)
        total = Group.merged([*groups.values(), *sites_whole.values()])
        assert not groups.keys() & whole.keys(), "a group both read whole and summed"
        groups |= whole
        select_p90(conn, _step_waits(dim), params, total)
    rows = []
    for key, found in groups.items():
        site, value = _site_and_key(by, key)
        rows.append(Row(site, value, _figures(found, scales, (site,) if site else sites)))
    rows.sort(key=lambda r: (r.site or "", r.key is None, str(r.key)))
    return ProvinceReport(first, last, by, tuple(sites), _figures(total, scales, sites), tuple(rows), total.hours)


def _month_sites(conn: psycopg.Connection[Any], by: By, params: dict[str, Any]) -> list[str]:
    """The sites read from their month's rows (central/months.py): for a calendar month's
    report not by day, those whose month is summed in the report's zone."""
    if by is By.DAY or not months.is_month(params["first"], params["last"]):
        return []
    return [
        site
        for (site,) in conn.execute(
            "SELECT site FROM report_months WHERE site = ANY(%(sites)s) AND day = %(first)s AND dim = 'site' AND tz = %(tz)s",
            params,
        )
    ]


def _rows(dim: Dim) -> str:
    """The day rows of the sites not read from their month (``day_sites``): their days summed
    already (in the report's zone), and those just summed from their tickets (``report_fresh``)."""
    return (
        f"(SELECT site, day, key, {months.FIGURES}, waits FROM report_days d JOIN site_days s USING (site, day)"
        f" WHERE d.dim = '{dim.value}' AND d.site = ANY(%(day_sites)s) AND d.day BETWEEN %(first)s AND %(last)s"
        " AND NOT s.dirty AND s.tz = %(tz)s"
        f" UNION ALL SELECT site, day, key, {months.FIGURES}, waits FROM report_fresh WHERE dim = '{dim.value}')"
    )


def _month_rows(dim: Dim) -> str:
    """The month's rows of the sites of ``month_sites``: each a group of its own (one site's
    field, counter or officer, or the site, for the calendar month), with its own ``p90``."""
    return f"(SELECT * FROM report_months WHERE dim = '{dim.value}' AND site = ANY(%(month_sites)s) AND day = %(first)s)"


def _step_waits(dim: Dim) -> str:
    """The waits of the ladder's ``step`` of every site (for the total's p90): the month's
    sites' from their month's waits of that step, the others' from their days' rows."""
    return (
        f"(SELECT waits[wcum[%(step)s + 1] + 1 : wcum[%(step)s + 2]] AS vals FROM {_rows(dim)} r"
        " UNION ALL SELECT waits FROM report_month_waits"
        " WHERE site = ANY(%(month_sites)s) AND day = %(first)s AND step = %(step)s)"
    )


def _sum_fresh_days(conn: psycopg.Connection[Any], dim: Dim, params: dict[str, Any]) -> None:
    """The days not summed yet (today, a day shipped late), summed from their tickets (a
    site read from its month's rows has none)."""
    conn.execute("CREATE TEMP TABLE report_fresh (LIKE report_days) ON COMMIT DROP")
    fresh = (
        "(site, day) IN (SELECT site, day FROM site_days WHERE site = ANY(%(day_sites)s)"
        " AND day BETWEEN %(first)s AND %(last)s AND (dirty OR tz IS DISTINCT FROM %(tz)s))"
    )
    conn.execute(f"INSERT INTO report_fresh ({COLUMNS}) {summary_sql(dim, fresh)}", params)
    conn.execute("ANALYZE report_fresh")  # (a temporary table has no statistics of its own)


def _site_and_key(by: By, key: tuple[Any, ...]) -> tuple[str | None, str | int | None]:
    if by is By.SITE:
        return key[0], None
    if by is By.DAY:
        return None, key[0].isoformat()
    site, value = key
    if value == "":
        return site, None
    return site, int(value) if by is By.COUNTER else value


def _figures(group: Group, scales: Scales, sites: Sequence[str]) -> Figures:
    """The figures by the sites' own function. The group's ``sites`` on one rating scale: its
    figures on that scale, as each site's own report makes them. On several scales: every
    rating placed on 0–100 on its own site's scale, no average score (:meth:`Group.rated`)."""
    rated = group.rated(scales, [(site,) for site in sites])
    figures = assemble(group.states, issued=group.issued, waits=group.waits, services=group.services, ratings=rated.counts, scale=rated.scale)
    return dataclasses.replace(figures, average_rating=None, satisfaction_index=rated.index) if rated.mixed else figures
