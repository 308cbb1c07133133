"""Reports across sites: a day's, week's or month's figures by site, field, counter, officer
or day, for the sites a manager sees.

The rows are the sites' own ticket rows (shipped with the events that change them), each
closed day summed once (:mod:`central.summaries`): a report adds up those
summaries — and sums the days not summed yet (today, a day shipped late) from their tickets
the same way, in the same snapshot. Exact sums of whole microseconds and scores, the exact
nearest-rank p90, made into figures by the very function the sites' reports end in
(:func:`queue_server.store.reports.assemble`): a site's figures here are its own figures.
A field, counter or officer is a site's own: the key of a row is ``(site, key)``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from central.summaries import COLUMNS, STATES, STEPS, WORK_MEM, Dim, parameters, summary_sql
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
_SUMS = (
    "sum(issued), " + ", ".join(f"sum({state})" for state in STATES)
    + ", sum(wait_sum), sum(wait_count), sum(service_sum), sum(service_count), "
    + ", ".join(f"sum(wcum[{i}])" for i in range(2, STEPS + 2)) + ", "
    + ", ".join(f"sum(hours[{hour}])" for hour in range(1, 25))
)
_WIDTH = 1 + len(STATES) + 4 + STEPS + 24  # the sums of a group, as _SUMS reads them


def build(
    conn: psycopg.Connection[Any],
    sites: Sequence[str],
    first: dt.date,
    last: dt.date,
    by: By,
    tz: ZoneInfo,
    scale: Sequence[int] = (1, 2, 3, 4),
) -> ProvinceReport:
    """The figures from the sites' day summaries (replication/summaries.py; a day not summed
    yet is summed from its tickets here, the same way), all read in one snapshot. Raises
    :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    dim, columns = _GROUPS[by]
    params = {**parameters(tz), "sites": list(sites), "first": first, "last": last}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        _sum_fresh_days(conn, dim, params)
        groups = _groups(conn, dim, columns, params)
        total = _Found.merged(groups.values())  # a grouping's rows hold every ticket between them
        _find_p90(conn, dim, (), params, {(): total})
    rows = [Row(*_site_and_key(by, key), _figures(found, scale)) for key, found in groups.items()]
    rows.sort(key=lambda r: (r.site or "", r.key is None, str(r.key)))
    return ProvinceReport(first, last, by, tuple(sites), _figures(total, scale), tuple(rows), total.hours)


def _rows(dim: Dim) -> str:
    """The summary rows of the report's sites and days: those summed already (in the
    report's zone), and the ones just summed from their tickets (``report_fresh``)."""
    return (
        "(SELECT d.* FROM report_days d JOIN site_days s USING (site, day)"
        f" WHERE d.dim = '{dim.value}' AND d.site = ANY(%(sites)s) AND d.day BETWEEN %(first)s AND %(last)s"
        " AND NOT s.dirty AND s.tz = %(tz)s"
        f" UNION ALL SELECT * FROM report_fresh WHERE dim = '{dim.value}')"
    )


def _sum_fresh_days(conn: psycopg.Connection[Any], dim: Dim, params: dict[str, Any]) -> None:
    """The days not summed yet (today, a day shipped late), summed from their tickets."""
    conn.execute("CREATE TEMP TABLE report_fresh (LIKE report_days) ON COMMIT DROP")
    fresh = (
        "(site, day) IN (SELECT site, day FROM site_days WHERE site = ANY(%(sites)s)"
        " AND day BETWEEN %(first)s AND %(last)s AND (dirty OR tz IS DISTINCT FROM %(tz)s))"
    )
    conn.execute(f"INSERT INTO report_fresh ({COLUMNS}) {summary_sql(dim, fresh)}", params)
    conn.execute("ANALYZE report_fresh")  # (a temporary table has no statistics of its own)


def _groups(conn: psycopg.Connection[Any], dim: Dim, columns: tuple[str, ...], params: dict[str, Any]) -> dict[tuple[Any, ...], _Found]:
    """Each group's sums, ratings and 90th-percentile wait, by the group's ``columns``."""
    keys = ", ".join(columns)
    group_by = f"GROUP BY {keys}" if columns else ""
    width = len(columns)
    found: dict[tuple[Any, ...], _Found] = {}
    prefix = keys + ", " if keys else ""
    for row in conn.execute(f"SELECT {prefix}count(*), {_SUMS} FROM {_rows(dim)} d {group_by}", params):
        key, (rows, *sums) = tuple(row[:width]), [int(v or 0) for v in row[width:]]
        if rows:  # (a total of no row at all is one row of nothing)
            found[key] = _Found(sums)
    for row in conn.execute(
        f"SELECT {prefix}s, sum(n) FROM {_rows(dim)} d,"
        f" unnest(d.rating_scores, d.rating_counts) AS u(s, n) GROUP BY {prefix}s",
        params,
    ):
        found[tuple(row[:width])].ratings[int(row[width])] = int(row[width + 1])
    _find_p90(conn, dim, columns, params, found)
    return found


def _find_p90(conn: psycopg.Connection[Any], dim: Dim, columns: tuple[str, ...], params: dict[str, Any], found: dict[tuple[Any, ...], _Found]) -> None:
    """Each group's nearest-rank 90th-percentile wait, exactly: the ladder's counts say which
    step holds the rank; only the waits of that step are sorted."""
    wanted = {key: group.rank() for key, group in found.items() if group.wait_count}
    if not wanted:
        return
    keys = list(wanted)
    chosen = {f"g{i}": [key[i] for key in keys] for i in range(len(columns))}
    casts = {"site": "text", "key": "text", "day": "date"}
    unnested = ", ".join([*(f"%(g{i})s::{casts[c]}[]" for i, c in enumerate(columns)), "%(step)s::int[]", "%(wanted)s::int[]"])
    names = ", ".join([*columns, "step", "wanted"])
    joined = " AND ".join(f"d.{c} = g.{c}" for c in columns) or "true"
    picked = ", ".join(f"g.{c}" for c in columns)
    plain = ", ".join(columns)
    query = (
        f"SELECT {plain + ', ' if plain else ''}v FROM ("
        f" SELECT {picked + ', ' if picked else ''}g.wanted, v, row_number() OVER (PARTITION BY {picked or 'true'} ORDER BY v) AS n"
        f" FROM unnest({unnested}) AS g({names}) JOIN {_rows(dim)} d ON {joined},"
        " unnest(d.waits[d.wcum[g.step + 1] + 1 : d.wcum[g.step + 2]]) AS v"
        ") x WHERE n = wanted"
    )
    steps = [wanted[key] for key in keys]
    args = {**params, **chosen, "step": [s for s, _ in steps], "wanted": [r for _, r in steps]}
    width = len(columns)
    for row in conn.execute(query, args):
        found[tuple(row[:width])].p90 = int(row[width])


class _Found:
    """A group's sums as read: counts, wait and service sums; how many waits lie below
    each step of the ladder; arrivals by hour; ratings; its p90 wait once found."""

    def __init__(self, sums: list[int]) -> None:
        self.issued, *rest = sums
        self.states = dict(zip(STATES, rest[: len(STATES)], strict=True))
        self.wait_sum, self.wait_count, self.service_sum, self.service_count = rest[len(STATES) : len(STATES) + 4]
        self.below = tuple(rest[len(STATES) + 4 : len(STATES) + 4 + STEPS])  # below[i]: waits in steps 0..i
        self.hours = tuple(rest[len(STATES) + 4 + STEPS :])  # arrivals by hour of the day
        self.ratings: dict[int, int] = {}
        self.p90: int | None = None

    @classmethod
    def merged(cls, groups: Iterable[_Found]) -> _Found:
        """The sums of all these groups (their p90 is still to find)."""
        total = cls([0] * _WIDTH)
        for group in groups:
            total.issued += group.issued
            total.states = {state: total.states[state] + group.states[state] for state in STATES}
            total.wait_sum += group.wait_sum
            total.wait_count += group.wait_count
            total.service_sum += group.service_sum
            total.service_count += group.service_count
            total.below = tuple(a + b for a, b in zip(total.below, group.below, strict=True))
            total.hours = tuple(a + b for a, b in zip(total.hours, group.hours, strict=True))
            for score, count in group.ratings.items():
                total.ratings[score] = total.ratings.get(score, 0) + count
        return total

    def rank(self) -> tuple[int, int]:
        """The ladder's step holding the nearest-rank 90th percentile, and its rank there
        (from 1), as the sites' reports rank it (``waits[ceil(0.9 n) - 1]``)."""
        k = math.ceil(0.9 * self.wait_count)
        step = next(i for i, count in enumerate(self.below) if count >= k)
        return step, k - (self.below[step - 1] if step else 0)


def _site_and_key(by: By, key: tuple[Any, ...]) -> tuple[str | None, str | int | None]:
    if by is By.SITE:
        return key[0], None
    if by is By.DAY:
        return None, key[0].isoformat()
    site, value = key
    if value == "":
        return site, None
    return site, int(value) if by is By.COUNTER else value


def _figures(found: _Found, scale: Sequence[int]) -> Figures:
    return assemble(
        found.states,
        issued=found.issued,
        waits=(found.wait_sum, found.wait_count, found.p90),
        services=(found.service_sum, found.service_count),
        ratings={score: found.ratings.get(score, 0) for score in sorted(scale)} | found.ratings,
        scale=scale,
    )
