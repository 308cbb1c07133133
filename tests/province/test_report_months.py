"""A calendar month's report read from the month's rows (central/months.py) has the figures
the days' rows and the tickets give, to the digit; the month's rows go with a late batch and
come back with the next round; a month not ended, or read in another zone, goes the days'
way — against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central import months, summaries
from central import schema as central
from central.report_groups import WIDTH, Group, select_p90
from central.summaries import STEPS
from province.reports import By, build
from queue_server.shipping.site_record import describe_site
from tests.province.test_rating_scales import FIVE_LEVELS, site_with
from tests.province.test_summaries import SITES, TZ, Ship, expected, full_row, tickets

FIRST, LAST = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
AFTER = dt.date(2026, 12, 2)  # a day the month has ended by
QUIET = "xa-d"  # a site whose month has no wait at all
MINUTE = 60_000_000


@st.composite
def month_tickets(draw: st.DrawFn) -> dict[str, Any]:
    """A ticket of test_summaries' kinds moved to a day from the day before the month to the
    day after it (its times with it)."""
    ticket = draw(tickets())
    moved = dt.timedelta(days=draw(st.integers(-1, 30)) - (dt.date.fromisoformat(ticket["day"]) - FIRST).days)
    for column in ("issued_at", "arrival_at", "called_at", "served_at", "done_at"):
        if ticket[column]:
            ticket[column] = (dt.datetime.fromisoformat(ticket[column]) + moved).isoformat()
    return {**ticket, "day": (dt.date.fromisoformat(ticket["day"]) + moved).isoformat()}


def quiet_rows(start: int) -> list[dict[str, Any]]:
    """A day of the quiet site's: people who took a number and left, none called."""
    return [
        full_row(n, {"day": "2026-11-20", "service": "HT", "state": state, "issued_at": "2026-11-20T08:00:00+07:00",
                     "arrival_at": "2026-11-20T08:00:00+07:00"})
        for n, state in enumerate(("waiting", "cancelled", "waiting"), start=start)
    ]  # fmt: skip


def reports(conn: psycopg.Connection[Any], sites: list[str], tz: ZoneInfo = TZ) -> dict[By, Any]:
    return {by: build(conn, sites, FIRST, LAST, by, tz) for by in By}


def p90s_from_tickets(conn: psycopg.Connection[Any]) -> dict[tuple[str, str, str], int | None]:
    """Each (site, dim, key)'s nearest-rank p90 of the month, from its tickets, in µs."""
    waits: dict[tuple[str, str, str], list[int]] = {}
    for site, service, counter, officer, wait in conn.execute(
        "SELECT site, service, counter, officer, wait_us FROM tickets WHERE day BETWEEN %s AND %s", [FIRST, LAST]
    ):
        for dim, key in (("site", ""), ("service", service or ""), ("counter", "" if counter is None else str(counter)), ("officer", officer or "")):
            found = waits.setdefault((site, dim, key), [])
            if wait is not None:
                found.append(wait)
    return {key: sorted(w)[math.ceil(0.9 * len(w)) - 1] if w else None for key, w in waits.items()}


@pytest.fixture
def conn(central_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    with central.connect(central_dsn) as connection:
        central.migrate(connection)
        yield connection


def ship_month(conn: psycopg.Connection[Any], drawn: list[dict[str, Any]]) -> tuple[Ship, dict[tuple[str, int], dict[str, Any]]]:
    conn.execute("TRUNCATE events, tickets, sites, site_configs, site_days, report_days, site_months, report_months, report_month_waits")
    central.record_config(conn, "xa-b", describe_site(site_with("xa-b", FIVE_LEVELS)))  # rated 1–5, the others 1–4
    ship = Ship(conn)
    ship.seq[QUIET] = 0
    rows: dict[tuple[str, int], dict[str, Any]] = {}
    for n, ticket in enumerate(drawn, start=1):
        rows[(ticket["site"], n)] = {**full_row(n, ticket), "site": ticket["site"]}
    for site in SITES:
        ship(site, [full_row(i, r) for (s, i), r in rows.items() if s == site])
    ship(QUIET, quiet_rows(1))
    return ship, rows


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(month_tickets(), min_size=30, max_size=200))
def test_a_months_report_from_its_rows_equals_the_days_and_the_tickets(conn, drawn) -> None:  # type: ignore[no-untyped-def]
    ship_month(conn, drawn)
    summaries.summarize_all(conn, TZ, AFTER)
    sites = [*SITES, QUIET]
    summed = {site for (site,) in conn.execute("SELECT DISTINCT site FROM report_months WHERE day = %s", [FIRST])}
    assert summed == {s for (s,) in conn.execute("SELECT DISTINCT site FROM tickets WHERE day BETWEEN %s AND %s", [FIRST, LAST])}
    # each month row's own p90, exact in µs
    stored = {(s, d, k): p for s, d, k, p in conn.execute("SELECT site, dim, key, p90 FROM report_months WHERE day = %s", [FIRST])}
    assert stored == p90s_from_tickets(conn)

    from_months = reports(conn, sites)
    one_scale = [site for site in sites if site != "xa-b"]
    conn.execute("DELETE FROM report_months")  # the same from the days' rows alone…
    conn.execute("DELETE FROM report_month_waits")
    assert reports(conn, sites) == from_months
    conn.execute("UPDATE site_days SET dirty = true")  # …and from the tickets alone
    assert reports(conn, sites) == from_months
    # and the sites' own figures, on one scale
    made = reports(conn, one_scale)
    mine = {(s, n): {**full_row(n, t), "site": s} for n, t in enumerate(drawn, start=1) for s in [t["site"]] if s != "xa-b"}
    mine |= {(QUIET, r["id"]): {**r, "site": QUIET} for r in quiet_rows(1)}
    for by, report in made.items():
        total, groups, hours = expected(mine, FIRST, LAST, by)
        assert report.total == total, by
        assert {(r.site, r.key): r.figures for r in report.rows} == groups, by
        assert report.arrivals_by_hour == hours, by


def test_a_late_batch_removes_its_months_rows_until_the_next_round(conn) -> None:  # type: ignore[no-untyped-def]
    drawn = [
        {"site": site, "day": f"2026-11-{day:02d}", "service": "HT", "state": "done", "counter": 1, "officer": "lan",
         "issued_at": f"2026-11-{day:02d}T08:00:00+07:00", "arrival_at": f"2026-11-{day:02d}T08:00:00+07:00",
         "called_at": f"2026-11-{day:02d}T08:{day:02d}:00+07:00", "done_at": f"2026-11-{day:02d}T09:00:00+07:00",
         "rating": 4, "transferred_from": None}
        for site in ("xa-a", "xa-b") for day in range(1, 31)
    ]  # fmt: skip
    ship, _ = ship_month(conn, drawn)
    summaries.summarize_all(conn, TZ, AFTER)
    before = reports(conn, ["xa-a", "xa-b"])
    assert before[By.SITE].total.p90_wait_minutes == 27.0

    late = {**full_row(61, drawn[9]), "state": "no_show", "called_at": "2026-11-10T10:00:00+07:00", "done_at": None, "rating": None}
    ship("xa-a", [late])  # a batch for a closed month's day, through the real append
    assert conn.execute("SELECT DISTINCT site FROM report_months ORDER BY 1").fetchall() == [("xa-b",), (QUIET,)]
    assert conn.execute("SELECT DISTINCT site FROM report_month_waits").fetchall() == [("xa-b",)]
    assert conn.execute("SELECT site, dirty FROM site_months ORDER BY site").fetchall() == [("xa-a", True), ("xa-b", False), (QUIET, False)]
    meanwhile = reports(conn, ["xa-a", "xa-b"])  # from xa-a's days (one from its tickets)
    assert meanwhile[By.SITE].total.no_show == 1 and meanwhile[By.SITE].total.p90_wait_minutes == 28.0

    assert summaries.summarize_all(conn, TZ, AFTER) == 1  # the day, then its month
    assert conn.execute("SELECT site, dirty FROM site_months ORDER BY site").fetchall() == [("xa-a", False), ("xa-b", False), (QUIET, False)]
    assert conn.execute("SELECT count(DISTINCT site) FROM report_months").fetchone() == (3,)
    assert reports(conn, ["xa-a", "xa-b"]) == meanwhile


def test_a_month_not_ended_has_no_row_and_another_zone_reads_the_days(conn) -> None:  # type: ignore[no-untyped-def]
    ship, _ = ship_month(conn, [])
    summaries.summarize_all(conn, TZ, LAST)  # the month's last day is today
    assert conn.execute("SELECT count(*) FROM report_months").fetchone() == (0,)
    assert conn.execute("SELECT dirty FROM site_months").fetchall() == [(True,)]
    summaries.summarize_all(conn, TZ, LAST + dt.timedelta(days=1))
    assert conn.execute("SELECT count(*), min(tz) FROM report_months").fetchone() == (4, str(TZ))

    utc = ZoneInfo("UTC")  # the quiet site's arrivals at 08:00 in Hồ Chí Minh City: 01:00 UTC
    assert reports(conn, [QUIET], utc)[By.SITE].arrivals_by_hour[1] == 3
    assert reports(conn, [QUIET])[By.SITE].arrivals_by_hour[8] == 3
    # its days summed again in another zone, its month not yet: the month's row, not both
    before = reports(conn, [QUIET])
    conn.execute("UPDATE site_days SET tz = 'UTC'")
    assert reports(conn, [QUIET]) == before
    # a span that is not one calendar month never reads the month's rows
    conn.execute("UPDATE report_months SET issued = 99")
    assert build(conn, [QUIET], FIRST, LAST, By.SITE, TZ).total.issued == 99
    assert build(conn, [QUIET], FIRST + dt.timedelta(days=1), LAST, By.SITE, TZ).total.issued == 3
    assert build(conn, [QUIET], FIRST, LAST, By.DAY, TZ).total.issued == 3


def test_the_migration_sums_the_closed_months_of_summed_days(conn) -> None:  # type: ignore[no-untyped-def]
    ship_month(conn, [])
    summaries.summarize_all(conn, TZ, AFTER)  # the days summed (the month's rows then dropped: as before them)
    conn.execute("DROP TABLE site_months, report_months, report_month_waits")
    conn.execute("UPDATE schema_version SET version = %s", [central.MIGRATIONS.index(months.SCHEMA)])
    assert central.migrate(conn) == len(central.MIGRATIONS)
    assert conn.execute("SELECT site, day, dirty FROM site_months").fetchall() == [(QUIET, FIRST, True)]
    assert summaries.summarize_all(conn, TZ, AFTER) == 0  # no day to sum, the month summed
    assert conn.execute("SELECT site, dim, issued, p90 FROM report_months WHERE dim = 'site'").fetchall() == [(QUIET, "site", 3, None)]
    assert reports(conn, [QUIET])[By.COUNTER].total.issued == 3


@pytest.mark.parametrize("arrays, each", [(3, 4000), (900, 3)])  # a site's month of a step each; the days' slices
def test_the_totals_p90_found_without_sorting_is_the_nearest_rank(conn, arrays: int, each: int) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(arrays)
    lists = [sorted(rng.choice([20 * MINUTE, 21 * MINUTE - 1, rng.randrange(20 * MINUTE, 21 * MINUTE)]) for _ in range(each)) for _ in range(arrays)]
    total = Group([0] * WIDTH)
    total.wait_count = arrays * each  # every wait in step 20 (20 to 21 minutes)
    total.below = tuple(0 if step < 20 else total.wait_count for step in range(STEPS))
    conn.execute("CREATE TABLE test_slices (vals bigint[])")
    conn.cursor().executemany("INSERT INTO test_slices VALUES (%s)", [[values] for values in lists])
    with conn.transaction():
        select_p90(conn, "(SELECT vals FROM test_slices)", {}, total)
    assert total.p90 == sorted(v for values in lists for v in values)[math.ceil(0.9 * total.wait_count) - 1]
