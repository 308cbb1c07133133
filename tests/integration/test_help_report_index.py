"""The help requests' figures over a year read the events' index on (type, at) (store/schema.py
``_v11``): the query plan searches the index, and the figures are those of the requests asked
in the period, on a real SQLite file holding a year of a busy lobby's log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from queue_server.store.database import connect
from queue_server.store.help_report import help_events_query, help_figures
from queue_server.store.schema import migrate

FIRST = dt.date(2025, 12, 1)
DAYS = 365


def _a_year_of_events(path: Path) -> None:
    db = connect(path)
    migrate(db)
    rows = []
    request = 0
    for offset in range(DAYS):
        day = FIRST + dt.timedelta(days=offset)
        for minute in range(200):  # a busy day's other events, between its help requests
            at = dt.datetime.combine(day, dt.time(7, 30)) + dt.timedelta(minutes=minute * 2)
            rows.append(("ticket.issued", at.isoformat() + "+07:00", json.dumps({"ticket": minute})))
        if offset % 7 == 0:  # a help request a week, taken two minutes later
            request += 1
            asked = dt.datetime.combine(day, dt.time(9, 0)).isoformat() + "+07:00"
            taken = dt.datetime.combine(day, dt.time(9, 2)).isoformat() + "+07:00"
            rows.append(("help.requested", asked, json.dumps({"request": request, "kind": "kiosk", "day": day.isoformat()})))
            rows.append(("help.taken", taken, json.dumps({"request": request, "volunteer": "v1", "waited_seconds": 120.0})))
    with db.atomic():
        db.conn.executemany("INSERT INTO events (site, type, at, data) VALUES ('s', ?, ?, ?)", rows)
    db.conn.close()


def test_a_years_help_figures_search_the_events_index_not_the_whole_log(tmp_path: Path) -> None:
    path = tmp_path / "lobby.db"
    _a_year_of_events(path)
    db = connect(path, readonly=True)
    last = FIRST + dt.timedelta(days=DAYS - 1)
    sql, params = help_events_query(FIRST, last)
    plan = " / ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", params).fetchall())
    assert "SEARCH events USING INDEX events_type_at (type=? AND at>? AND at<?)" in plan, plan
    assert "SCAN events" not in plan, plan

    figures = help_figures(db, FIRST, last)
    assert (figures.requested, figures.answered, figures.longest_answer_seconds) == (53, 53, 120.0)
    one_month = help_figures(db, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert one_month.requested == 4 and one_month.by_volunteer == {"v1": 4}
