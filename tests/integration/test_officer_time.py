"""Officer time from events, on hand-made logs whose every second is counted here by hand:
serving wins over a pause, time splits at midnight, every day starts closed."""

from __future__ import annotations

import datetime as dt

from queue_server.core.events import Event, EventType
from queue_server.store.insight import quality
from queue_server.store.officer_time import NO_REASON, Activity, walk
from tests.integration.sites import TZ

DAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ)


def changed(moment: dt.datetime, state: str, officer: str | None = "lan", reason: str | None = None, counter: int = 1) -> Event:
    data = {"counter": counter, "name": f"Quầy {counter}", "state": state, "officer": officer}
    if state == "paused":
        data["reason"] = reason
    return Event(EventType.COUNTER_CHANGED, moment, data)


def called(moment: dt.datetime, ticket: int, counter: int = 1) -> Event:
    return Event(EventType.TICKET_CALLED, moment, {"ticket": ticket, "counter": counter})


def left(moment: dt.datetime, ticket: int, kind: EventType = EventType.TICKET_COMPLETED) -> Event:
    return Event(kind, moment, {"ticket": ticket})


def minutes(totals, officer="lan", day=DAY):  # type: ignore[no-untyped-def]
    return {(a.value, r): round(s / 60, 2) for (a, r), s in totals.get((officer, day), {}).items()}


def whole_day(day: dt.date = DAY) -> tuple[dt.datetime, dt.datetime]:
    return at(0, 0, day), at(0, 0, day + dt.timedelta(days=1))


def test_serving_idle_and_paused_by_reason() -> None:
    events = [
        changed(at(7, 30), "closed"),  # signed in
        changed(at(7, 35), "open"),
        called(at(7, 40), 1),
        left(at(7, 52), 1),
        called(at(8, 0), 2),
        left(at(8, 3), 2, EventType.TICKET_NO_SHOW),
        changed(at(8, 10), "paused", reason="meeting"),
        changed(at(9, 10), "open"),
        changed(at(9, 20), "paused"),  # an old console: no reason
        changed(at(9, 25), "open"),
        called(at(9, 30), 3),
        left(at(9, 45), 3, EventType.TICKET_TRANSFERRED),
        changed(at(10, 0), "closed"),
        changed(at(10, 0), "closed", officer=None),
    ]
    totals = walk(events, TZ, *whole_day())
    assert minutes(totals) == {
        ("serving", ""): 12 + 3 + 15,
        ("idle", ""): 5 + 8 + 7 + 10 + 5 + 15,
        ("paused", "meeting"): 60,
        ("paused", NO_REASON): 5,
    }


def test_a_ticket_finished_during_a_pause_is_serving_time() -> None:
    events = [
        changed(at(8, 0), "open"),
        called(at(8, 0), 1),
        changed(at(8, 5), "paused", reason="lunch"),
        left(at(8, 20), 1),
        changed(at(8, 50), "open"),
    ]
    totals = walk(events, TZ, at(0, 0), at(9, 0))  # today, until 09:00
    assert minutes(totals) == {("serving", ""): 20, ("paused", "lunch"): 30, ("idle", ""): 10}


def test_a_closed_counter_counts_nothing_and_other_counters_go_to_their_officers() -> None:
    events = [
        changed(at(8, 0), "closed"),
        changed(at(8, 0), "open", officer="minh", counter=2),
        changed(at(8, 30), "closed", officer="minh", counter=2),
    ]
    totals = walk(events, TZ, *whole_day())
    assert minutes(totals) == {}
    assert minutes(totals, "minh") == {("idle", ""): 30}


def test_time_splits_at_midnight_and_the_next_day_starts_closed() -> None:
    events = [
        changed(at(23, 0), "open"),
        changed(at(8, 0, DAY + dt.timedelta(days=1)), "open"),  # closed from midnight until now
        changed(at(8, 30, DAY + dt.timedelta(days=1)), "paused", reason="lunch"),
    ]
    start, _ = whole_day()
    end = at(9, 0, DAY + dt.timedelta(days=1))
    totals = walk(events, TZ, start, end)
    assert minutes(totals) == {("idle", ""): 60}
    assert minutes(totals, day=DAY + dt.timedelta(days=1)) == {("idle", ""): 30, ("paused", "lunch"): 30}


def test_events_outside_the_span_are_left_out() -> None:
    events = [changed(at(7, 0, DAY - dt.timedelta(days=1)), "open"), changed(at(8, 0), "open"), changed(at(9, 0), "closed")]
    totals = walk(events, TZ, *whole_day())
    assert minutes(totals) == {("idle", ""): 60}
    assert list(totals) == [("lan", DAY)]
    assert Activity.IDLE.value == "idle"


def test_a_wait_exactly_on_the_target_is_within_it() -> None:
    def row(ticket: int, waited: int, state: str = "done") -> dict[str, object]:
        return {
            "id": ticket, "day": DAY.isoformat(), "code": f"C{ticket}", "state": state, "service": "HT", "counter": 1,
            "officer": "lan", "issued_at": at(8, 0).isoformat(), "arrival_at": at(8, 0).isoformat(),
            "called_at": at(8, waited).isoformat(), "served_at": None, "done_at": at(8, 59).isoformat(),
            "recalls": 0, "rating": None, "transferred_from": None,
        }

    counted = quality([row(1, 10), row(2, 11), row(3, 9), row(4, 30, "transferred")], {"HT": 10}, (1, 2, 3, 4))
    assert (counted.called, counted.within_target, counted.service_level_percent) == (3, 2, 66.7)
    assert (counted.visits, counted.transactions, counted.outcomes) == (4, 4, 4)
