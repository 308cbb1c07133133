"""How a return visit counts (docs/web.md "The reports' counts"), through the real lobby into a
real SQLite file: a re-entry code's ticket is issued (a number printed) and every row still
balances; in the quality table it is a return visit, not a visit, and its wait is left out of
the service level, there and in the live view."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

from queue_server.bootstrap import build_hub
from queue_server.core import codes
from queue_server.core import commands as c
from queue_server.store.database import connect
from queue_server.store.insight import InsightGrouping, build_insight
from queue_server.store.reports import Grouping, build_report
from tests.integration.history import TARGETS, history_config
from tests.integration.sites import TZ

DAY = dt.date(2026, 11, 23)
CODE = "ABCDEFGH2345"


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), TZ)


async def _the_day(path: Path) -> list[dict[str, Any]]:
    clock_now = [at(8, 0)]
    hub = build_hub(history_config(), path, clock=lambda: clock_now[0])

    async def run(when: dt.datetime, command: Any) -> list[Any]:
        clock_now[0] = when
        return await hub.execute(command)

    try:
        await run(at(8, 0), c.SignIn(at(8, 0), 1, "lan"))
        await run(at(8, 0), c.OpenCounter(at(8, 0), 1))
        await run(at(8, 10), c.IssueTicket(at(8, 10), "HT", "ABCDEFGHJ2"))  # A001
        await run(at(8, 12), c.CallNext(at(8, 12), 1))  # within the 10 minutes
        await run(at(8, 15), c.MarkSupplement(at(8, 15), 1, code_hash=codes.reentry_hash(CODE), note="Thiếu ảnh", valid_until=DAY))
        await run(at(8, 20), c.Complete(at(8, 20), 1))
        await run(at(8, 30), c.IssueTicket(at(8, 30), "HT", "ABCDEFGHJ3"))  # A002, plain
        await run(at(8, 31), c.UseReentry(at(8, 31), codes.reentry_hash(CODE), "ABCDEFGHJ4"))  # A003, back
        await run(at(9, 30), c.CallNext(at(9, 30), 1))  # A003 first: waited 59 minutes
        await run(at(9, 35), c.Complete(at(9, 35), 1))
        await run(at(9, 40), c.CallNext(at(9, 40), 1))  # A002: waited 70 minutes
        levels = hub.lobby.service_levels_view(at(9, 41))
    finally:
        hub.writer.stop()
        hub.reader.close()
    return levels


def test_a_return_visit_is_issued_balanced_and_counted_apart_from_new_citizens_and_the_service_level(tmp_path: Path) -> None:
    path = tmp_path / "day.db"
    levels = asyncio.run(_the_day(path))
    [ht_live] = [v for v in levels if v["service"] == "HT"]
    assert (ht_live["called"], ht_live["within_target"]) == (2, 1)  # A001 and A002; A003 left out

    db = connect(path)
    try:
        report = build_report(db, DAY, DAY, Grouping.SERVICE, TZ)
        ht = {row.key: row.figures for row in report.rows}["HT"]
        assert (ht.issued, ht.served, ht.at_counter, ht.transferred_in) == (3, 2, 1, 0)
        for figures in (ht, report.total):
            assert figures.issued + figures.transferred_in == (
                figures.served + figures.no_show + figures.cancelled + figures.transferred + figures.waiting + figures.at_counter
            )
        quality = build_insight(db, DAY, DAY, InsightGrouping.SERVICE, TZ, TARGETS, {})
        total = quality.total
        assert (total.visits, total.return_visits, total.called, total.within_target) == (2, 1, 2, 1)
        assert total.visits + total.return_visits == report.total.issued
        by_officer = build_insight(db, DAY, DAY, InsightGrouping.OFFICER, TZ, TARGETS, {})
        assert {row.key: row.quality.return_visits for row in by_officer.rows} == {"lan": 1}
    finally:
        db.close()
