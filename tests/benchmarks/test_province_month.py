"""The province benchmark's generated month (``python -m bench.province`` runs it at full
size): every site gets its own id, however many sites, against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bench.province import GENERATE, month_parameters, month_report, month_sites
from central import schema as central
from central import summaries
from province.reports import By, build

FIRST = dt.date(2026, 11, 1)  # a calendar month of 30 days, as the bench generates


@pytest.mark.parametrize("sites", [101, 1000])
def test_every_generated_site_has_its_own_id(central_dsn: str, sites: int) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        central.ensure_partitions(conn, {FIRST}, set())
        conn.execute(GENERATE, month_parameters(sites, days=1, tickets=1, first=FIRST))
        made = [site for (site,) in conn.execute("SELECT site FROM tickets ORDER BY id, site")]
    assert len(set(made)) == sites
    assert sorted(made) == sorted(month_sites(sites))  # the ids the report is then asked for


def test_a_month_copied_to_more_sites_reads_as_its_sources(central_dsn: str) -> None:
    """``--month-sites``: 2 sites generated and summed, copied to 5 ids; every site is in the
    report, each copy with its source's figures — with the last day summed from its tickets
    (copied too) as with the days read from their summaries, then the month's rows."""
    made = month_report(central_dsn, sites=5, tickets=4, first=FIRST, distinct=2)
    assert made["report_rows"]["site"] == 5
    assert made["tickets"] == 5 * 30 * 4 and made["tickets_generated"] == 2 * 30 * 4
    with central.connect(central_dsn) as conn:
        for live in (True, False):  # the last day marked for summing by month_report; then summed again
            report = build(conn, month_sites(5), FIRST, FIRST + dt.timedelta(days=29), By.SITE, ZoneInfo("Asia/Ho_Chi_Minh"))
            figures = {row.site: row.figures for row in report.rows}
            assert figures["m-02"] == figures["m-04"] == figures["m-00"] != figures["m-01"] == figures["m-03"]
            if live:
                assert conn.execute("SELECT count(*) FROM report_months").fetchone() == (0,)
                summaries.summarize_all(conn, ZoneInfo("Asia/Ho_Chi_Minh"), FIRST + dt.timedelta(days=30))
                assert conn.execute("SELECT count(DISTINCT site) FROM report_months").fetchone() == (5,)
