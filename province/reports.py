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
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
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
    yet is summed from its tickets here, the same way), all read in one snapshot. Ratings are
    on each site's own scale (its newest configuration snapshot; ``scale`` for a site that sent
    none). Raises :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    dim, columns = _GROUPS[by]
    params = {**parameters(tz), "sites": list(sites), "first": first, "last": last}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        scales = Scales(_site_scales(conn, sites), tuple(sorted(scale)))
        _sum_fresh_days(conn, dim, params)
        groups = _groups(conn, dim, columns, params)
        total = _Found.merged(groups.values())  # a grouping's rows hold every ticket between them
        _find_p90(conn, dim, (), params, {(): total})
    rows = []
    for key, found in groups.items():
        site, value = _site_and_key(by, key)
        rows.append(Row(site, value, _figures(found, scales, (site,) if site else sites)))
    rows.sort(key=lambda r: (r.site or "", r.key is None, str(r.key)))
    return ProvinceReport(first, last, by, tuple(sites), _figures(total, scales, sites), tuple(rows), total.hours)


@dataclasses.dataclass(frozen=True)
class Scales:
    """The rating scale of each site (its scores, lowest first); ``default`` for the others."""

    sites: Mapping[str, tuple[int, ...]]
    default: tuple[int, ...]

    def of(self, site: str) -> tuple[int, ...]:
        return self.sites.get(site, self.default)


def _site_scales(conn: psycopg.Connection[Any], sites: Sequence[str]) -> dict[str, tuple[int, ...]]:
    """Each site's rating scale, from its newest configuration snapshot that has one."""
    rows = conn.execute(
        "SELECT DISTINCT ON (site) site, config->'rating_scale' FROM site_configs"
        " WHERE site = ANY(%s) AND jsonb_array_length(coalesce(config->'rating_scale', '[]')) > 0"
        " ORDER BY site, taken_at DESC",
        [list(sites)],
    )
    return {site: tuple(sorted(int(level["score"]) for level in levels)) for site, levels in rows}


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
        f"SELECT {prefix}d.site, s, sum(n) FROM {_rows(dim)} d,"
        f" unnest(d.rating_scores, d.rating_counts) AS u(s, n) GROUP BY {prefix}d.site, s",
        params,
    ):
        site, score, count = row[width:]
        found[tuple(row[:width])].ratings.setdefault(site, {})[int(score)] = int(count)
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
    each step of the ladder; arrivals by hour; ratings by site (site → score → count); its p90
    wait once found."""

    def __init__(self, sums: list[int]) -> None:
        self.issued, *rest = sums
        self.states = dict(zip(STATES, rest[: len(STATES)], strict=True))
        self.wait_sum, self.wait_count, self.service_sum, self.service_count = rest[len(STATES) : len(STATES) + 4]
        self.below = tuple(rest[len(STATES) + 4 : len(STATES) + 4 + STEPS])  # below[i]: waits in steps 0..i
        self.hours = tuple(rest[len(STATES) + 4 + STEPS :])  # arrivals by hour of the day
        self.ratings: dict[str, dict[int, int]] = {}
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
            for site, ratings in group.ratings.items():
                mine = total.ratings.setdefault(site, {})
                for score, count in ratings.items():
                    mine[score] = mine.get(score, 0) + count
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


def _figures(found: _Found, scales: Scales, sites: Sequence[str]) -> Figures:
    """The figures by the sites' own function. The group's ``sites`` on one rating scale: its
    figures on that scale, as each site's own report makes them. On several scales (sites
    rated 1–4 and 1–5 in one total): every rating placed on 0–100 on its own site's scale
    (lowest 0, highest 100), the satisfaction index their mean over all ratings; the counts
    by score added up; no average score, as scores of different scales are not one measure."""
    ratings: dict[int, int] = {}
    for by_score in found.ratings.values():
        for score, count in by_score.items():
            ratings[score] = ratings.get(score, 0) + count
    used = {scales.of(site) for site in (*sites, *found.ratings)}
    scale = next(iter(used)) if len(used) == 1 else scales.default
    figures = assemble(
        found.states,
        issued=found.issued,
        waits=(found.wait_sum, found.wait_count, found.p90),
        services=(found.service_sum, found.service_count),
        ratings={score: 0 for score in scale} | dict(sorted(ratings.items())),
        scale=scale,
    )
    if len(used) == 1:
        return figures
    return dataclasses.replace(figures, average_rating=None, satisfaction_index=_mixed_index(found.ratings, scales))


def _mixed_index(ratings: Mapping[str, Mapping[int, int]], scales: Scales) -> float | None:
    """The mean of the ratings each placed on 0–100 on its own site's scale, to one decimal
    (exact: the sum is one fraction of whole numbers)."""
    points, count = Fraction(0), 0
    for site, by_score in ratings.items():
        low, high = min(scales.of(site)), max(scales.of(site))
        for score, n in by_score.items():
            count += n
            if high > low:
                points += Fraction(100 * (score - low) * n, high - low)
    return round(float(points / count), 1) if count else None
