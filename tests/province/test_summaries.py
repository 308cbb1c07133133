"""The province's reports from the sites' day summaries equal the sites' own figures exactly,
whatever is summed already, shipped late or still today's — against a real PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import schema as central
from central import summaries
from central.schema import Row
from province.database import Database
from province.reports import By, build
from province.summing import sum_closed_days
from queue_server.store.reports import arrivals_by_hour, figures

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = [dt.date(2026, 11, 2) + dt.timedelta(days=n) for n in range(4)]
SITES = ("xa-a", "xa-b", "phuong-c")
STATES = ("waiting", "called", "serving", "done", "no_show", "cancelled", "transferred")
MINUTE = 60_000_000
# waits on and beside the ladder's steps, ties, and anything up to eleven hours (µs)
WAITS = st.one_of(
    st.sampled_from([0, 1, MINUTE - 1, MINUTE, MINUTE + 1, 20 * MINUTE, 60 * MINUTE, 480 * MINUTE, 480 * MINUTE + 7]),
    st.integers(0, 90 * MINUTE),
    st.integers(0, 660 * MINUTE),
)


@st.composite
def tickets(draw: st.DrawFn) -> dict[str, Any]:
    state = draw(st.sampled_from(STATES))
    day = draw(st.sampled_from(DAYS))
    arrival = dt.datetime.combine(day, dt.time(7), TZ) + dt.timedelta(microseconds=draw(st.integers(0, 11 * 3600 * 10**6)))
    called = arrival + dt.timedelta(microseconds=draw(WAITS)) if state != "waiting" and draw(st.booleans()) or state in ("done", "serving") else None
    served = called + dt.timedelta(seconds=draw(st.integers(0, 300))) if called and draw(st.booleans()) else None
    done = (served or called) + dt.timedelta(microseconds=draw(st.integers(1, 40 * MINUTE))) if called and state == "done" else None
    return {
        "site": draw(st.sampled_from(SITES)),
        "day": day.isoformat(),
        "service": draw(st.sampled_from(["HT", "DD", "KD"])),
        "state": state,
        "counter": draw(st.sampled_from([None, 1, 2, 3])) if called else None,
        "officer": draw(st.sampled_from([None, "lan", "minh"])) if called else None,
        "issued_at": arrival.isoformat(),
        "arrival_at": arrival.isoformat(),
        "called_at": called.isoformat() if called else None,
        "served_at": served.isoformat() if served else None,
        "done_at": done.isoformat() if done else None,
        "rating": draw(st.sampled_from([None, None, 1, 2, 3, 4])) if state == "done" else None,
        "transferred_from": draw(st.sampled_from([None, None, None, 1])),  # the new half of a transfer
    }


def full_row(ticket_id: int, ticket: dict[str, Any]) -> dict[str, Any]:
    row = {column: None for column in central.TICKET_COLUMNS}
    row.update({k: v for k, v in ticket.items() if k != "site"}, id=ticket_id, label=f"A{ticket_id:03d}", recalls=0, returns=0)
    return row


class Ship:
    """Appends tickets' rows centrally as a site's shipper would (one event each)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.seq = {site: 0 for site in SITES}
        self.months: set[dt.date] = set()

    def __call__(self, site: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        first = self.seq[site]
        events = [Row(first + n + 1, "ticket.issued", r["issued_at"], {"ticket": r["id"]}) for n, r in enumerate(rows)]
        self.seq[site] = central.append(self.conn, site, first, events, self.months, rows, first + len(rows))


def expected(rows: dict[tuple[str, int], dict[str, Any]], first: dt.date, last: dt.date, by: By) -> tuple[Any, dict, tuple]:
    """The sites' own figures (queue_server.store.reports) over the same rows."""
    chosen = [r for r in rows.values() if first.isoformat() <= r["day"] <= last.isoformat()]
    groups: dict[tuple[Any, Any], list[dict[str, Any]]] = {}
    for r in chosen:
        key = {
            By.SITE: (r["site"], None),
            By.DAY: (None, r["day"]),
            By.SERVICE: (r["site"], r["service"]),
            By.COUNTER: (r["site"], r["counter"]),
            By.OFFICER: (r["site"], r["officer"]),
        }[by]
        groups.setdefault(key, []).append(r)
    return figures(chosen), {key: figures(found) for key, found in groups.items()}, arrivals_by_hour(chosen, TZ)


def check(conn: psycopg.Connection[Any], rows: dict[tuple[str, int], dict[str, Any]], first: dt.date, last: dt.date) -> None:
    for by in By:
        made = build(conn, list(SITES), first, last, by, TZ)
        total, groups, hours = expected(rows, first, last, by)
        assert made.total == total, by
        assert {(r.site, r.key): r.figures for r in made.rows} == groups, by
        assert made.arrivals_by_hour == hours, by


@pytest.fixture
def conn(central_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    with central.connect(central_dsn) as connection:
        central.migrate(connection)
        yield connection


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    st.lists(tickets(), min_size=20, max_size=150),
    st.lists(st.tuples(st.integers(0, 59), tickets()), max_size=15),
    st.sampled_from(DAYS + [DAYS[-1] + dt.timedelta(days=1)]),
    st.sampled_from(DAYS),
    st.integers(0, 3),
)
def test_the_reports_from_summaries_equal_the_sites_own_figures(conn, first_batch, changes, closed_before, first, span) -> None:  # type: ignore[no-untyped-def]
    conn.execute("TRUNCATE events, tickets, sites, site_days, report_days")
    ship = Ship(conn)
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for n, ticket in enumerate(first_batch, start=1):
        rows[(ticket["site"], n)] = {**full_row(n, ticket), "site": ticket["site"]}
    for site in SITES:
        ship(site, [full_row(i, r) for (s, i), r in rows.items() if s == site])
    summaries.summarize_all(conn, TZ, closed_before)  # the days before it are summed
    last = min(first + dt.timedelta(days=span), DAYS[-1])
    check(conn, rows, first, last)

    # late changes to tickets of days summed already, and new tickets: the days are summed again
    for index, ticket in changes:
        site, ticket_id = list(rows)[index % len(rows)] if index % 3 else (ticket["site"], 1000 + index)
        old_day = rows.get((site, ticket_id), ticket)["day"]  # a ticket stays in its day
        rows[(site, ticket_id)] = {**full_row(ticket_id, {**ticket, "day": old_day}), "site": site}
        ship(site, [full_row(ticket_id, rows[(site, ticket_id)])])
    check(conn, rows, first, last)
    summaries.summarize_all(conn, TZ, DAYS[-1] + dt.timedelta(days=1))
    (dirty,) = conn.execute("SELECT count(*) FROM site_days WHERE dirty").fetchone()
    assert dirty == 0
    check(conn, rows, first, last)


def test_a_days_summary_goes_when_its_tickets_change_and_comes_back(conn) -> None:  # type: ignore[no-untyped-def]
    ship = Ship(conn)
    ticket = {"site": "xa-a", "day": DAYS[0].isoformat(), "service": "HT", "state": "waiting",
              "issued_at": "2026-11-02T08:00:00+07:00", "arrival_at": "2026-11-02T08:00:00+07:00"}  # fmt: skip
    ship("xa-a", [full_row(1, ticket)])
    assert summaries.summarize_all(conn, TZ, DAYS[1]) == 1
    stored = conn.execute("SELECT dim, key, issued, waiting FROM report_days ORDER BY dim").fetchall()
    assert stored == [("counter", "", 1, 1), ("officer", "", 1, 1), ("service", "HT", 1, 1), ("site", "", 1, 1)]
    assert summaries.summarize_all(conn, TZ, DAYS[1]) == 0  # nothing left to sum

    served = {**ticket, "state": "done", "called_at": "2026-11-02T08:10:00+07:00", "done_at": "2026-11-02T08:20:00+07:00", "counter": 2}
    ship("xa-a", [full_row(1, served)])  # shipped late: the summary is gone, the day dirty
    assert conn.execute("SELECT count(*) FROM report_days").fetchone() == (0,)
    assert conn.execute("SELECT dirty FROM site_days").fetchall() == [(True,)]
    report = build(conn, ["xa-a"], DAYS[0], DAYS[0], By.COUNTER, TZ)
    assert [(r.key, r.figures.served, r.figures.p90_wait_minutes) for r in report.rows] == [(2, 1, 10.0)]

    assert summaries.summarize_all(conn, TZ, DAYS[1]) == 1
    assert build(conn, ["xa-a"], DAYS[0], DAYS[0], By.COUNTER, TZ) == report
    # a report read in another zone counts arrivals by its own hours: from the tickets
    utc = build(conn, ["xa-a"], DAYS[0], DAYS[0], By.SITE, ZoneInfo("UTC"))
    assert utc.arrivals_by_hour[1] == 1 and report.arrivals_by_hour[8] == 1


def test_today_is_never_summed(conn) -> None:  # type: ignore[no-untyped-def]
    ship = Ship(conn)
    ship("xa-a", [full_row(1, {"site": "xa-a", "day": DAYS[2].isoformat(), "service": "HT", "state": "waiting",
                                  "issued_at": "2026-11-04T08:00:00+07:00"})])
    assert summaries.summarize_all(conn, TZ, DAYS[2]) == 0
    assert conn.execute("SELECT count(*) FROM report_days").fetchone() == (0,)
    for by in By:  # and a manager who sees no site yet gets an empty report
        empty = build(conn, [], DAYS[0], DAYS[-1], by, TZ)
        assert (empty.rows, empty.total.issued, empty.total.p90_wait_minutes, sum(empty.arrivals_by_hour)) == ((), 0, None, 0)


@pytest.mark.parametrize("count", [1, 7, 9, 10, 11, 19, 101])
def test_the_90th_percentile_is_the_nearest_rank_across_summed_and_fresh_days(conn, count: int) -> None:  # type: ignore[no-untyped-def]
    """Distinct waits spread over four days, two of them summed: the p90 is the
    ``ceil(0.9 n)``-th smallest, as the sites rank it."""
    ship = Ship(conn)
    waits = [(n * 7_919_003) % (count * 60_000_000 + 1) for n in range(1, count + 1)]  # distinct, unordered
    rows = []
    for n, wait in enumerate(waits, start=1):
        day = DAYS[n % 4]
        arrival = dt.datetime.combine(day, dt.time(8), TZ)
        called = arrival + dt.timedelta(microseconds=wait)
        rows.append(full_row(n, {"day": day.isoformat(), "service": "HT", "state": "called", "counter": 1,
                                 "issued_at": arrival.isoformat(), "arrival_at": arrival.isoformat(), "called_at": called.isoformat()}))  # fmt: skip
    ship("xa-a", rows)
    summaries.summarize_all(conn, TZ, DAYS[2])
    report = build(conn, ["xa-a"], DAYS[0], DAYS[-1], By.SITE, TZ)
    nearest = sorted(waits)[-(-9 * count // 10) - 1]
    assert report.total.p90_wait_minutes == round(nearest / MINUTE, 2)
    assert report.rows[0].figures.p90_wait_minutes == round(nearest / MINUTE, 2)


def test_a_site_whose_days_fail_to_sum_holds_up_no_other(conn, central_dsn: str, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    ship = Ship(conn)
    for site in ("xa-a", "xa-b"):
        ship(site, [full_row(1, {"day": DAYS[0].isoformat(), "service": "HT", "state": "waiting",
                                 "issued_at": "2026-11-02T08:00:00+07:00", "arrival_at": "2026-11-02T08:00:00+07:00"})])  # fmt: skip
    conn.execute("UPDATE tickets SET issued_at = 'không phải giờ' WHERE site = 'xa-a'")  # a row gone bad
    database = Database(central_dsn)
    try:
        assert asyncio.run(sum_closed_days(database, TZ, DAYS[1])) == 1
    finally:
        database.close()
    assert conn.execute("SELECT site, dirty FROM site_days ORDER BY site").fetchall() == [("xa-a", True), ("xa-b", False)]
    assert "summing the days of xa-a failed; the other sites go on" in caplog.text
