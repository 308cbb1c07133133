"""Reports across the country: a day's, week's or month's figures by province, site, field
or day, for the provinces a national manager sees, from the provinces' day summaries as
replicated (:mod:`national.replication`).

The rows are the provinces' own ``report_days`` (:mod:`central.summaries`), so a site's
figures here are its figures in its province, and a province's are its whole province's:
exact sums of whole microseconds and scores, the exact nearest-rank 90th-percentile wait found
through the summaries' ladder of waits, made into figures by the sites' own function
(:func:`queue_server.store.reports.assemble`). A site is ``(province, site)``: two provinces
may each have a ``phuong-1``. Ratings are on each site's own scale (its newest configuration
snapshot), and a total across scales places each rating on 0–100 of its own site's scale, as
the province does. Only closed, summed days cross to the nation: today is the provinces'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import psycopg

from central.summaries import STATES, STEPS, Dim
from queue_server.core import admin_map
from queue_server.store.reports import Figures, assemble, check_range

DEFAULT_SCALE = (1, 2, 3, 4)


class By(enum.StrEnum):
    PROVINCE = "province"
    SITE = "site"
    FIELD = "field"
    DAY = "day"


_GROUPS = {
    By.PROVINCE: (Dim.SITE, ("province",)),
    By.SITE: (Dim.SITE, ("province", "site")),
    By.FIELD: (Dim.SERVICE, ("key",)),
    By.DAY: (Dim.SITE, ("day",)),
}
_CASTS = {"province": "text", "site": "text", "key": "text", "day": "date"}
_SUMS = (
    "sum(issued), " + ", ".join(f"sum({state})" for state in STATES)
    + ", sum(wait_sum), sum(wait_count), sum(service_sum), sum(service_count), "
    + ", ".join(f"sum(wcum[{i}])" for i in range(2, STEPS + 2)) + ", "
    + ", ".join(f"sum(hours[{hour}])" for hour in range(1, 25))
)
_WIDTH = 1 + len(STATES) + 4 + STEPS + 24

SiteKey = tuple[str, str]  # (province, site)


@dataclasses.dataclass(frozen=True)
class Row:
    key: tuple[Any, ...]  # (province,), (province, site), (field code,) or (ISO day,)
    figures: Figures
    sites: int  # how many sites the row's figures come from


@dataclasses.dataclass(frozen=True)
class NationalReport:
    first: dt.date
    last: dt.date
    by: By
    provinces: tuple[str, ...]
    total: Figures
    rows: tuple[Row, ...]
    arrivals_by_hour: tuple[int, ...]


def build(
    conn: psycopg.Connection[Any], provinces: Sequence[str], first: dt.date, last: dt.date, by: By
) -> NationalReport:
    """The figures of ``provinces`` over ``first`` … ``last``, all read in one snapshot.
    Raises :class:`queue_server.store.reports.ReportRangeError` for a bad span."""
    check_range(first, last)
    dim, columns = _GROUPS[by]
    params = {"provinces": list(provinces), "first": first, "last": last, "dim": dim.value}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        scales = site_scales(conn, provinces)
        groups = _groups(conn, columns, params)
        total = _Found.merged(groups.values())
        _find_p90(conn, (), params, {(): total})
    rows = [Row(_shown(key), _figures(found, scales), len(found.sites)) for key, found in groups.items()]
    rows.sort(key=lambda r: tuple(str(k) for k in r.key))
    return NationalReport(first, last, by, tuple(provinces), _figures(total, scales), tuple(rows), total.hours)


_ROWS = "(SELECT * FROM report_days WHERE province = ANY(%(provinces)s) AND day BETWEEN %(first)s AND %(last)s AND dim = %(dim)s)"


def site_scales(conn: psycopg.Connection[Any], provinces: Sequence[str]) -> dict[SiteKey, tuple[int, ...]]:
    """Each site's rating scale, from its newest configuration snapshot that has one."""
    rows = conn.execute(
        "SELECT DISTINCT ON (province, site) province, site, config->'rating_scale' FROM site_configs"
        " WHERE province = ANY(%s) AND jsonb_array_length(coalesce(config->'rating_scale', '[]')) > 0"
        " ORDER BY province, site, taken_at DESC",
        [list(provinces)],
    )
    return {(province, site): tuple(sorted(int(level["score"]) for level in levels)) for province, site, levels in rows}


def _groups(conn: psycopg.Connection[Any], columns: tuple[str, ...], params: dict[str, Any]) -> dict[tuple[Any, ...], _Found]:
    keys = ", ".join(columns)
    width = len(columns)
    found: dict[tuple[Any, ...], _Found] = {}
    for row in conn.execute(f"SELECT {keys}, count(*), {_SUMS} FROM {_ROWS} d GROUP BY {keys}", params):
        key, (rows, *sums) = tuple(row[:width]), [int(v or 0) for v in row[width:]]
        if rows:
            found[key] = _Found(sums)
    # each group's sites and their ratings by score, in one reading (a site without ratings: one
    # row of NULLs)
    for row in conn.execute(
        f"SELECT {keys}, province, site, s, sum(n) FROM {_ROWS} d"
        f" LEFT JOIN LATERAL unnest(d.rating_scores, d.rating_counts) AS u(s, n) ON true GROUP BY {keys}, province, site, s",
        params,
    ):
        province, site, score, count = row[width:]
        group = found[tuple(row[:width])]
        group.sites.add((province, site))
        if score is not None:
            group.ratings.setdefault((province, site), {})[int(score)] = int(count)
    _find_p90(conn, columns, params, found)
    return found


def _find_p90(conn: psycopg.Connection[Any], columns: tuple[str, ...], params: dict[str, Any], found: dict[tuple[Any, ...], _Found]) -> None:
    """Each group's nearest-rank 90th-percentile wait, exactly: the ladder's counts say which
    step holds the rank; only the waits of that step are sorted."""
    wanted = {key: group.rank() for key, group in found.items() if group.wait_count}
    if not wanted:
        return
    keys = list(wanted)
    chosen = {f"g{i}": [key[i] for key in keys] for i in range(len(columns))}
    unnested = ", ".join([*(f"%(g{i})s::{_CASTS[c]}[]" for i, c in enumerate(columns)), "%(step)s::int[]", "%(wanted)s::int[]"])
    names = ", ".join([*columns, "step", "wanted"])
    joined = " AND ".join(f"d.{c} = g.{c}" for c in columns) or "true"
    picked = ", ".join(f"g.{c}" for c in columns)
    plain = ", ".join(columns)
    query = (
        f"SELECT {plain + ', ' if plain else ''}v FROM ("
        f" SELECT {picked + ', ' if picked else ''}g.wanted, v, row_number() OVER (PARTITION BY {picked or 'true'} ORDER BY v) AS n"
        f" FROM unnest({unnested}) AS g({names}) JOIN {_ROWS} d ON {joined},"
        " unnest(d.waits[d.wcum[g.step + 1] + 1 : d.wcum[g.step + 2]]) AS v"
        ") x WHERE n = wanted"
    )
    steps = [wanted[key] for key in keys]
    args = {**params, **chosen, "step": [s for s, _ in steps], "wanted": [r for _, r in steps]}
    width = len(columns)
    for row in conn.execute(query, args):
        found[tuple(row[:width])].p90 = int(row[width])


class _Found:
    """A group's sums as read; its sites; ratings by site (site → score → count); its p90."""

    def __init__(self, sums: list[int]) -> None:
        self.issued, *rest = sums
        self.states = dict(zip(STATES, rest[: len(STATES)], strict=True))
        self.wait_sum, self.wait_count, self.service_sum, self.service_count = rest[len(STATES) : len(STATES) + 4]
        self.below = tuple(rest[len(STATES) + 4 : len(STATES) + 4 + STEPS])
        self.hours = tuple(rest[len(STATES) + 4 + STEPS :])
        self.sites: set[SiteKey] = set()
        self.ratings: dict[SiteKey, dict[int, int]] = {}
        self.p90: int | None = None

    @classmethod
    def merged(cls, groups: Iterable[_Found]) -> _Found:
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
            total.sites |= group.sites
            for site, ratings in group.ratings.items():
                mine = total.ratings.setdefault(site, {})
                for score, count in ratings.items():
                    mine[score] = mine.get(score, 0) + count
        return total

    def rank(self) -> tuple[int, int]:
        k = math.ceil(0.9 * self.wait_count)
        step = next(i for i, count in enumerate(self.below) if count >= k)
        return step, k - (self.below[step - 1] if step else 0)


def _shown(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(k.isoformat() if isinstance(k, dt.date) else k for k in key)


def _figures(found: _Found, scales: Mapping[SiteKey, tuple[int, ...]]) -> Figures:
    """The figures by the sites' own function: on the sites' one scale when they share one;
    across scales, each rating placed on 0–100 on its own site's scale, no average score."""
    ratings: dict[int, int] = {}
    for by_score in found.ratings.values():
        for score, count in by_score.items():
            ratings[score] = ratings.get(score, 0) + count
    used = {scales.get(site, DEFAULT_SCALE) for site in found.sites | set(found.ratings)}
    scale = next(iter(used)) if len(used) == 1 else DEFAULT_SCALE
    figures = assemble(
        found.states,
        issued=found.issued,
        waits=(found.wait_sum, found.wait_count, found.p90),
        services=(found.service_sum, found.service_count),
        ratings={score: 0 for score in scale} | dict(sorted(ratings.items())),
        scale=scale,
    )
    if len(used) <= 1:
        return figures
    points, count = Fraction(0), 0
    for site, by_score in found.ratings.items():
        low, high = min(scales.get(site, DEFAULT_SCALE)), max(scales.get(site, DEFAULT_SCALE))
        for score, n in by_score.items():
            count += n
            if high > low:
                points += Fraction(100 * (score - low) * n, high - low)
    return dataclasses.replace(figures, average_rating=None, satisfaction_index=round(float(points / count), 1) if count else None)


def sites(conn: psycopg.Connection[Any], provinces: Sequence[str]) -> list[dict[str, Any]]:
    """Every site of ``provinces`` the nation has heard of: province, site, name, its ward or
    commune named from the 2025 map (``unit``, by its ``ward_code``), fields, scale."""
    rows = conn.execute(
        "SELECT DISTINCT ON (province, site) province, site, config FROM site_configs"
        " WHERE province = ANY(%s) ORDER BY province, site, taken_at DESC",
        [list(provinces)],
    ).fetchall()
    named = {(p, s): c for p, s, c in rows}
    for p, s in conn.execute(
        "SELECT DISTINCT province, site FROM report_days WHERE province = ANY(%s) AND dim = 'site'", [list(provinces)]
    ):
        named.setdefault((p, s), {})
    return [
        {
            "province": p,
            "site": s,
            "name": str(config.get("name", s)),
            "unit": admin_map.unit_name(config.get("ward_code")),
            "fields": {str(f["code"]): str(f.get("name_vi", f["code"])) for f in config.get("services", [])},
            "rating_scale": [{"score": r["score"], "name_vi": r["name_vi"]} for r in config.get("rating_scale", [])],
        }
        for (p, s), config in sorted(named.items())
    ]
