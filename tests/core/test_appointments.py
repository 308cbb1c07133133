"""Appointments: slots with a capacity, booking codes, the horizon, check-in windows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from queue_server.core import commands as c
from queue_server.core.appointments import slots
from queue_server.core.errors import ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.evolve import apply
from queue_server.core.model import AppointmentState, TicketState
from queue_server.core.site import OpeningHours, TimeRange
from tests.core.conftest import AFTERNOON, MONDAY, MORNING, TZ, at, make_services, replace_service

HT, DD, KD = make_services()


def test_slots_start_at_each_range_start_every_slot_length():
    starts = slots(HT, MONDAY, TZ)
    assert [f"{s:%H:%M}" for s in starts] == [
        "07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00",
        "13:30", "14:00", "14:30", "15:00", "15:30", "16:00", "16:30",
    ]
    assert all(s.tzinfo is TZ for s in starts)


def test_a_slot_must_end_within_its_range():
    service = dataclasses.replace(HT, hours=OpeningHours(frozenset({0}), (TimeRange(dt.time(8), dt.time(9, 45)),)))
    assert [f"{s:%H:%M}" for s in slots(service, MONDAY, TZ)] == ["08:00", "08:30", "09:00"]


@pytest.mark.parametrize(
    ("service", "day"),
    [(KD, MONDAY), (HT, MONDAY + dt.timedelta(days=5)), (HT, MONDAY + dt.timedelta(days=6))],
)
def test_there_are_no_slots_on_closed_days_or_for_services_that_take_no_bookings(service, day):
    assert slots(service, day, TZ) == []


def test_slots_follow_the_ranges_of_the_day():
    hours = OpeningHours(frozenset(range(6)), (MORNING, AFTERNOON), by_day=((5, (MORNING,)),))
    service = dataclasses.replace(HT, hours=hours)
    saturday = slots(service, MONDAY + dt.timedelta(days=5), TZ)
    assert (f"{saturday[0]:%H:%M}", f"{saturday[-1]:%H:%M}", len(saturday)) == ("07:30", "11:00", 8)


# booking

def test_bookings_are_numbered_on_across_days_and_one_logged_before_numbers_takes_the_next(centre):
    first = centre.book(at(9, 0, day=1))
    second = centre.book(at(9, 30, day=1))
    state = centre.lobby.state
    assert (state.appointment(first).id, state.appointment(second).id) == (1, 2)
    legacy = Event(EventType.APPOINTMENT_BOOKED, centre.now, {"code": "LEGACY23", "service": "HT",
                   "slot_start": at(10, 0, day=1).isoformat()})  # fmt: skip
    apply(state, legacy.numbered(state.seq + 1))  # a log written before bookings had ids, replayed
    assert state.appointment("LEGACY23").id == 3 and state.next_appointment_id == 4


def test_a_citizen_books_a_free_slot(centre):
    code = centre.codes.booking()
    (event,) = centre.run(c.BookAppointment(centre.now, "HT", at(9, 30, day=1), code))
    assert event.type is EventType.APPOINTMENT_BOOKED
    assert event.data == {"id": 1, "code": code, "service": "HT", "slot_start": "2025-03-04T09:30:00+07:00"}
    appointment = centre.lobby.state.appointment(code)
    assert appointment.service == "HT"
    assert appointment.slot_start == at(9, 30, day=1)
    assert appointment.state is AppointmentState.BOOKED


def test_a_slot_given_in_another_time_zone_is_the_same_slot(centre):
    code = centre.codes.booking()
    centre.run(c.BookAppointment(centre.now, "HT", dt.datetime(2025, 3, 4, 2, 30, tzinfo=dt.UTC), code))
    assert centre.lobby.state.appointment(code).slot_start == at(9, 30, day=1)


@pytest.mark.parametrize(
    ("service", "slot"),
    [
        ("HT", at(9, 10, day=1)),  # not a slot start
        ("HT", at(12, 0, day=1)),  # lunch
        ("HT", at(9, 0, day=5)),  # Saturday
        ("KD", at(9, 0, day=1)),  # takes no bookings
    ],
)
def test_a_moment_that_is_not_a_slot_cannot_be_booked(centre, service, slot):
    error = centre.refuse(c.BookAppointment(centre.now, service, slot, centre.codes.booking()), ErrorCode.SLOT_INVALID)
    assert error.details == {"service": service}


@pytest.mark.parametrize("slot", [at(7, 30), at(8, 0)])
def test_a_slot_that_has_begun_cannot_be_booked(centre, slot):
    centre.refuse(c.BookAppointment(centre.now, "HT", slot, centre.codes.booking()), ErrorCode.SLOT_INVALID)


@pytest.mark.parametrize(("days", "allowed"), [(14, True), (15, False)])
def test_bookings_are_taken_up_to_the_horizon(centre, days, allowed):
    command = c.BookAppointment(centre.now, "HT", at(9, 0, day=days), centre.codes.booking())
    if allowed:
        centre.run(command)
    else:
        error = centre.refuse(command, ErrorCode.SLOT_INVALID)
        assert "17/03/2025" in error.message


def test_the_horizon_is_a_policy(make_centre):
    centre = make_centre(booking_days_ahead=1)
    centre.book(at(9, 0, day=1))
    centre.refuse(c.BookAppointment(centre.now, "HT", at(9, 0, day=2), centre.codes.booking()), ErrorCode.SLOT_INVALID)


def test_a_slot_takes_as_many_bookings_as_its_capacity(centre):
    centre.book(at(9, 0, day=1))
    centre.book(at(9, 0, day=1))
    centre.refuse(c.BookAppointment(centre.now, "HT", at(9, 0, day=1), centre.codes.booking()), ErrorCode.SLOT_FULL)
    centre.book(at(9, 30, day=1))


def test_a_cancelled_booking_frees_its_place(centre):
    first = centre.book(at(9, 0, day=1))
    centre.book(at(9, 0, day=1))
    centre.run(c.CancelAppointment(centre.now, first))
    centre.book(at(9, 0, day=1))
    assert centre.lobby.state.booked_in_slot("HT", at(9, 0, day=1)) == 2


@pytest.mark.parametrize("code", ["", "ABCD234", "abcd2345", "ABCD-2345", "ABCD234O"])
def test_a_booking_code_of_the_wrong_form_is_refused(centre, code):
    centre.refuse(c.BookAppointment(centre.now, "HT", at(9, 0, day=1), code), ErrorCode.CODE_INVALID)


def test_a_booking_code_already_given_is_refused(centre):
    code = centre.book(at(9, 0, day=1))
    centre.refuse(c.BookAppointment(centre.now, "HT", at(10, 0, day=1), code), ErrorCode.CODE_TAKEN)


def test_booking_an_unknown_service_is_refused(centre):
    command = c.BookAppointment(centre.now, "XX", at(9, 0, day=1), centre.codes.booking())
    centre.refuse(command, ErrorCode.SERVICE_UNKNOWN)


# cancelling


def test_a_booked_appointment_can_be_cancelled(centre):
    code = centre.book(at(9, 0, day=1))
    (event,) = centre.run(c.CancelAppointment(centre.later(1), code))
    assert event.type is EventType.APPOINTMENT_CANCELLED
    assert event.data == {"id": 1, "code": code, "service": "HT"}
    assert centre.lobby.state.appointment(code).state is AppointmentState.CANCELLED


@pytest.mark.parametrize(
    ("use", "code"), [("cancel", ErrorCode.BOOKING_CANCELLED), ("check_in", ErrorCode.BOOKING_USED)]
)
def test_a_cancelled_or_used_appointment_cannot_be_cancelled(centre, use, code):
    booking = centre.book(at(9, 0))
    centre.at(8, 50)
    if use == "cancel":
        centre.run(c.CancelAppointment(centre.now, booking))
    else:
        centre.check_in(booking)
    centre.refuse(c.CancelAppointment(centre.now, booking), code)


def test_cancelling_an_unknown_booking_is_refused(centre):
    centre.refuse(c.CancelAppointment(centre.now, "ABCD2345"), ErrorCode.BOOKING_UNKNOWN)


# checking in


@pytest.mark.parametrize("moment", [at(8, 45), at(8, 59), at(9, 0), at(9, 10)])
def test_checking_in_within_the_window_gives_an_appointment_ticket(centre, moment):
    booking = centre.book(at(9, 0))
    centre.now = moment
    ticket_code = centre.codes.ticket()
    checked_in, issued = centre.run(c.CheckIn(moment, booking, ticket_code, source="kiosk-2"))
    assert checked_in.type is EventType.APPOINTMENT_CHECKED_IN
    assert issued.type is EventType.TICKET_ISSUED
    ticket = centre.lobby.state.ticket_by_code(ticket_code)
    assert checked_in.data == {"id": 1, "code": booking, "service": "HT", "ticket": ticket.id, "late": False}
    assert (ticket.appointment, ticket.slot_start, ticket.source) == (booking, at(9, 0), "kiosk-2")
    assert (ticket.state, ticket.label) == (TicketState.WAITING, "A001")
    appointment = centre.lobby.state.appointment(booking)
    assert (appointment.state, appointment.ticket) == (AppointmentState.CHECKED_IN, ticket.id)


@pytest.mark.parametrize("moment", [at(8, 44, 59), at(8, 0)])
def test_checking_in_too_early_is_refused_with_the_window_opening(centre, moment):
    booking = centre.book(at(9, 0))
    error = centre.refuse(c.CheckIn(moment, booking, centre.codes.ticket()), ErrorCode.BOOKING_TOO_EARLY)
    assert error.details == {"opens_at": at(8, 45).isoformat()}
    assert "08:45" in error.message


@pytest.mark.parametrize("moment", [at(9, 10, 1), at(10, 30)])
def test_a_late_arrival_gets_an_ordinary_ticket(centre, moment):
    booking = centre.book(at(9, 0))
    centre.now = moment
    checked_in, _ = centre.run(c.CheckIn(moment, booking, centre.codes.ticket()))
    ticket = centre.ticket(checked_in.data["ticket"])
    assert checked_in.data["late"] is True
    assert (ticket.appointment, ticket.slot_start, ticket.priority) == (None, None, None)
    assert centre.lobby.state.appointment(booking).state is AppointmentState.CHECKED_IN


def test_a_booked_citizen_may_check_in_before_the_service_opens(centre):
    booking = centre.book(at(7, 30, day=1))
    centre.at(7, 15, day=1)
    assert centre.check_in(booking).appointment == booking


def test_a_late_arrival_after_closing_time_is_refused_as_the_service_is_closed(centre):
    booking = centre.book(at(11, 0))
    error = centre.refuse(c.CheckIn(at(11, 45), booking, centre.codes.ticket()), ErrorCode.SERVICE_CLOSED)
    assert error.details["opens_at"] == at(13, 30).isoformat()


def test_a_late_arrival_is_refused_when_the_service_is_full(make_centre):
    centre = make_centre(services=replace_service("HT", daily_cap=1))
    booking = centre.book(at(9, 0))
    centre.issue("HT")
    centre.refuse(c.CheckIn(at(9, 30), booking, centre.codes.ticket()), ErrorCode.SERVICE_FULL)


@pytest.mark.parametrize("day", [-1, 1])
def test_checking_in_on_another_day_is_refused(centre, day):
    booking = centre.book(at(9, 0, day=1))
    error = centre.refuse(c.CheckIn(at(9, 0, day=1 + day), booking, centre.codes.ticket()), ErrorCode.BOOKING_WRONG_DAY)
    assert error.details == {"day": "2025-03-04"}


def test_an_appointment_is_checked_in_once(centre):
    booking = centre.book(at(9, 0))
    centre.at(8, 50)
    centre.check_in(booking)
    centre.refuse(c.CheckIn(centre.now, booking, centre.codes.ticket()), ErrorCode.BOOKING_USED)


def test_a_cancelled_appointment_is_not_checked_in(centre):
    booking = centre.book(at(9, 0))
    centre.run(c.CancelAppointment(centre.now, booking))
    centre.refuse(c.CheckIn(at(8, 50), booking, centre.codes.ticket()), ErrorCode.BOOKING_CANCELLED)


def test_an_unknown_booking_is_not_checked_in(centre):
    centre.refuse(c.CheckIn(centre.now, "ABCD2345", centre.codes.ticket()), ErrorCode.BOOKING_UNKNOWN)


@pytest.mark.parametrize("late", [False, True])
def test_a_check_in_with_a_bad_ticket_code_changes_nothing(centre, late):
    booking = centre.book(at(9, 0))
    taken = centre.issue("KD").code
    moment = at(9, 30) if late else at(8, 50)
    centre.refuse(c.CheckIn(moment, booking, "BAD"), ErrorCode.CODE_INVALID)
    centre.refuse(c.CheckIn(moment, booking, taken), ErrorCode.CODE_TAKEN)


def test_a_check_in_takes_the_next_number_of_the_service(centre):
    booking = centre.book(at(9, 0))
    centre.issue("HT")
    centre.at(8, 50)
    assert centre.check_in(booking).label == "A002"
