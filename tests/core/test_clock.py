"""Time passing: a new day opens; waits past their limit raise one alarm each."""

from __future__ import annotations

import types

import pytest

from queue_server.core import commands as c
from queue_server.core.events import EventType
from queue_server.core.model import CounterState
from tests.core.conftest import at


def test_the_first_tick_opens_the_day(unopened):
    (event,) = unopened.tick()
    assert event.type is EventType.DAY_OPENED
    assert event.data == {"day": "2025-03-03", "expired": [], "closed": []}
    assert unopened.lobby.state.day == at(8).date()


def test_a_tick_on_an_opened_day_with_nothing_late_does_nothing(centre):
    centre.issue("HT")
    centre.later(5)
    assert centre.tick() == []


def test_the_day_follows_the_centre_s_time_zone(centre):
    centre.now = at(23, 30)  # 16:30 UTC: still Monday in Hồ Chí Minh City
    assert centre.tick() == []
    centre.now = at(0, 30, day=1)
    assert [e.type for e in centre.tick()] == [EventType.DAY_OPENED]


@pytest.fixture
def busy_monday(centre):
    """Monday ends with counter 1 serving A001, A002 waiting, A003 done, counter 2 paused,
    counter 3 signed in but closed, and an appointment for Tuesday."""
    for n in (1, 2):
        centre.open(n)
    centre.run(c.SignIn(centre.now, 3, "hoa"))
    served, waiting, done = centre.issue("HT"), centre.issue("HT"), centre.issue("HT")
    centre.call(2, done)
    centre.complete(2)
    centre.run(c.PauseCounter(centre.now, 2))
    centre.call(1, served)
    centre.serve(1)
    return types.SimpleNamespace(
        served=served, waiting=waiting, done=done, tomorrow=centre.book(at(9, 0, day=1)), today=centre.book(at(16, 30))
    )


def test_a_new_day_drops_yesterday_s_tickets_and_lists_those_left_unfinished(centre, busy_monday):
    centre.at(7, 0, day=1)
    (event,) = centre.tick()
    assert event.data["day"] == "2025-03-04"
    assert event.data["expired"] == [busy_monday.served.id, busy_monday.waiting.id]
    assert centre.lobby.state.tickets == {}
    assert centre.lobby.state.codes == {}
    assert centre.lobby.state.last_number == {}


def test_a_new_day_closes_every_counter_and_signs_officers_out(centre, busy_monday):
    centre.at(7, 0, day=1)
    (event,) = centre.tick()
    assert event.data["closed"] == [1, 2, 3]
    for counter in centre.lobby.state.counters.values():
        assert counter.state is CounterState.CLOSED
        assert (counter.officer, counter.current, counter.priority_streak) == (None, None, 0)


def test_a_new_day_drops_past_appointments_and_keeps_the_coming_ones(centre, busy_monday):
    centre.at(7, 0, day=1)
    centre.tick()
    assert list(centre.lobby.state.appointments) == [busy_monday.tomorrow]


def test_yesterday_s_ticket_codes_may_be_given_again(centre, busy_monday):
    code = busy_monday.served.code
    centre.at(8, 0, day=1)
    centre.tick()
    centre.run(c.IssueTicket(centre.now, "KD", code))
    assert centre.lobby.state.ticket_by_code(code).label == "C001"


def test_a_new_day_drops_transferred_tickets_with_their_successors(centre):
    centre.open(1)
    old = centre.issue("HT")
    centre.call_next(1)
    new = centre.transfer(1, to_service="KD")
    centre.at(8, 0, day=1)
    centre.tick()
    assert old.id not in centre.lobby.state.tickets and new.id not in centre.lobby.state.tickets
    assert old.code not in centre.lobby.state.codes


def test_tickets_issued_today_before_the_day_opened_are_kept(unopened):
    early = unopened.issue("HT")
    unopened.tick()
    assert unopened.lobby.state.tickets == {early.id: early}


# alarms


@pytest.mark.parametrize(("service", "limit"), [("HT", 30), ("KD", 20)])
def test_a_wait_past_the_service_limit_raises_an_alarm(centre, service, limit):
    ticket = centre.issue(service)
    centre.later(limit)
    assert centre.tick() == []  # at the limit, not past it
    centre.later(seconds=61)
    (event,) = centre.tick()
    assert event.type is EventType.ALARM_WAIT_EXCEEDED
    assert event.data == {
        "ticket": ticket.id,
        "label": ticket.label,
        "service": service,
        "waited_minutes": limit + 1,
        "limit_minutes": limit,
    }
    assert ticket.alarmed


def test_a_ticket_raises_its_alarm_once(centre):
    centre.issue("HT")
    centre.later(31)
    assert len(centre.tick()) == 1
    centre.later(30)
    assert centre.tick() == []


def test_only_waiting_tickets_raise_alarms(centre):
    centre.open(1)
    centre.issue("HT")
    centre.call_next(1)
    centre.later(60)
    assert centre.tick() == []


def test_a_new_day_opens_before_today_s_alarms(unopened):
    unopened.issue("KD")
    unopened.later(21)
    assert [e.type for e in unopened.tick()] == [EventType.DAY_OPENED, EventType.ALARM_WAIT_EXCEEDED]


def test_a_ticket_transferred_with_its_arrival_can_raise_its_own_alarm(centre):
    centre.open(1)
    centre.issue("HT")
    centre.later(25)
    centre.call_next(1)
    new = centre.transfer(1, to_service="KD")
    (event,) = centre.tick()
    assert event.data["ticket"] == new.id


def test_a_counter_already_serving_a_ticket_of_the_new_day_keeps_it_when_the_day_opens(unopened):
    centre = unopened  # the edge did not tick before the first commands of the day
    centre.open(1, "lan")
    centre.open(2, "minh")
    ticket = centre.issue("HT")
    centre.call_next(1)
    (event,) = centre.tick()
    assert event.data["closed"] == [2]
    counter = centre.lobby.state.counters[1]
    assert (counter.state, counter.officer, counter.current) == (CounterState.OPEN, "lan", ticket.id)
    centre.complete(1)
    assert ticket.state.value == "done"


def test_a_counter_serving_a_ticket_of_yesterday_is_closed_when_the_day_opens(centre):
    centre.open(1)
    centre.issue("HT")
    centre.call_next(1)
    centre.at(8, 0, day=1)
    (event,) = centre.tick()
    assert event.data["closed"] == [1]
    assert centre.lobby.state.counters[1].current is None
