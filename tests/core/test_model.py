"""Entities, events and errors as plain values for the edges."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core import DomainError, ErrorCode, Event, EventType
from queue_server.core.model import Appointment, Counter, Ticket, TicketState
from tests.core.conftest import COUNTERS, MONDAY, at


@pytest.mark.parametrize(
    ("state", "final"),
    [
        (TicketState.WAITING, False),
        (TicketState.CALLED, False),
        (TicketState.SERVING, False),
        (TicketState.DONE, True),
        (TicketState.NO_SHOW, True),
        (TicketState.TRANSFERRED, True),
        (TicketState.CANCELLED, True),
    ],
)
def test_done_no_show_transferred_and_cancelled_are_final(state, final):
    assert state.is_final is final


def test_a_ticket_as_a_dict_holds_plain_values():
    ticket = Ticket(
        id=1, label="A001", code="ABCDEFGH23", service="HT", number=1, day=MONDAY,
        issued_at=at(8), arrival_at=at(8), priority="elderly",
    )
    row = ticket.as_dict()
    assert row["day"] == "2025-03-03"
    assert row["issued_at"] == "2025-03-03T08:00:00+07:00"
    assert row["state"] == "waiting"
    assert row["priority"] == "elderly"
    assert row["called_at"] is None
    assert row["recalls"] == 0
    assert row["linked_dossiers"] == []  # the one list: the visit's dossier codes
    assert all(isinstance(v, str | int | bool | type(None)) for k, v in row.items() if k != "linked_dossiers")


def test_a_counter_as_a_dict_names_its_services_in_order():
    counter = Counter(COUNTERS[2], officer="lan")
    assert counter.as_dict() == {
        "number": 3, "name": "Quầy 3", "services": ["DD", "KD"], "state": "closed", "officer": "lan", "current": None,
        "pause_reason": None,
    }


@pytest.mark.parametrize(("service", "serves"), [("DD", True), ("KD", True), ("HT", False)])
def test_a_counter_serves_the_services_it_has_a_weight_for(service, serves):
    assert Counter(COUNTERS[2]).serves(service) is serves


def test_a_counter_with_weight_zero_does_not_serve_that_service():
    from queue_server.core.site import CounterSpec

    assert not Counter(CounterSpec(9, "Quầy 9", {"HT": 0.0})).serves("HT")


def test_an_appointment_is_on_its_slot_s_day_and_becomes_plain_values():
    appointment = Appointment("ABCD2345", "HT", at(9, 30, day=2), id=7)
    assert appointment.day == dt.date(2025, 3, 5)
    assert appointment.as_dict() == {
        "id": 7,
        "code": "ABCD2345",
        "service": "HT",
        "slot_start": "2025-03-05T09:30:00+07:00",
        "state": "booked",
        "ticket": None,
    }


def test_an_event_is_numbered_as_a_new_value():
    event = Event(EventType.TICKET_ISSUED, at(8), {"ticket": 1})
    numbered = event.numbered(7)
    assert (event.seq, numbered.seq) == (0, 7)
    assert numbered.data is event.data and numbered.type is event.type


@pytest.mark.parametrize(
    ("data", "ids"),
    [
        ({"ticket": 4}, (4,)),
        ({"ticket": 4, "new_ticket": 5}, (4, 5)),
        ({"ticket": None}, ()),
        ({"counter": 1}, ()),
    ],
)
def test_an_event_names_the_tickets_it_changes(data, ids):
    assert Event(EventType.TICKET_TRANSFERRED, at(8), data).ticket_ids == ids


def test_a_domain_error_carries_its_code_message_and_details():
    error = DomainError(ErrorCode.SERVICE_FULL, "Land is full.", service="DD", cap=3)
    assert str(error) == error.message == "Land is full."
    assert error.code is ErrorCode.SERVICE_FULL
    assert dict(error.details) == {"service": "DD", "cap": 3}
    assert repr(error) == "DomainError('service_full', 'Land is full.')"
