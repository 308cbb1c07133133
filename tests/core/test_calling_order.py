"""Who a counter calls next: priority (but not forever), appointments, weighted longest wait."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core import commands as c
from tests.core.conftest import at


def test_a_priority_ticket_is_called_before_earlier_ordinary_ones(centre):
    centre.open(1)
    centre.issue("HT")
    centre.later(5)
    elderly = centre.issue("HT", priority="elderly")
    assert centre.call_next(1) is elderly


def test_priority_tickets_among_themselves_go_by_waiting_time(centre):
    centre.open(1)
    first = centre.issue("HT", priority="pregnant")
    centre.later(1)
    centre.issue("HT", priority="elderly")
    assert centre.call_next(1) is first


@pytest.mark.parametrize(
    ("limit", "order"),
    [
        (1, ["P1", "O1", "P2", "O2", "P3", "P4", "P5"]),
        (2, ["P1", "P2", "O1", "P3", "P4", "O2", "P5"]),
        (3, ["P1", "P2", "P3", "O1", "P4", "P5", "O2"]),
        (5, ["P1", "P2", "P3", "P4", "P5", "O1", "O2"]),
    ],
)
def test_priority_tickets_cannot_starve_ordinary_ones(make_centre, limit, order):
    centre = make_centre(max_priority_in_row=limit)
    centre.open(1)
    names = {}
    for name in ["O1", "O2", "P1", "P2", "P3", "P4", "P5"]:
        ticket = centre.issue("HT", priority="elderly" if name.startswith("P") else None)
        names[ticket.label] = name
        centre.later(1)
    assert [names[label] for label in centre.served_order(1, 7)] == order


def test_priority_goes_on_when_no_ordinary_ticket_waits(make_centre):
    centre = make_centre(max_priority_in_row=1)
    centre.open(1)
    for _ in range(3):
        centre.issue("HT", priority="disabled")
    assert centre.served_order(1, 3) == ["A001", "A002", "A003"]
    assert centre.lobby.state.counters[1].priority_streak == 3


def test_the_priority_streak_is_kept_per_counter(make_centre):
    centre = make_centre(max_priority_in_row=1)
    centre.open(1)
    centre.open(2)
    ordinary = centre.issue("HT")
    first, second = centre.issue("HT", priority="elderly"), centre.issue("HT", priority="elderly")
    assert centre.call_next(1) is first
    assert centre.call_next(2) is second  # counter 2 has called no priority yet
    centre.complete(1)
    assert centre.call_next(1) is ordinary


def test_an_ordinary_call_ends_the_priority_streak(centre):
    centre.open(1)
    centre.issue("HT", priority="elderly")
    centre.issue("HT")
    centre.served_order(1, 1)
    assert centre.lobby.state.counters[1].priority_streak == 1
    centre.served_order(1, 1)
    assert centre.lobby.state.counters[1].priority_streak == 0


@pytest.mark.parametrize("command", [c.CloseCounter, c.SignOut])
def test_closing_a_counter_ends_its_priority_streak(make_centre, command):
    centre = make_centre(max_priority_in_row=1)
    centre.open(1)
    centre.issue("HT", priority="elderly")
    centre.served_order(1, 1)
    centre.run(command(centre.now, 1))
    assert centre.lobby.state.counters[1].priority_streak == 0


def test_pausing_a_counter_keeps_its_priority_streak(centre):
    centre.open(1)
    centre.issue("HT", priority="elderly")
    centre.served_order(1, 1)
    centre.run(c.PauseCounter(centre.now, 1))
    centre.run(c.OpenCounter(centre.now, 1))
    assert centre.lobby.state.counters[1].priority_streak == 1


# appointments


def test_a_checked_in_appointment_goes_before_walk_ins(centre):
    code = centre.book(at(9, 0))
    centre.open(1)
    centre.at(8, 30)
    centre.issue("HT")
    centre.at(8, 50)
    booked = centre.check_in(code)
    assert centre.call_next(1) is booked


def test_checked_in_appointments_go_by_slot(make_centre):
    centre = make_centre(checkin_early=dt.timedelta(minutes=45))
    nine, half_past = centre.book(at(9, 0)), centre.book(at(9, 30))
    centre.open(1)
    centre.at(8, 50)
    later_slot = centre.check_in(half_past)
    centre.later(1)
    earlier_slot = centre.check_in(nine)
    assert centre.served_order(1, 2) == [earlier_slot.label, later_slot.label]


def test_priority_goes_before_appointments(centre):
    code = centre.book(at(9, 0))
    centre.open(1)
    centre.at(8, 50)
    centre.check_in(code)
    elderly = centre.issue("HT", priority="elderly")
    assert centre.call_next(1) is elderly


# weighted longest wait


@pytest.mark.parametrize(
    ("now", "first"),
    [
        ((8, 10), "HT"),  # HT waited 600 s × 1 = 600; DD waited 240 s × 2 = 480
        ((8, 12), "HT"),  # 720 against 720: a tie goes to the earlier arrival
        ((8, 20), "DD"),  # 1200 against 840 × 2 = 1680
    ],
)
def test_a_counter_calls_the_longest_wait_weighted_by_its_service_weights(centre, now, first):
    centre.open(2)
    centre.issue("HT")
    centre.at(8, 6)
    centre.issue("DD")
    centre.at(*now)
    assert centre.call_next(2).service == first


def test_within_one_service_the_longest_wait_goes_first(centre):
    centre.open(1)
    tickets = []
    for _ in range(3):
        tickets.append(centre.issue("HT"))
        centre.later(1)
    assert centre.served_order(1, 3) == [t.label for t in tickets]


def test_tickets_that_arrived_together_go_by_issue_order(centre):
    centre.open(3)
    first = centre.issue("KD")
    centre.issue("DD")
    assert centre.call_next(3) is first


def test_a_clock_behind_the_arrivals_still_calls_the_earliest(centre):
    centre.open(2)
    centre.at(8, 10)
    earlier = centre.issue("HT")
    centre.at(8, 11)
    centre.issue("DD")
    centre.at(8, 5)  # both waits count as nothing
    assert centre.call_next(2) is earlier
