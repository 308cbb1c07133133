"""The history queries against a real SQLite file holding an 8-week simulated history (the
real schema), every figure checked against a hand count over the generated rows."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from queue_server.core.planning.forecast import forecast, history_days
from queue_server.core.planning.heatmap import heat_map, weekday_counts
from queue_server.store.database import connect
from queue_server.store.history import arrival_cells, booked_by_slot, service_minutes, walk_ins_by_slot
from queue_server.store.schema import migrate
from tests.planning.simulated import CENTRE, FIRST, LAST, ROWS, TZ, hand_history, hand_walk_ins, local

MONDAY = LAST + dt.timedelta(days=1)
APPOINTMENTS = [  # Monday 23 November: 3 at 08:00–08:30 (slot 16), one at 09:15 (slot 18), one cancelled
    {"code": "A1", "service": "HT", "slot_start": "2026-11-23T08:00:00+07:00", "state": "booked", "ticket": None},
    {"code": "A2", "service": "HT", "slot_start": "2026-11-23T08:15:00+07:00", "state": "booked", "ticket": None},
    {"code": "A3", "service": "HT", "slot_start": "2026-11-23T01:15:00+00:00", "state": "booked", "ticket": None},
    {"code": "A4", "service": "DD", "slot_start": "2026-11-23T09:15:00+07:00", "state": "checked_in", "ticket": 9},
    {"code": "A5", "service": "DD", "slot_start": "2026-11-23T09:30:00+07:00", "state": "cancelled", "ticket": None},
    {"code": "A6", "service": "HT", "slot_start": "2026-11-24T08:00:00+07:00", "state": "booked", "ticket": None},
    {"code": "A7", "service": "HT", "slot_start": "2026-11-22T23:30:00+07:00", "state": "booked", "ticket": None},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    database = connect(tmp_path_factory.mktemp("history") / "history.db")
    migrate(database)
    database["tickets"].insert_all(ROWS, batch_size=2000)
    database["appointments"].insert_all(APPOINTMENTS)
    yield database
    database.close()


def test_the_history_spans_eight_weeks_of_open_days() -> None:
    days = {row["day"] for row in ROWS}
    assert (LAST - FIRST).days + 1 == 56 and len(days) == 48  # Sundays closed
    assert min(days) == FIRST.isoformat() and max(days) == (LAST - dt.timedelta(days=1)).isoformat()


def test_walk_ins_per_half_hour_match_a_hand_count(db) -> None:  # type: ignore[no-untyped-def]
    days = [FIRST + dt.timedelta(days=k) for k in range(56)]
    found = walk_ins_by_slot(db, days, TZ)
    assert found == hand_history(ROWS, days)
    assert dt.date(2026, 10, 4) not in found  # a Sunday: no ticket, no key
    some_day = dt.date(2026, 11, 16)
    assert sum(found[some_day].values()) == sum(
        1 for r in ROWS if r["day"] == "2026-11-16" and r.get("transferred_from") is None and r["appointment"] is None
    )
    assert walk_ins_by_slot(db, [], TZ) == {}


def test_the_forecast_from_the_store_matches_the_hand_counted_one(db) -> None:  # type: ignore[no-untyped-def]
    days = history_days(MONDAY, 4)
    booked = booked_by_slot(db, MONDAY, TZ)
    from_store = forecast(MONDAY, list(CENTRE.peak_rates), walk_ins_by_slot(db, days, TZ), booked)
    ht = from_store.field("HT")
    assert ht is not None
    by_hand = [hand_walk_ins(ROWS, d)[("HT", 16)] for d in days]
    assert ht.walk_in[16] == round(sum(by_hand) / 4, 4) and ht.arrivals[16] == ht.walk_in[16] + 3
    assert from_store == forecast(MONDAY, list(CENTRE.peak_rates), hand_history(ROWS, days), booked)


def test_booked_appointments_per_half_hour(db) -> None:  # type: ignore[no-untyped-def]
    # A1, A2 and A3 (01:15 UTC = 08:15 in Hanoi) at 08:00–08:30; A4 checked in still counts; A5
    # cancelled; A6 the next day; A7 the day before
    assert booked_by_slot(db, MONDAY, TZ) == {("HT", 16): 3, ("DD", 18): 1}
    assert booked_by_slot(db, MONDAY - dt.timedelta(days=1), TZ) == {("HT", 47): 1}


def test_service_minutes_match_a_hand_count(db) -> None:  # type: ignore[no-untyped-def]
    first, last = dt.date(2026, 10, 26), dt.date(2026, 11, 22)
    spans: dict[str, list[float]] = defaultdict(list)
    for row in ROWS:
        if first.isoformat() <= row["day"] <= last.isoformat() and row["state"] == "done":
            spans[row["service"]].append((local(row["done_at"]) - local(row["served_at"])).total_seconds() / 60)
    measured = service_minutes(db, first, last)
    assert measured.keys() == spans.keys() == CENTRE.service_minutes.keys()
    for service, values in spans.items():
        assert measured[service] == pytest.approx(sum(values) / len(values))
        # and near the simulation's true mean (exponential: standard error = mean / √count)
        assert abs(measured[service] - CENTRE.service_minutes[service]) < 4 * CENTRE.service_minutes[service] / len(values) ** 0.5


def test_the_heat_map_matches_a_hand_count(db) -> None:  # type: ignore[no-untyped-def]
    first, last = dt.date(2026, 10, 1), dt.date(2026, 11, 22)  # Thursday 1 October to a Sunday
    result = heat_map(arrival_cells(db, first, last, TZ), first, last)
    arrivals: Counter[tuple[int, int]] = Counter()
    waits: dict[tuple[int, int], list[float]] = defaultdict(list)
    for row in ROWS:
        if first.isoformat() <= row["day"] <= last.isoformat() and row.get("transferred_from") is None:
            moment = local(row["issued_at"])
            arrivals[(moment.weekday(), moment.hour)] += 1
            if row["called_at"]:
                waits[(moment.weekday(), moment.hour)].append((local(row["called_at"]) - moment).total_seconds() / 60)
    assert result.days == weekday_counts(first, last) == (7, 7, 7, 8, 8, 8, 8)
    for weekday in range(7):
        for hour in range(24):
            assert result.arrivals[weekday][hour] == arrivals[(weekday, hour)]
            cell = waits[(weekday, hour)]
            if cell:  # SQLite's julianday() keeps times to about 50 µs: equal to the rounding
                assert result.average_wait[weekday][hour] == pytest.approx(sum(cell) / len(cell), abs=0.0051)
            else:
                assert result.average_wait[weekday][hour] is None
    assert result.arrivals_per_day[0][8] == round(arrivals[(0, 8)] / 7, 2)
    assert result.arrivals[6] == (0,) * 24 and result.average_wait[6] == (None,) * 24  # Sundays closed
    assert sum(map(sum, result.arrivals)) == sum(arrivals.values()) > 10_000
