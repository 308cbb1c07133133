"""A director's table adds up (issue 25, items 1 and 2): a day with a transfer across an hour
boundary, a no-show, a cancel, citizens still waiting and one still at a counter, run through
the real lobby into a real SQLite file. Every row and the total balance; ``issued`` is the
numbers printed for each field; visits are the citizens; one rule of arrival (the citizen's
first ticket's issue) for the reports, the quality table by hour, the heat map and the
forecast; and the province, from the same rows in a real PostgreSQL, gives the same figures."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

from central import schema as central
from central import summaries
from central.schema import Row
from province.reports import By, build
from queue_server.bootstrap import build_hub
from queue_server.core import commands as c
from queue_server.core.codes import ALPHABET
from queue_server.store.database import connect
from queue_server.store.history import arrival_cells, walk_ins_by_slot
from queue_server.store.insight import InsightGrouping, build_insight
from queue_server.store.reports import Figures, Grouping, build_report
from tests.integration.history import history_config
from tests.integration.sites import TZ

DAY = dt.date(2026, 11, 23)  # a Monday
SITE = "history-site"


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), TZ)


class _Clock:
    now = at(7, 0)

    def __call__(self) -> dt.datetime:
        return self.now


async def _run_the_day(path: Path) -> Counter[str]:
    """The day, and the numbers printed per field (the ``ticket.issued`` events)."""
    clock = _Clock()
    hub = build_hub(history_config(), path, clock=clock)
    printed: Counter[str] = Counter()
    tickets: dict[str, int] = {}

    async def run(when: dt.datetime, command: Any) -> list[Any]:
        clock.now = when
        events = await hub.execute(command)
        for event in events:
            if event.type.value == "ticket.issued":
                printed[event.data["service"]] += 1
        return events

    async def issue(when: dt.datetime, service: str, name: str) -> None:
        (event,) = [e for e in await run(when, c.IssueTicket(when, service, "ABCDEFGHJ" + ALPHABET[len(tickets)])) if e.type.value == "ticket.issued"]
        tickets[name] = event.data["ticket"]

    try:
        for number, officer in {1: "lan", 2: "minh", 3: "hoa"}.items():
            await run(at(8, 0), c.SignIn(at(8, 0), number, officer))
            await run(at(8, 0), c.OpenCounter(at(8, 0), number))
        for minute, (service, name) in enumerate(
            [("HT", "H1"), ("HT", "H2"), ("HT", "H3"), ("HT", "H4"), ("DD", "D1"), ("DD", "D2")], start=10
        ):
            await issue(at(8, minute), service, name)
        await run(at(8, 16), c.CallNext(at(8, 16), 3))  # D1 (counter 3 takes KD and DD)
        await run(at(8, 18), c.Complete(at(8, 18), 3))
        await run(at(8, 20), c.CallNext(at(8, 20), 1))  # H1
        await run(at(8, 25), c.Complete(at(8, 25), 1))
        await run(at(8, 30), c.CallNext(at(8, 30), 1))  # H2, then sent on to Đất đai after 09:00
        await run(at(9, 5), c.Transfer(at(9, 5), 1, to_service="DD"))
        await run(at(9, 6), c.CallNext(at(9, 6), 1))  # H3: does not come
        await run(at(9, 10), c.MarkNoShow(at(9, 10), 1))
        await run(at(9, 15), c.CancelTicket(at(9, 15), tickets["H4"]))
        await issue(at(9, 20), "HT", "H5")  # still waiting
        await issue(at(9, 30), "KD", "K1")  # still waiting
        for start in (at(9, 40), at(9, 50)):  # D2 and the transferred H2, in their arrival's order
            await run(start, c.CallNext(start, 2))
            await run(start + dt.timedelta(minutes=5), c.Complete(start + dt.timedelta(minutes=5), 2))
        await issue(at(10, 0), "DD", "D3")
        await run(at(10, 5), c.CallNext(at(10, 5), 2))  # D3: still at the counter
    finally:
        hub.writer.stop()
        hub.reader.close()
    return printed


def _balance(f: Figures) -> tuple[int, int]:
    return f.issued + f.transferred_in, f.served + f.no_show + f.cancelled + f.transferred + f.waiting + f.at_counter


def test_every_row_balances_and_all_four_count_arrivals_alike(tmp_path: Path, central_dsn: str) -> None:
    path = tmp_path / "day.db"
    printed = asyncio.run(_run_the_day(path))
    assert printed == {"HT": 5, "DD": 3, "KD": 1}
    db = connect(path)
    try:
        report = build_report(db, DAY, DAY, Grouping.SERVICE, TZ)
        rows = {row.key: row.figures for row in report.rows}
        # every row and the total balance, and issued is the numbers printed for each field
        for figures in (*rows.values(), report.total):
            left, right = _balance(figures)
            assert left == right
        assert {key: f.issued for key, f in rows.items()} == printed
        ht, dd = rows["HT"], rows["DD"]
        assert (ht.issued, ht.served, ht.transferred, ht.no_show, ht.cancelled, ht.waiting) == (5, 1, 1, 1, 1, 1)
        assert (dd.issued, dd.transferred_in, dd.served, dd.at_counter) == (3, 1, 3, 1)
        assert (report.total.issued, report.total.transferred_in, report.total.transferred) == (9, 1, 1)
        for by in (Grouping.COUNTER, Grouping.OFFICER, Grouping.DAY):
            for figures in (row.figures for row in build_report(db, DAY, DAY, by, TZ).rows):
                left, right = _balance(figures)
                assert left == right, by

        # visits: the citizens (nine), each in the row of their first ticket only
        targets = {"HT": 10, "DD": 20, "KD": 15}
        by_service = build_insight(db, DAY, DAY, InsightGrouping.SERVICE, TZ, targets, {})
        assert by_service.total.visits == 9 == sum(printed.values())
        assert {row.key: row.quality.visits for row in by_service.rows} == printed

        # one rule of arrival: H2 came at 08:11 and was transferred at 09:05; it is an 08:00 arrival
        hours = report.arrivals_by_hour
        assert (hours[8], hours[9], hours[10], sum(hours)) == (6, 2, 1, 9)
        by_hour = build_insight(db, DAY, DAY, InsightGrouping.HOUR, TZ, targets, {})
        assert {row.key: row.quality.visits for row in by_hour.rows} == {8: 6, 9: 2, 10: 1}
        cells = {cell.hour.hour: cell.arrivals for cell in arrival_cells(db, DAY, DAY, TZ)}
        assert cells == {8: 6, 9: 2, 10: 1}
        walk_ins = walk_ins_by_slot(db, [DAY], TZ)[DAY]
        assert walk_ins == {("HT", 16): 4, ("DD", 16): 2, ("HT", 18): 1, ("KD", 19): 1, ("DD", 20): 1}
        site_rows = list(db.query("SELECT * FROM tickets ORDER BY id"))
    finally:
        db.close()

    # the province: the same rows, summed from the tickets (today) and from the day's summary
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        _ship(conn, site_rows)
        for summed in (False, True):
            if summed:
                assert summaries.summarize_all(conn, TZ, DAY + dt.timedelta(days=1)) == 1
            province = build(conn, [SITE], DAY, DAY, By.SERVICE, TZ)
            assert province.total == report.total, summed
            assert {row.key: row.figures for row in province.rows} == rows, summed
            assert province.arrivals_by_hour == report.arrivals_by_hour, summed


def _ship(conn: psycopg.Connection[Any], rows: list[dict[str, Any]]) -> None:
    tickets = [{column: row[column] for column in central.TICKET_COLUMNS} for row in rows]
    events = [Row(n, "ticket.issued", r["issued_at"], {"ticket": r["id"]}) for n, r in enumerate(tickets, start=1)]
    central.append(conn, SITE, 0, events, set(), tickets, len(tickets))
