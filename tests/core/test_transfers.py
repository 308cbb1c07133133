"""Transferring a citizen to another service or to one counter."""

from __future__ import annotations

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.model import TicketState


@pytest.fixture
def at_counter_2(centre):
    """A001 issued at 08:00, called at counter 2 at 08:10."""
    centre.open(2)
    centre.open(3)
    ticket = centre.issue("HT")
    centre.later(10)
    centre.call_next(2)
    return ticket


@pytest.mark.parametrize("serving", [False, True])
def test_a_transfer_ends_the_old_ticket_and_queues_a_new_one(centre, at_counter_2, serving):
    old = at_counter_2
    if serving:
        centre.serve(2)
    (event,) = centre.run(c.Transfer(centre.later(2), 2, old.id, to_service="KD", note="thiếu giấy tờ"))
    assert event.type is EventType.TICKET_TRANSFERRED
    assert event.ticket_ids == (old.id, event.data["new_ticket"])
    assert event.data["to_service"] == "KD" and event.data["to_counter"] is None
    assert event.data["note"] == "thiếu giấy tờ"
    new = centre.ticket(event.data["new_ticket"])
    assert (old.state, old.done_at, old.transferred_to) == (TicketState.TRANSFERRED, centre.now, new.id)
    assert (new.state, new.service, new.transferred_from) == (TicketState.WAITING, "KD", old.id)
    assert (new.label, new.number, new.code, new.day) == (old.label, old.number, old.code, old.day)
    assert new.issued_at == centre.now
    assert centre.lobby.state.counters[2].current is None


def test_the_new_ticket_is_called_by_a_counter_of_the_new_service(centre, at_counter_2):
    new = centre.transfer(2, to_service="KD")
    assert centre.call_next(3) is new


def test_the_ticket_code_follows_the_citizen_to_the_new_ticket(centre, at_counter_2):
    new = centre.transfer(2, to_service="KD")
    assert centre.lobby.state.ticket_by_code(at_counter_2.code) is new


@pytest.mark.parametrize(("keeps", "arrival"), [(True, (8, 0)), (False, (8, 12))])
def test_a_transfer_keeps_the_original_arrival_if_the_policy_says_so(make_centre, keeps, arrival):
    centre = make_centre(transfer_keeps_arrival=keeps)
    centre.open(2)
    centre.issue("HT")
    centre.later(10)
    centre.call_next(2)
    centre.later(2)
    new = centre.transfer(2, to_service="DD")
    assert new.arrival_at == centre.at(*arrival)


def test_a_kept_arrival_puts_the_transferred_citizen_before_later_arrivals(centre, at_counter_2):
    centre.issue("KD")
    new = centre.transfer(2, to_service="KD")
    assert centre.call_next(3) is new


def test_a_transfer_to_a_counter_keeps_the_service_and_is_called_there_only(centre, at_counter_2):
    centre.open(1)
    new = centre.transfer(2, to_counter=1)
    assert (new.service, new.target_counter) == ("HT", 1)
    assert centre.call_next(1) is new


def test_a_ticket_sent_to_one_counter_is_not_called_elsewhere(centre, at_counter_2):
    centre.open(1)
    new = centre.transfer(2, to_counter=1)
    centre.refuse(c.CallNext(centre.now, 2), ErrorCode.QUEUE_EMPTY)
    centre.refuse(c.CallTicket(centre.now, 2, new.id), ErrorCode.TICKET_NOT_HERE)


def test_a_counter_takes_a_ticket_sent_to_it_even_of_a_service_it_does_not_serve(centre, at_counter_2):
    new = centre.transfer(2, to_counter=3)
    assert not centre.lobby.state.counters[3].serves("HT")
    assert centre.call_next(3) is new


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ({}, ErrorCode.TRANSFER_INVALID),
        ({"to_service": "KD", "to_counter": 3}, ErrorCode.TRANSFER_INVALID),
        ({"to_service": "HT"}, ErrorCode.TRANSFER_INVALID),
        ({"to_counter": 2}, ErrorCode.TRANSFER_INVALID),
        ({"to_service": "XX"}, ErrorCode.SERVICE_UNKNOWN),
        ({"to_counter": 9}, ErrorCode.COUNTER_UNKNOWN),
    ],
)
def test_a_transfer_needs_one_other_existing_service_or_counter(centre, at_counter_2, target, code):
    centre.refuse(c.Transfer(centre.now, 2, **target), code)


def test_a_transferred_ticket_can_be_transferred_again(centre, at_counter_2):
    new = centre.transfer(2, to_service="DD")
    assert centre.call_next(3) is new
    newer = centre.transfer(3, to_service="HT")
    assert centre.lobby.state.ticket_by_code(at_counter_2.code) is newer
    assert (newer.label, newer.transferred_from, new.transferred_to) == ("A001", new.id, newer.id)


def test_a_transfer_does_not_take_a_number(centre, at_counter_2):
    centre.transfer(2, to_service="KD")
    assert centre.issue("HT").label == "A002"
    assert centre.issue("KD").label == "C001"
