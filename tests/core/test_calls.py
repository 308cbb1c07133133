"""At the counter: call, call one ticket, recall, serve, no-show and put back, complete."""

from __future__ import annotations

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.model import TicketState


def test_calling_the_next_ticket_sends_it_to_the_counter(centre):
    centre.open(1, "lan")
    ticket = centre.issue("HT")
    (event,) = centre.run(c.CallNext(centre.later(3), 1))
    assert event.type is EventType.TICKET_CALLED
    assert event.data == {
        "ticket": ticket.id, "label": "A001", "service": "HT", "counter": 1, "counter_name": "Quầy 1",
        "officer": "lan", "priority": None,
    }
    assert (ticket.state, ticket.counter, ticket.officer) == (TicketState.CALLED, 1, "lan")
    assert ticket.called_at == centre.now
    assert centre.lobby.state.counters[1].current == ticket.id


def test_a_counter_calls_only_the_services_it_serves(centre):
    centre.open(1)
    centre.issue("KD")
    centre.refuse(c.CallNext(centre.now, 1), ErrorCode.QUEUE_EMPTY)


def test_nobody_waiting_means_an_empty_queue(centre):
    centre.open(1)
    error = centre.refuse(c.CallNext(centre.now, 1), ErrorCode.QUEUE_EMPTY)
    assert error.details == {"counter": 1}


def test_tickets_of_another_day_are_not_called(centre):
    centre.open(2)
    centre.issue("HT")
    centre.at(8, 0, day=1)  # no tick: the day has not been opened yet
    centre.refuse(c.CallNext(centre.now, 2), ErrorCode.QUEUE_EMPTY)


@pytest.mark.parametrize("command", [c.CallNext, lambda now, n: c.CallTicket(now, n, 1)])
@pytest.mark.parametrize("setup", ["closed", "signed_in_only", "paused"])
def test_only_an_open_counter_calls(centre, command, setup):
    centre.issue("HT")
    centre.run(c.SignIn(centre.now, 1, "lan"))
    if setup == "paused":
        centre.run(c.OpenCounter(centre.now, 1))
        centre.run(c.PauseCounter(centre.now, 1))
    if setup == "closed":
        centre.run(c.SignOut(centre.now, 1))
    centre.refuse(command(centre.now, 1), ErrorCode.COUNTER_NOT_OPEN)


@pytest.mark.parametrize("command", [c.CallNext, lambda now, n: c.CallTicket(now, n, 2)])
def test_a_counter_with_a_current_ticket_cannot_call_another(centre, command):
    centre.open(1)
    first = centre.issue("HT")
    centre.issue("HT")
    centre.call_next(1)
    error = centre.refuse(command(centre.now, 1), ErrorCode.COUNTER_BUSY)
    assert error.details == {"counter": 1, "ticket": first.id}
    assert "A001" in error.message


@pytest.mark.parametrize(
    "command",
    [
        c.CallNext,
        lambda now, n: c.CallTicket(now, n, 1),
        c.Recall,
        c.StartServing,
        c.MarkNoShow,
        c.Complete,
        lambda now, n: c.Transfer(now, n, to_service="KD"),
    ],
)
def test_an_unknown_counter_is_refused(centre, command):
    centre.refuse(command(centre.now, 9), ErrorCode.COUNTER_UNKNOWN)


# calling one ticket


def test_an_officer_may_call_one_waiting_ticket_out_of_order(centre):
    centre.open(2)
    centre.issue("HT")
    later = centre.issue("DD")
    assert centre.call(2, later).state is TicketState.CALLED
    assert centre.lobby.state.counters[2].current == later.id


def test_calling_a_ticket_that_is_not_waiting_is_refused(centre):
    centre.open(1)
    centre.open(2)
    ticket = centre.issue("HT")
    centre.call_next(1)
    error = centre.refuse(c.CallTicket(centre.now, 2, ticket.id), ErrorCode.TICKET_STATE)
    assert error.details == {"ticket": ticket.id}


def test_calling_an_unknown_ticket_is_refused(centre):
    centre.open(1)
    centre.refuse(c.CallTicket(centre.now, 1, 42), ErrorCode.TICKET_UNKNOWN)


def test_calling_a_ticket_of_a_service_the_counter_does_not_serve_is_refused(centre):
    centre.open(1)
    ticket = centre.issue("KD")
    error = centre.refuse(c.CallTicket(centre.now, 1, ticket.id), ErrorCode.TICKET_NOT_HERE)
    assert error.details == {"ticket": ticket.id, "counter": 1}


def test_a_priority_ticket_called_by_hand_counts_in_the_priority_streak(centre):
    centre.open(1)
    ticket = centre.issue("HT", priority="veteran")
    centre.call(1, ticket)
    assert centre.lobby.state.counters[1].priority_streak == 1


# recall, serve


def test_each_recall_is_counted(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    counts = [centre.run(c.Recall(centre.later(1), 1, ticket.id))[0].data["recalls"] for _ in range(3)]
    assert counts == [1, 2, 3]
    assert ticket.recalls == 3
    assert ticket.state is TicketState.CALLED


def test_a_citizen_at_the_counter_is_being_served(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    (event,) = centre.run(c.StartServing(centre.later(1), 1))
    assert event.type is EventType.TICKET_SERVING
    assert (ticket.state, ticket.served_at) == (TicketState.SERVING, centre.now)


@pytest.mark.parametrize("command", [c.Recall, c.StartServing, c.MarkNoShow])
def test_recall_serve_and_no_show_need_a_called_ticket(centre, command):
    centre.open(1)
    centre.issue("HT")
    centre.call_next(1)
    centre.serve(1)
    error = centre.refuse(command(centre.now, 1), ErrorCode.TICKET_STATE)
    assert "serving" in error.message and "called" in error.message


@pytest.mark.parametrize(
    "command",
    [c.Recall, c.StartServing, c.MarkNoShow, c.Complete, lambda now, n: c.Transfer(now, n, to_service="KD")],
)
def test_an_action_on_the_current_ticket_needs_one(centre, command):
    centre.open(1)
    error = centre.refuse(command(centre.now, 1), ErrorCode.COUNTER_IDLE)
    assert error.details == {"counter": 1}


@pytest.mark.parametrize(
    "command",
    [c.Recall, c.StartServing, c.MarkNoShow, c.Complete, lambda now, n, t: c.Transfer(now, n, t, to_service="KD")],
)
def test_an_action_naming_another_ticket_than_the_current_one_is_refused(centre, command):
    centre.open(1)
    current = centre.issue("HT")
    other = centre.issue("HT")
    centre.call_next(1)
    error = centre.refuse(command(centre.now, 1, other.id), ErrorCode.TICKET_NOT_CURRENT)
    assert error.details == {"counter": 1, "ticket": current.id}


# no-show


def test_a_citizen_who_does_not_come_is_a_no_show(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.run(c.Recall(centre.later(1), 1))
    event = centre.no_show(1)
    assert event.data["recalls"] == 1
    assert (ticket.state, ticket.done_at) == (TicketState.NO_SHOW, centre.now)
    assert centre.lobby.state.counters[1].current is None


def test_a_late_arrival_is_put_back_in_the_queue_as_from_now(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.no_show(1)
    (event,) = centre.run(c.ReturnNoShow(centre.later(10), ticket.id))
    assert event.type is EventType.TICKET_RETURNED
    assert event.data == {"ticket": ticket.id, "label": "A001", "service": "HT", "returns": 1}
    assert (ticket.state, ticket.returns, ticket.arrival_at) == (TicketState.WAITING, 1, centre.now)
    assert (ticket.counter, ticket.officer, ticket.called_at, ticket.done_at) == (None, None, None, None)


def test_a_returned_ticket_waits_behind_those_who_came_before_its_return(centre):
    centre.open(1)
    late = centre.issue("HT")
    centre.call_next(1)
    centre.no_show(1)
    punctual = centre.issue("HT")
    centre.run(c.ReturnNoShow(centre.later(1), late.id))
    assert centre.call_next(1) is punctual


@pytest.mark.parametrize("limit", [0, 1, 2])
def test_a_ticket_is_put_back_at_most_as_often_as_the_policy_allows(make_centre, limit):
    centre = make_centre(no_show_returns=limit)
    centre.open(1)
    ticket = centre.issue("HT")
    for _ in range(limit):
        centre.call(1, ticket)
        centre.no_show(1)
        centre.run(c.ReturnNoShow(centre.later(1), ticket.id))
    centre.call(1, ticket)
    centre.no_show(1)
    error = centre.refuse(c.ReturnNoShow(centre.later(1), ticket.id), ErrorCode.RETURN_LIMIT)
    assert error.details == {"ticket": ticket.id}
    assert ticket.returns == limit


@pytest.mark.parametrize("end", [None, "called", "complete"])
def test_only_a_no_show_is_put_back(centre, end):
    centre.open(1)
    ticket = centre.issue("HT")
    if end:
        centre.call_next(1)
    if end == "complete":
        centre.complete(1)
    error = centre.refuse(c.ReturnNoShow(centre.now, ticket.id), ErrorCode.TICKET_STATE)
    assert "not a no-show" in error.message


def test_putting_back_an_unknown_ticket_is_refused(centre):
    centre.refuse(c.ReturnNoShow(centre.now, 7), ErrorCode.TICKET_UNKNOWN)


# complete


@pytest.mark.parametrize(("serve_after", "seconds"), [(None, 300.0), (1, 240.0)])
def test_completing_measures_the_service_from_serving_or_else_from_the_call(centre, serve_after, seconds):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    if serve_after:
        centre.later(serve_after)
        centre.serve(1)
    centre.at(8, 5)
    event = centre.complete(1)
    assert event.type is EventType.TICKET_COMPLETED
    assert event.data["service_seconds"] == seconds
    assert (ticket.state, ticket.done_at) == (TicketState.DONE, centre.now)
    assert centre.lobby.state.counters[1].current is None
    assert list(centre.lobby.state.service_seconds["HT"]) == [seconds]


def test_a_clock_that_went_back_gives_no_negative_service_time(centre):
    centre.open(1)
    centre.issue("HT")
    centre.call_next(1)
    centre.later(seconds=-30)
    assert centre.complete(1).data["service_seconds"] == 0.0


def test_a_completed_ticket_cannot_be_acted_on_again(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.complete(1)
    centre.refuse(c.Complete(centre.now, 1, ticket.id), ErrorCode.COUNTER_IDLE)
