"""Reports across the country: a day's, week's or month's figures by province, site, field
or day, for the provinces a national manager sees, from the provinces' day summaries as
replicated (:mod:`national.replication`).

The rows are the provinces' own ``report_days`` (:mod:`central.summaries`), so a site's
figures here are its figures in its province, and a province's are its whole province's:
exact sums of whole microseconds and scores, the exact nearest-rank 90th-percentile wait found
through the summaries' ladder of waits (the groups read by :mod:`central.report_groups`, as the
province's are), made into figures by the sites' own function
(:func:`queue_server.store.reports.assemble`). A site is ``(province, site)``: two provinces
may each have a ``phuong-1``. Ratings are on each site's own scale (its newest configuration
snapshot), and a total across scales places each rating on 0–100 of its own site's scale, as
the province does. Only closed, summed days cross to the nation: today is the provinces'.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

import psycopg

from central.report_groups import Group, Scales, find_p90, read_groups, site_scales
from central.summaries import Dim
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
_SITE = ("province", "site")  # a site of the nation: two provinces may each have a phuong-1


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
        scales = Scales(site_scales(conn, _SITE, "province", provinces), DEFAULT_SCALE)
        groups = read_groups(conn, _ROWS, columns, _SITE, params)
        total = Group.merged(groups.values())
        find_p90(conn, _ROWS, (), params, {(): total})
    rows = [Row(_shown(key), _figures(found, scales), len(found.sites)) for key, found in groups.items()]
    rows.sort(key=lambda r: tuple(str(k) for k in r.key))
    return NationalReport(first, last, by, tuple(provinces), _figures(total, scales), tuple(rows), total.hours)


_ROWS = "(SELECT * FROM report_days WHERE province = ANY(%(provinces)s) AND day BETWEEN %(first)s AND %(last)s AND dim = %(dim)s)"


def _shown(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(k.isoformat() if isinstance(k, dt.date) else k for k in key)


def _figures(group: Group, scales: Scales) -> Figures:
    """The figures by the sites' own function: on the sites' one scale when they share one;
    across scales, each rating placed on 0–100 on its own site's scale, no average score."""
    rated = group.rated(scales, group.sites)
    figures = assemble(group.states, issued=group.issued, waits=group.waits, services=group.services, ratings=rated.counts, scale=rated.scale)
    return dataclasses.replace(figures, average_rating=None, satisfaction_index=rated.index) if rated.mixed else figures


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
