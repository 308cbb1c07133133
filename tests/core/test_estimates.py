"""People ahead and the estimated wait, from recent service times and open counters."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core import commands as c
from tests.core.conftest import at


def serve_for(centre, counter, minutes):
    centre.issue("HT")
    centre.call_next(counter)
    centre.later(minutes)
    centre.complete(counter)


def test_there_is_no_estimate_when_no_counter_for_the_service_is_open(centre):
    centre.open(3)  # DD and KD only
    assert centre.lobby.state.estimated_wait_minutes("HT", 5) is None


def test_a_paused_counter_does_not_count(centre):
    centre.open(1)
    centre.run(c.PauseCounter(centre.now, 1))
    assert centre.lobby.state.open_counters_for("HT") == 0
    assert centre.lobby.state.estimated_wait_minutes("HT", 5) is None


@pytest.mark.parametrize(("ahead", "counters", "minutes"), [(0, 1, 0), (1, 1, 6), (3, 1, 18), (3, 2, 9), (1, 2, 3)])
def test_with_no_service_yet_the_estimate_uses_the_default_service_time(centre, ahead, counters, minutes):
    for number in (1, 2)[:counters]:
        centre.open(number)
    assert centre.lobby.state.estimated_wait_minutes("HT", ahead) == minutes


def test_the_default_service_time_is_a_policy(make_centre):
    centre = make_centre(default_service_minutes=2.5)
    centre.open(1)
    assert centre.lobby.state.estimated_wait_minutes("HT", 3) == 8  # 7.5 rounded up


def test_completed_services_feed_the_estimate(centre):
    centre.open(1)
    serve_for(centre, 1, 2)
    serve_for(centre, 1, 4)
    assert centre.lobby.state.average_service_seconds("HT") == 180
    assert centre.lobby.state.estimated_wait_minutes("HT", 3) == 9
    assert centre.lobby.state.average_service_seconds("KD") == 360  # other services keep the default


def test_only_the_most_recent_services_count(make_centre):
    centre = make_centre(recent_services=2)
    centre.open(1)
    for minutes in (30, 2, 4):
        serve_for(centre, 1, minutes)
    assert centre.lobby.state.average_service_seconds("HT") == 180


def test_an_unknown_service_has_the_default_service_time(centre):
    assert centre.lobby.state.average_service_seconds("XX") == 360


def test_people_ahead_are_those_of_the_same_service_called_before(centre):
    first = centre.issue("HT")
    centre.issue("KD")
    centre.later(1)
    second = centre.issue("HT")
    centre.later(1)
    elderly = centre.issue("HT", priority="elderly")
    state = centre.lobby.state
    assert [state.people_ahead(t) for t in (elderly, first, second)] == [0, 1, 2]


def test_an_appointment_ticket_has_only_priority_tickets_ahead(centre):
    booking = centre.book(at(9, 0))
    centre.issue("HT")
    centre.at(8, 50)
    centre.issue("HT", priority="veteran")
    booked = centre.check_in(booking)
    assert centre.lobby.state.people_ahead(booked) == 1


def test_appointment_tickets_are_ahead_of_each_other_by_slot_as_they_are_called(make_centre):
    centre = make_centre(checkin_early=dt.timedelta(minutes=45))
    nine, half_past = centre.book(at(9, 0)), centre.book(at(9, 30))
    centre.at(8, 50)
    later_slot = centre.check_in(half_past)
    centre.later(1)
    earlier_slot = centre.check_in(nine)
    state = centre.lobby.state
    assert (state.people_ahead(earlier_slot), state.people_ahead(later_slot)) == (0, 1)
    assert [t.id for t in state.waiting_for("HT", at(9).date())] == [earlier_slot.id, later_slot.id]
