"""Report queries: a period's figures in total and per field, counter, officer or day.

    first, last = period_bounds(Period.WEEK, dt.date(2026, 11, 25))   # Mon 23 … Sun 29
    report = build_report(db, first, last, Grouping.SERVICE, tz, scale=(1, 2, 3, 4))
    report.total.served, report.rows[0].figures.p90_wait_minutes, report.arrivals_by_hour[9]

The figures come from the ``tickets`` table, which the writer keeps from the log in the same
transaction as the events. They count as ``stats.summary`` does:

- *issued*: the numbers given in the row: every ticket but the new half of a transfer (a field's
  row counts the numbers printed for it, those it later transferred away included); in the
  total, the citizens who came (a transferred citizen keeps their number: one arrival);
- *transferred in*: the new halves of transfers, the tickets a row took over from another;
- each row balances: issued + transferred in = served + no-show + cancelled + transferred
  (away) + waiting + at a counter (called or being served, not finished yet);
- *wait*: from arrival to the call, for every called ticket but the closed half of a transfer;
  the 90th percentile is the nearest rank (the smallest wait ≥ 90 % of waits);
- *service time*: from the start of service (or the call) to completion, for completed tickets;
- *satisfaction index*: the mean score placed on 0–100 between the lowest and highest score of
  the scale (1→0, 2→33.3, 3→66.7, 4→100 on the default scale);
- averages are taken of whole microseconds and whole scores (one division at the end), so the
  province's reports, summed in PostgreSQL, give a site's figures to the last digit;
- *ratings with a dossier* (the site's own, not summed by the province yet): of the row's rated
  tickets, those whose visit the officer linked to a dossier's code, and their share of the
  ratings: what reaches the procedures system's per-dossier evaluations;
- *arrivals per hour*: the issued tickets (a citizen arrives once, with their first ticket) by
  the local hour that ticket was issued.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlite_utils

MAX_DAYS = 366




class Grouping(enum.StrEnum):
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"
    DAY = "day"


class ReportRangeError(ValueError):
    """The days asked for are backwards or span more than a year."""


@dataclasses.dataclass(frozen=True)
class Figures:
    issued: int  # numbers given: every ticket but the new half of a transfer
    transferred_in: int  # new halves of transfers: taken over from another row
    served: int
    no_show: int
    cancelled: int
    transferred: int  # closed halves of transfers: sent on to another field or counter
    waiting: int
    at_counter: int  # called or being served, not finished
    average_wait_minutes: float | None
    p90_wait_minutes: float | None
    average_service_minutes: float | None
    ratings: Mapping[int, int]  # score → count, every score of the scale present
    rating_count: int
    average_rating: float | None
    satisfaction_index: float | None  # 0–100

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["ratings"] = {str(score): count for score, count in self.ratings.items()}
        return values


@dataclasses.dataclass(frozen=True)
class DossierShare:
    """A row's ratings and those of them whose visit is linked to a dossier (docs/web.md,
    "The reports' counts")."""

    ratings: int
    linked: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.linked / self.ratings, 1) if self.ratings else None

    def as_dict(self) -> dict[str, Any]:
        return {"dossier_ratings": self.linked, "dossier_ratings_percent": self.percent}


NO_RATINGS = DossierShare(0, 0)


@dataclasses.dataclass(frozen=True)
class ReportRow:
    key: str | int | None  # a service code, counter number, officer user or ISO day; None: not called
    figures: Figures
    dossiers: DossierShare = NO_RATINGS


@dataclasses.dataclass(frozen=True)
class Report:
    first: dt.date
    last: dt.date
    by: Grouping
    total: Figures
    rows: tuple[ReportRow, ...]
    arrivals_by_hour: tuple[int, ...]  # 24 counts, local hours
    total_dossiers: DossierShare = NO_RATINGS


def check_range(first: dt.date, last: dt.date) -> None:
    if last < first:
        raise ReportRangeError(f"the last day {last} is before the first {first}")
    if (last - first).days >= MAX_DAYS:
        raise ReportRangeError(f"a report covers at most {MAX_DAYS} days")


_COLUMNS = (
    "id, day, state, service, counter, officer, issued_at, arrival_at, called_at, served_at, done_at, rating,"
    " transferred_from, linked_dossiers"
)


def ticket_rows(db: sqlite_utils.Database, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    return list(
        db.query(
            f"SELECT {_COLUMNS} FROM tickets WHERE day BETWEEN ? AND ? ORDER BY id",
            [first.isoformat(), last.isoformat()],
        )
    )


def build_report(
    db: sqlite_utils.Database,
    first: dt.date,
    last: dt.date,
    by: Grouping,
    tz: ZoneInfo,
    scale: Sequence[int] = (1, 2, 3, 4),
) -> Report:
    """The figures of the days ``first``..``last`` (raises :class:`ReportRangeError`)."""
    check_range(first, last)
    rows = ticket_rows(db, first, last)
    groups: dict[str | int | None, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[by.value], []).append(row)
    ordered = sorted(groups, key=lambda key: (key is None, str(type(key)), key if key is not None else 0))
    return Report(
        first=first,
        last=last,
        by=by,
        total=figures(rows, scale),
        rows=tuple(ReportRow(key, figures(groups[key], scale), dossier_share(groups[key])) for key in ordered),
        arrivals_by_hour=arrivals_by_hour(rows, tz),
        total_dossiers=dossier_share(rows),
    )


def dossier_share(rows: Iterable[Mapping[str, Any]]) -> DossierShare:
    """The rated tickets among ``rows``, and those linked to a dossier."""
    rated = [row for row in rows if row["rating"] is not None]
    return DossierShare(len(rated), sum(1 for row in rated if row.get("linked_dossiers")))


def figures(rows: Iterable[dict[str, Any]], scale: Sequence[int] = (1, 2, 3, 4)) -> Figures:
    rows = list(rows)
    states: dict[str, int] = {}
    for row in rows:
        states[row["state"]] = states.get(row["state"], 0) + 1
    states["transferred_in"] = sum(1 for r in rows if r["transferred_from"] is not None)
    states["at_counter"] = states.get("called", 0) + states.get("serving", 0)
    waits = sorted(
        _micros(r["arrival_at"], r["called_at"]) for r in rows if r["called_at"] and r["state"] != "transferred"
    )
    services = [
        _micros(r["served_at"] or r["called_at"], r["done_at"])
        for r in rows
        if r["state"] == "done" and r["done_at"] and (r["served_at"] or r["called_at"])
    ]
    scores = [r["rating"] for r in rows if r["rating"] is not None]
    ratings = {score: 0 for score in sorted(scale)}
    for score in scores:
        ratings[score] = ratings.get(score, 0) + 1
    return assemble(
        states,
        issued=len(rows) - states["transferred_in"],
        waits=(sum(waits), len(waits), waits[math.ceil(0.9 * len(waits)) - 1] if waits else None),
        services=(sum(services), len(services)),
        ratings=ratings,
        scale=scale,
    )


def assemble(
    states: Mapping[str, int],
    *,
    issued: int,
    waits: tuple[int, int, int | None],
    services: tuple[int, int],
    ratings: Mapping[int, int],
    scale: Sequence[int],
) -> Figures:
    """The figures from exact sums: ``states``, the count of each ticket state,
    ``transferred_in`` (the new halves of transfers) and ``at_counter`` (called or serving); ``waits`` (total µs, count, the nearest-rank 90th
    percentile in µs), ``services`` (total µs, count), ``ratings`` (score → count). Every
    average is one division of whole numbers, so the same rows give the same figures to the
    last digit wherever they are summed (here, or in PostgreSQL for the province)."""
    low, high = min(scale), max(scale)
    count = sum(ratings.values())
    points = sum(score * n for score, n in ratings.items())
    above_low = sum((score - low) * n for score, n in ratings.items())
    return Figures(
        issued=issued,
        transferred_in=states.get("transferred_in", 0),
        served=states.get("done", 0),
        no_show=states.get("no_show", 0),
        cancelled=states.get("cancelled", 0),
        transferred=states.get("transferred", 0),
        waiting=states.get("waiting", 0),
        at_counter=states.get("at_counter", 0),
        average_wait_minutes=round(waits[0] / waits[1] / MICROS_PER_MINUTE, 2) if waits[1] else None,
        p90_wait_minutes=round(waits[2] / MICROS_PER_MINUTE, 2) if waits[2] is not None else None,
        average_service_minutes=round(services[0] / services[1] / MICROS_PER_MINUTE, 2) if services[1] else None,
        ratings=dict(ratings),
        rating_count=count,
        average_rating=round(points / count, 2) if count else None,
        satisfaction_index=round(100 * above_low / ((high - low) * count), 1) if count and high > low else None,
    )


def arrivals_by_hour(rows: Iterable[dict[str, Any]], tz: ZoneInfo) -> tuple[int, ...]:
    hours = [0] * 24
    for row in rows:
        if row["transferred_from"] is None and row["issued_at"]:
            hours[dt.datetime.fromisoformat(row["issued_at"]).astimezone(tz).hour] += 1
    return tuple(hours)


MICROS_PER_MINUTE = 60_000_000


def _micros(start: str, end: str) -> int:
    """Whole microseconds from ``start`` to ``end`` (ISO 8601 times): exact, unlike floats."""
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)) // dt.timedelta(microseconds=1)
