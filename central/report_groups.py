"""A report's groups read from the day summaries (``report_days``, :mod:`central.summaries`),
shared by the province's reports (``province/reports.py``: its sites' own rows) and the
nation's (``national/reports.py``: the provinces' rows as replicated).

Each app says which rows it reads (an SQL source with ``report_days``' columns, ``d`` in the
queries), which columns tell its groups apart (``("site", "key")``, ``("province",)``, …) and
which name a site (``("site",)`` in a province, ``("province", "site")`` in the nation). What
it gets: each group's exact sums (whole microseconds, counts), arrivals by hour, the sites its
rows come from with their ratings by score, and its exact nearest-rank 90th-percentile wait
found through the summaries' ladder of waits (:func:`find_p90`) — and the ratings placed on one
scale (:meth:`Group.rated`): the sites' own scale when they share one; across scales (sites
rated 1–4 and 1–5 in one total) every rating placed on 0–100 on its own site's scale, the
satisfaction index their mean, no average score. The figures themselves are then made by the
sites' own function (``queue_server.store.reports.assemble``), which each app calls: central
imports neither app nor the site's store.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import psycopg

from central.summaries import LADDER, STATES, STEPS

SiteKey = tuple[Any, ...]  # the columns that name a site: (site,) or (province, site)

SUMS = (
    "sum(issued), " + ", ".join(f"sum({state})" for state in STATES)
    + ", sum(wait_sum), sum(wait_count), sum(service_sum), sum(service_count), "
    + ", ".join(f"sum(wcum[{i}])" for i in range(2, STEPS + 2)) + ", "
    + ", ".join(f"sum(hours[{hour}])" for hour in range(1, 25))
)
WIDTH = 1 + len(STATES) + 4 + STEPS + 24  # the sums of a group, as SUMS reads them
CASTS = {"province": "text", "site": "text", "key": "text", "day": "date"}  # a grouping column's type


@dataclasses.dataclass(frozen=True)
class Scales:
    """The rating scale of each site (its scores, lowest first); ``default`` for the others."""

    sites: Mapping[SiteKey, tuple[int, ...]]
    default: tuple[int, ...]

    def of(self, site: SiteKey) -> tuple[int, ...]:
        return self.sites.get(site, self.default)


def site_scales(
    conn: psycopg.Connection[Any], site_columns: Sequence[str], chosen_by: str, chosen: Sequence[str]
) -> dict[SiteKey, tuple[int, ...]]:
    """Each site's rating scale, from its newest configuration snapshot that has one, for the
    sites whose ``chosen_by`` column is one of ``chosen``."""
    named = ", ".join(site_columns)
    rows = conn.execute(
        f"SELECT DISTINCT ON ({named}) {named}, config->'rating_scale' FROM site_configs"
        f" WHERE {chosen_by} = ANY(%s) AND jsonb_array_length(coalesce(config->'rating_scale', '[]')) > 0"
        f" ORDER BY {named}, taken_at DESC",
        [list(chosen)],
    )
    return {tuple(row[:-1]): tuple(sorted(int(level["score"]) for level in row[-1])) for row in rows}


@dataclasses.dataclass(frozen=True)
class Rated:
    """A group's ratings on one scale: ``counts`` (every score of ``scale``, then the counted
    ones); ``mixed`` when its sites have several scales, then ``index`` their 0–100 mean."""

    scale: tuple[int, ...]
    counts: dict[int, int]
    mixed: bool = False
    index: float | None = None


class Group:
    """A group's sums as read: counts, wait and service sums; how many waits lie below each
    step of the ladder; arrivals by hour; its sites and their ratings (site → score → count);
    its p90 wait once found."""

    def __init__(self, sums: list[int]) -> None:
        self.issued, *rest = sums
        self.states = dict(zip(STATES, rest[: len(STATES)], strict=True))
        self.wait_sum, self.wait_count, self.service_sum, self.service_count = rest[len(STATES) : len(STATES) + 4]
        self.below = tuple(rest[len(STATES) + 4 : len(STATES) + 4 + STEPS])  # below[i]: waits in steps 0..i
        self.hours = tuple(rest[len(STATES) + 4 + STEPS :])  # arrivals by hour of the day
        self.sites: set[SiteKey] = set()
        self.ratings: dict[SiteKey, dict[int, int]] = {}
        self.p90: int | None = None

    @property
    def waits(self) -> tuple[int, int, int | None]:
        return self.wait_sum, self.wait_count, self.p90

    @property
    def services(self) -> tuple[int, int]:
        return self.service_sum, self.service_count

    @classmethod
    def merged(cls, groups: Iterable[Group]) -> Group:
        """The sums of all these groups (their p90 is still to find)."""
        groups = list(groups)
        total = cls([0] * WIDTH)
        if not groups:
            return total
        # each sum over all the groups at once (10,000 groups' tuples added pairwise took 0.2 s)
        total.issued = sum(group.issued for group in groups)
        total.states = {state: sum(group.states[state] for group in groups) for state in STATES}
        total.wait_sum = sum(group.wait_sum for group in groups)
        total.wait_count = sum(group.wait_count for group in groups)
        total.service_sum = sum(group.service_sum for group in groups)
        total.service_count = sum(group.service_count for group in groups)
        total.below = tuple(map(sum, zip(*(group.below for group in groups), strict=True)))
        total.hours = tuple(map(sum, zip(*(group.hours for group in groups), strict=True)))
        for group in groups:
            total.sites |= group.sites
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

    def rated(self, scales: Scales, sites: Iterable[SiteKey]) -> Rated:
        """The group's ratings on the one scale of ``sites`` and of the sites rated in it; on
        several, each rating placed on 0–100 on its own site's scale (exact: one fraction of
        whole numbers), the index their mean to one decimal."""
        counts: dict[int, int] = {}
        for by_score in self.ratings.values():
            for score, count in by_score.items():
                counts[score] = counts.get(score, 0) + count
        used = {scales.of(site) for site in (*sites, *self.ratings)}
        scale = next(iter(used)) if len(used) == 1 else scales.default
        counts = {score: 0 for score in scale} | dict(sorted(counts.items()))
        if len(used) <= 1:
            return Rated(scale, counts)
        # the points summed in whole numbers, one sum per scale's width (high - low): a Fraction a
        # rating cost 4.8 s of a country's report by day (30 groups × 3,355 sites)
        by_width: dict[int, int] = {}
        count = 0
        for site, by_score in self.ratings.items():
            own = scales.of(site)
            low, high = min(own), max(own)
            for score, n in by_score.items():
                count += n
                if high > low:
                    by_width[high - low] = by_width.get(high - low, 0) + 100 * (score - low) * n
        points = sum((Fraction(total, width) for width, total in by_width.items()), Fraction(0))
        return Rated(scale, counts, mixed=True, index=round(float(points / count), 1) if count else None)


def read_groups(
    conn: psycopg.Connection[Any],
    rows: str,
    columns: tuple[str, ...],
    site_columns: tuple[str, ...],
    params: Mapping[str, Any],
) -> dict[tuple[Any, ...], Group]:
    """Each group's sums, sites, ratings and 90th-percentile wait, by the group's ``columns``,
    from the summary ``rows``."""
    found: dict[tuple[Any, ...], Group] = {}
    keys = ", ".join(columns)
    group_by = f"GROUP BY {keys}" if columns else ""
    width = len(columns)
    prefix = keys + ", " if keys else ""
    for row in conn.execute(f"SELECT {prefix}count(*), {SUMS} FROM {rows} d {group_by}", params):
        key, (count, *sums) = tuple(row[:width]), [int(v or 0) for v in row[width:]]
        if count:  # (a total of no row at all is one row of nothing)
            found[key] = Group(sums)
    # each group's sites and their ratings by score, in one reading (a site without ratings: one
    # row of NULLs)
    named = ", ".join(f"d.{c}" for c in site_columns)
    for row in conn.execute(
        f"SELECT {prefix}{named}, s, sum(n) FROM {rows} d"
        f" LEFT JOIN LATERAL unnest(d.rating_scores, d.rating_counts) AS u(s, n) ON true GROUP BY {prefix}{named}, s",
        params,
    ):
        *site, score, count = row[width:]
        group = found[tuple(row[:width])]
        group.sites.add(tuple(site))
        if score is not None:
            group.ratings.setdefault(tuple(site), {})[int(score)] = int(count)
    find_p90(conn, rows, columns, params, found)
    return found


def read_whole(
    conn: psycopg.Connection[Any],
    rows: str,
    columns: tuple[str, ...],
    site_columns: tuple[str, ...],
    params: Mapping[str, Any],
    ladders: bool = True,
) -> dict[tuple[Any, ...], Group]:
    """The groups of ``rows`` that are each one row with its own ``p90`` (a month's rows,
    central/months.py): its figures as they are — no sum, no unnest — in one reading (a month's
    report by officer at 1,000 sites: 10,000 rows, 0.15 s of aggregating otherwise). Without
    ``ladders`` a group has no ladder and no arrivals by hour (``below``, ``hours`` empty): what
    only a total reads, left unread (it cannot be merged)."""
    width, named = len(columns), len(site_columns)
    arrays = "wcum, hours" if ladders else "'{}'::int[], '{}'::int[]"
    found: dict[tuple[Any, ...], Group] = {}
    for row in conn.execute(
        f"SELECT {', '.join([*columns, *site_columns])}, issued, {', '.join(STATES)}, wait_sum, wait_count,"
        f" service_sum, service_count, {arrays}, rating_scores, rating_counts, p90 FROM {rows} d",
        params,
    ).fetchall():
        key, site = tuple(row[:width]), tuple(row[width : width + named])
        *sums, wcum, hours, scores, counts, p90 = row[width + named :]
        group = Group([*sums, *wcum[1:], *hours])  # wcum[1:]: the waits below each step (SUMS' wcum[2..])
        group.sites.add(site)
        if scores:
            group.ratings[site] = dict(zip(scores, counts, strict=True))
        group.p90 = p90
        found[key] = group
    return found


def find_p90(
    conn: psycopg.Connection[Any], rows: str, columns: tuple[str, ...], params: Mapping[str, Any], found: dict[tuple[Any, ...], Group]
) -> None:
    """Each group's nearest-rank 90th-percentile wait (those not found yet), exactly: the
    ladder's counts say which step holds the rank; only the waits of that step are sorted."""
    wanted = {key: group.rank() for key, group in found.items() if group.wait_count and group.p90 is None}
    if not wanted:
        return
    keys = list(wanted)
    chosen = {f"g{i}": [key[i] for key in keys] for i in range(len(columns))}
    unnested = ", ".join([*(f"%(g{i})s::{CASTS[c]}[]" for i, c in enumerate(columns)), "%(step)s::int[]", "%(wanted)s::int[]"])
    names = ", ".join([*columns, "step", "wanted"])
    joined = " AND ".join(f"d.{c} = g.{c}" for c in columns) or "true"
    picked = ", ".join(f"g.{c}" for c in columns)
    plain = ", ".join(columns)
    query = (
        f"SELECT {plain + ', ' if plain else ''}v FROM ("
        f" SELECT {picked + ', ' if picked else ''}g.wanted, v, row_number() OVER (PARTITION BY {picked or 'true'} ORDER BY v) AS n"
        f" FROM unnest({unnested}) AS g({names}) JOIN {rows} d ON {joined},"
        " unnest(d.waits[d.wcum[g.step + 1] + 1 : d.wcum[g.step + 2]]) AS v"
        ") x WHERE n = wanted"
    )
    steps = [wanted[key] for key in keys]
    args = {**params, **chosen, "step": [s for s, _ in steps], "wanted": [r for _, r in steps]}
    width = len(columns)
    for row in conn.execute(query, args):
        found[tuple(row[:width])].p90 = int(row[width])


SPLITS = 256  # a total's p90: its step's range cut in this many parts, counted without sorting


def select_p90(conn: psycopg.Connection[Any], slices: str, params: Mapping[str, Any], group: Group) -> None:
    """The nearest-rank p90 of a group too large to sort, exactly: ``slices`` is an SQL source
    of sorted arrays (``vals``) holding between them every wait of the step holding the
    group's rank (:meth:`Group.rank`, ``%(step)s`` in it). How many are at most each of
    :data:`SPLITS` values across the step is counted without sorting; only the part holding
    the rank is sorted. Few long arrays (a month's waits of a step, a site each) are each read
    once and searched for every cut (``width_bucket(x, sorted)``: how many are ≤ x, a binary
    search); many short ones (the days' slices) are unnested, each wait placed among the cuts."""
    if not group.wait_count:
        return
    step, wanted = group.rank()
    low = LADDER[step - 1] if step else 0
    high = LADDER[step] if step < len(LADDER) else max(LADDER[-1] * 64, low + 1)
    cuts = sorted({low - 1 + -(-(high - low) * i // SPLITS) for i in range(1, SPLITS + 1)} | {2**62})
    rows = conn.execute(
        f"CREATE TEMP TABLE step_waits ON COMMIT DROP AS SELECT vals FROM {slices} s WHERE cardinality(vals) > 0",
        {**params, "step": step},
    ).rowcount
    values = group.below[step] - (group.below[step - 1] if step else 0)
    if rows * len(cuts) <= 4 * values:
        (counts,) = conn.execute(  # (a slice, OFFSET 0: each array decompressed once a row, not once a cut)
            "SELECT ARRAY(SELECT sum(width_bucket(c, d.v))::bigint FROM step_waits s,"
            " LATERAL (SELECT s.vals[1:cardinality(s.vals)] AS v OFFSET 0) d, unnest(%(cuts)s::bigint[]) WITH ORDINALITY u(c, i) GROUP BY i ORDER BY i)",
            {"cuts": cuts},
        ).fetchone()  # type: ignore[misc]
    else:
        parts = dict(conn.execute(  # a wait's part: how many cuts are below it
            "SELECT width_bucket(v, %(above)s::bigint[]), count(*) FROM step_waits, unnest(vals) v GROUP BY 1",
            {"above": [cut + 1 for cut in cuts]},
        ).fetchall())
        counts = list(itertools.accumulate(int(parts.get(i, 0)) for i in range(len(cuts))))
    part = next(i for i, count in enumerate(counts) if count >= wanted)
    below, start = (counts[part - 1], cuts[part - 1]) if part else (0, low - 1)
    (value,) = conn.execute(
        "SELECT v FROM step_waits, unnest(vals[width_bucket(%(start)s, vals) + 1 : width_bucket(%(end)s, vals)]) AS v"
        " ORDER BY v OFFSET %(skip)s LIMIT 1",
        {"start": start, "end": cuts[part], "skip": wanted - below - 1},
    ).fetchone()  # type: ignore[misc]
    conn.execute("DROP TABLE step_waits")
    group.p90 = int(value)
