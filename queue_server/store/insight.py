"""The figures a director takes to the province: service level, visits and transactions,
no-show and recall rates, satisfaction — per field, counter, officer, unit, hour or day.

    insight = build_insight(db, first, last, InsightGrouping.UNIT, tz, targets, units, scale)
    insight.total.service_level_percent, insight.rows[0].quality.satisfaction_index

From the ``tickets`` table (the final state of each ticket; a transfer is two rows sharing
the ticket's code: the closed half, state ``transferred``, and the new half):

- *visits*: citizens who came, however many fields they went through: one per ticket but the
  new half of a transfer and but a return visit, counted in the row of the citizen's first
  ticket (where they arrived), so the rows add up to the total;
- *return visits*: citizens back with the papers a counter marked missing ("cần bổ sung"):
  the tickets a re-entry code gave (priority ``return-visit``), but the new half of a transfer;
  visits + return visits = the reports' *issued*, row by row;
- *transactions*: services delivered at a counter: tickets that ended ``done`` or
  ``transferred`` (a citizen served in Hộ tịch then transferred to Đất đai makes two);
- *called*: the tickets called, but the closed half of a transfer (the same tickets as the
  reports' waits) and but return visits (not a new citizen waiting against the target); *within target*: those whose wait, arrival to call, is at most their
  field's ``target_wait_minutes``; *service level* = within target / called × 100;
- *outcomes*: tickets whose call ended at a counter (done, no-show or transferred);
  *no-show rate* = no-shows / outcomes × 100; *recall rate* = outcomes recalled at least once
  / outcomes × 100;
- ratings and the *satisfaction index* as :func:`queue_server.store.reports.figures` counts them.

Grouping by *unit* puts each ticket in its field's agency; by *hour*, in the local hour its
citizen arrived: the issue time of their first ticket (both halves of a transfer go to that
hour), the hour the reports' arrivals per hour, the heat map and the forecast count them in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

from queue_server.store.officer_time import OfficerDay, officer_days
from queue_server.store.reports import check_range, figures

_COLUMNS = (
    "id, day, code, state, service, counter, officer, issued_at, arrival_at, called_at, served_at, done_at,"
    " recalls, rating, transferred_from, priority"
)
RETURN_VISIT = "return-visit"  # queue_server.core.reentries.RETURN_VISIT's code


class InsightGrouping(enum.StrEnum):
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    UNIT = "unit"
    HOUR = "hour"
    DAY = "day"


@dataclasses.dataclass(frozen=True)
class Quality:
    visits: int
    return_visits: int
    transactions: int
    called: int
    within_target: int
    service_level_percent: float | None
    outcomes: int
    no_show: int
    no_show_rate: float | None
    recalled: int
    recall_rate: float | None
    ratings: Mapping[int, int]  # score → count, every score of the scale present
    rating_count: int
    satisfaction_index: float | None

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["ratings"] = {str(score): count for score, count in self.ratings.items()}
        return values


@dataclasses.dataclass(frozen=True)
class InsightRow:
    key: str | int | None  # service code, counter, officer, unit name, local hour or ISO day
    quality: Quality


@dataclasses.dataclass(frozen=True)
class Insight:
    first: dt.date
    last: dt.date
    by: InsightGrouping
    total: Quality
    rows: tuple[InsightRow, ...]
    officer_days: tuple[OfficerDay, ...]


def build_insight(
    db: sqlite_utils.Database,
    first: dt.date,
    last: dt.date,
    by: InsightGrouping,
    tz: ZoneInfo,
    targets: Mapping[str, int],
    units: Mapping[str, str],
    scale: Sequence[int] = (1, 2, 3, 4),
    until: dt.datetime | None = None,
) -> Insight:
    """The figures of the days ``first``..``last`` (raises ReportRangeError).

    ``targets``: each field's target wait in minutes; ``units``: each field's agency (a field
    missing from it is reported under its own code). ``until``: the officer time of a day
    still going ends now rather than at midnight.
    """
    check_range(first, last)
    rows = list(
        db.query(
            f"SELECT {_COLUMNS} FROM tickets WHERE day BETWEEN ? AND ? ORDER BY id",
            [first.isoformat(), last.isoformat()],
        )
    )
    first_issued = _first_issued(rows)
    groups: dict[str | int | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(_key(row, by, tz, units, first_issued), []).append(row)
    ordered = sorted(groups, key=lambda key: (key is None, str(type(key)), key if key is not None else 0))
    return Insight(
        first=first,
        last=last,
        by=by,
        total=quality(rows, targets, scale),
        rows=tuple(InsightRow(key, quality(groups[key], targets, scale)) for key in ordered),
        officer_days=officer_days(db, first, last, tz, rows, until),
    )


def _first_issued(rows: Sequence[Mapping[str, Any]]) -> dict[int, str]:
    """Each ticket's citizen's arrival: the issue time of the first ticket of its chain of
    transfers (a transfer stays within its day, so the chain is within the rows)."""
    by_id = {row["id"]: row for row in rows}
    found: dict[int, str] = {}
    for row in rows:
        first = row
        while first["transferred_from"] in by_id:
            first = by_id[first["transferred_from"]]
        found[row["id"]] = first["issued_at"]
    return found


def _key(
    row: Mapping[str, Any], by: InsightGrouping, tz: ZoneInfo, units: Mapping[str, str], first_issued: Mapping[int, str]
) -> str | int | None:
    if by is InsightGrouping.UNIT:
        return units.get(row["service"], row["service"])
    if by is InsightGrouping.HOUR:
        return dt.datetime.fromisoformat(first_issued[row["id"]]).astimezone(tz).hour
    return row[by.value]


def quality(rows: Iterable[Mapping[str, Any]], targets: Mapping[str, int], scale: Sequence[int]) -> Quality:
    rows = list(rows)
    called = [
        r
        for r in rows
        if r["called_at"] and r["state"] != "transferred" and r["service"] in targets and r.get("priority") != RETURN_VISIT
    ]
    within = sum(1 for r in called if _wait_seconds(r) <= targets[r["service"]] * 60)
    outcomes = [r for r in rows if r["called_at"] and r["state"] in ("done", "no_show", "transferred")]
    no_show = sum(1 for r in outcomes if r["state"] == "no_show")
    recalled = sum(1 for r in outcomes if r["recalls"])
    rated = figures(rows, scale)
    return Quality(
        visits=sum(1 for r in rows if r["transferred_from"] is None and r.get("priority") != RETURN_VISIT),
        return_visits=sum(1 for r in rows if r["transferred_from"] is None and r.get("priority") == RETURN_VISIT),
        transactions=sum(1 for r in rows if r["state"] in ("done", "transferred")),
        called=len(called),
        within_target=within,
        service_level_percent=percent(within, len(called)),
        outcomes=len(outcomes),
        no_show=no_show,
        no_show_rate=percent(no_show, len(outcomes)),
        recalled=recalled,
        recall_rate=percent(recalled, len(outcomes)),
        ratings=rated.ratings,
        rating_count=rated.rating_count,
        satisfaction_index=rated.satisfaction_index,
    )


def percent(part: int, whole: int) -> float | None:
    return round(part / whole * 100, 1) if whole else None


def _wait_seconds(row: Mapping[str, Any]) -> float:
    return (dt.datetime.fromisoformat(row["called_at"]) - dt.datetime.fromisoformat(row["arrival_at"])).total_seconds()
