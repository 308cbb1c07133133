"""Issuing tickets: numbering, caps, opening hours, priorities; cancelling them."""

from __future__ import annotations

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.model import TicketState
from tests.core.conftest import at, replace_service


def test_an_issued_ticket_waits_with_its_label_code_and_arrival(centre):
    code = centre.codes.ticket()
    (event,) = centre.run(c.IssueTicket(centre.now, "HT", code, source="kiosk-1"))
    assert event.type is EventType.TICKET_ISSUED
    assert event.seq == centre.lobby.seq
    ticket = centre.lobby.state.ticket_by_code(code)
    assert (ticket.label, ticket.number, ticket.service, ticket.state) == ("A001", 1, "HT", TicketState.WAITING)
    assert ticket.issued_at == ticket.arrival_at == centre.now
    assert ticket.day == centre.now.date()
    assert ticket.source == "kiosk-1"
    assert ticket.priority is None


def test_a_pick_up_ticket_carries_its_dossier_and_others_say_nothing_of_one(centre):
    code = centre.codes.ticket()
    (event,) = centre.run(c.IssueTicket(centre.now, "HT", code, dossier="000.00.16.H12-261118-0101"))
    assert event.data["dossier"] == "000.00.16.H12-261118-0101"
    assert centre.lobby.state.ticket_by_code(code).dossier == "000.00.16.H12-261118-0101"
    (plain,) = centre.run(c.IssueTicket(centre.now, "HT", centre.codes.ticket()))
    assert "dossier" not in plain.data and centre.lobby.state.tickets[plain.data["ticket"]].dossier is None


def test_numbers_follow_each_other_within_a_service(centre):
    labels = [centre.issue("HT").label for _ in range(3)]
    assert labels == ["A001", "A002", "A003"]


def test_each_service_numbers_on_its_own(centre):
    labels = [centre.issue(service).label for service in ("HT", "DD", "HT", "KD", "DD")]
    assert labels == ["A001", "B0100", "A002", "C001", "B0101"]


@pytest.mark.parametrize(
    ("start", "width", "labels"),
    [(1, 3, ["A001", "A002"]), (500, 4, ["A0500", "A0501"]), (7, 1, ["A7", "A8"]), (999, 3, ["A999", "A1000"])],
)
def test_numbering_starts_and_pads_as_the_service_says(make_centre, start, width, labels):
    centre = make_centre(services=replace_service("HT", number_start=start, number_width=width))
    assert [centre.issue("HT").label for _ in range(2)] == labels


def test_numbers_are_not_reused_when_tickets_end(centre):
    centre.open(1)
    first = centre.issue("HT")
    second = centre.issue("HT")
    centre.run(c.CancelTicket(centre.now, second.id))
    centre.call_next(1)
    centre.complete(1)
    assert first.state is TicketState.DONE
    assert centre.issue("HT").label == "A003"


def test_numbering_starts_again_on_a_new_day(centre):
    centre.issue("HT")
    centre.issue("HT")
    centre.at(8, 0, day=1)
    centre.tick()
    assert centre.issue("HT").label == "A001"


def test_numbering_starts_again_on_a_new_day_even_before_the_day_is_opened(centre):
    centre.issue("HT")
    centre.at(8, 0, day=1)
    assert centre.issue("HT").label == "A001"


def test_a_priority_ticket_keeps_its_category(centre):
    ticket = centre.issue("HT", priority="elderly")
    assert ticket.priority == "elderly"


@pytest.mark.parametrize("priority", ["vip", "", "Elderly"])
def test_an_unknown_priority_category_is_refused(centre, priority):
    command = c.IssueTicket(centre.now, "HT", centre.codes.ticket(), priority=priority)
    error = centre.refuse(command, ErrorCode.PRIORITY_UNKNOWN)
    assert error.details["priority"] == priority


def test_an_unknown_service_is_refused(centre):
    error = centre.refuse(c.IssueTicket(centre.now, "XX", centre.codes.ticket()), ErrorCode.SERVICE_UNKNOWN)
    assert error.details == {"service": "XX"}


@pytest.mark.parametrize(
    ("service", "moment", "opens_at"),
    [
        ("HT", at(7, 0), at(7, 30)),
        ("HT", at(12, 0), at(13, 30)),
        ("DD", at(14, 0), at(7, 30, day=1)),
        ("HT", at(9, 0, day=5), at(7, 30, day=7)),  # Saturday
        ("DD", at(12, 0, day=5), at(7, 30, day=7)),  # Saturday afternoon
    ],
)
def test_a_closed_service_refuses_tickets_and_says_when_it_opens(centre, service, moment, opens_at):
    error = centre.refuse(c.IssueTicket(moment, service, centre.codes.ticket()), ErrorCode.SERVICE_CLOSED)
    assert error.details["opens_at"] == opens_at.isoformat()
    assert f"{opens_at:%H:%M %d/%m/%Y}" in error.message


def test_a_service_with_no_opening_day_is_closed_with_no_next_opening(make_centre):
    from queue_server.core.site import OpeningHours

    centre = make_centre(services=replace_service("KD", hours=OpeningHours(frozenset(), ())))
    error = centre.refuse(c.IssueTicket(centre.now, "KD", centre.codes.ticket()), ErrorCode.SERVICE_CLOSED)
    assert error.details["opens_at"] is None
    assert error.message == "Business registration is closed now."


def test_a_service_that_has_given_its_daily_cap_is_full(centre):
    assert [centre.issue("DD").label for _ in range(3)] == ["B0100", "B0101", "B0102"]
    error = centre.refuse(c.IssueTicket(centre.now, "DD", centre.codes.ticket()), ErrorCode.SERVICE_FULL)
    assert error.details == {"service": "DD", "cap": 3}


def test_the_daily_cap_counts_tickets_that_already_ended(centre):
    centre.open(3)
    for _ in range(3):
        centre.issue("DD")
        centre.call_next(3)
        centre.complete(3)
    centre.refuse(c.IssueTicket(centre.now, "DD", centre.codes.ticket()), ErrorCode.SERVICE_FULL)


def test_the_daily_cap_is_given_again_on_a_new_day(centre):
    for _ in range(3):
        centre.issue("DD")
    centre.at(8, 0, day=1)
    centre.tick()
    assert centre.issue("DD").label == "B0100"


def test_a_cap_in_one_service_leaves_the_others_alone(centre):
    for _ in range(3):
        centre.issue("DD")
    assert centre.issue("HT").label == "A001"


@pytest.mark.parametrize("code", ["", "ABCDEFGH2", "abcdefgh23", "ABCDEFGH2O", "ABCDEFGH23X"])
def test_a_ticket_code_of_the_wrong_form_is_refused(centre, code):
    centre.refuse(c.IssueTicket(centre.now, "HT", code), ErrorCode.CODE_INVALID)


def test_a_ticket_code_already_given_today_is_refused(centre):
    ticket = centre.issue("HT")
    centre.refuse(c.IssueTicket(centre.now, "KD", ticket.code), ErrorCode.CODE_TAKEN)


def test_a_ticket_is_found_by_its_code(centre):
    ticket = centre.issue("KD")
    assert centre.lobby.state.ticket_by_code(ticket.code) is ticket


def test_an_unknown_code_or_id_finds_no_ticket(centre):
    from queue_server.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        centre.lobby.state.ticket_by_code("ABCDEFGH23")
    assert caught.value.code is ErrorCode.TICKET_UNKNOWN
    with pytest.raises(DomainError) as caught:
        centre.lobby.state.ticket(99)
    assert caught.value.code is ErrorCode.TICKET_UNKNOWN


# cancelling


@pytest.mark.parametrize("called", [False, True])
def test_a_waiting_or_called_ticket_can_be_cancelled(centre, called):
    centre.open(1)
    ticket = centre.issue("HT")
    if called:
        centre.call_next(1)
    (event,) = centre.run(c.CancelTicket(centre.later(2), ticket.id, reason="left"))
    assert event.data == {
        "ticket": ticket.id, "label": "A001", "service": "HT", "counter": 1 if called else None, "reason": "left",
    }
    assert ticket.state is TicketState.CANCELLED
    assert ticket.done_at == centre.now
    assert centre.lobby.state.counters[1].current is None


def test_a_cancelled_ticket_is_no_longer_called(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.run(c.CancelTicket(centre.now, ticket.id))
    centre.refuse(c.CallNext(centre.now, 1), ErrorCode.QUEUE_EMPTY)


@pytest.mark.parametrize("end", ["serve", "complete", "cancel"])
def test_a_ticket_being_served_or_ended_cannot_be_cancelled(centre, end):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    if end == "serve":
        centre.serve(1)
    elif end == "complete":
        centre.complete(1)
    else:
        centre.run(c.CancelTicket(centre.now, ticket.id))
    centre.refuse(c.CancelTicket(centre.now, ticket.id), ErrorCode.TICKET_STATE)


def test_cancelling_an_unknown_ticket_is_refused(centre):
    centre.refuse(c.CancelTicket(centre.now, 42), ErrorCode.TICKET_UNKNOWN)
