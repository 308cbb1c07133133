"""Deciding on appointments: slots, booking, cancelling, checking in at the kiosk.

A service takes bookings when its ``slot_capacity`` is above zero; its slots start at each
opening-hours range's start, every ``slot_minutes``, and end within the range. A citizen
checks in from ``checkin_early`` before the slot to ``checkin_late`` after its start and gets
a ticket that goes before ordinary ones; later than that, the booking still gives an
ordinary ticket, as if the citizen had walked in.
"""

from __future__ import annotations

import datetime as dt

from queue_server.core.codes import is_booking_code
from queue_server.core.commands import BookAppointment, CancelAppointment, CheckIn
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import AppointmentState
from queue_server.core.site import Service
from queue_server.core.state import LobbyState
from queue_server.core.tickets import check_cap, check_open, issued_event


def slots(service: Service, day: dt.date, tz: dt.tzinfo) -> list[dt.datetime]:
    """Every slot start of ``service`` on ``day`` (none if it takes no bookings)."""
    if service.slot_capacity <= 0:
        return []
    step = dt.timedelta(minutes=service.slot_minutes)
    starts = []
    for r in service.hours.ranges_on(day.weekday()):
        start = dt.datetime.combine(day, r.start, tz)
        end = dt.datetime.combine(day, r.end, tz)
        while start + step <= end:
            starts.append(start)
            start += step
    return starts


def book(state: LobbyState, cmd: BookAppointment) -> list[Event]:
    service = state.service(cmd.service)
    site = state.site
    slot = site.local(cmd.slot_start)
    today = site.local(cmd.now).date()
    if slot not in slots(service, slot.date(), site.tz):
        raise DomainError(
            ErrorCode.SLOT_INVALID,
            f"{slot:%H:%M %d/%m/%Y} is not a booking slot of {service.name_en}.",
            service=service.code,
        )
    last_day = today + dt.timedelta(days=site.policy.booking_days_ahead)
    if slot <= cmd.now or slot.date() > last_day:
        raise DomainError(
            ErrorCode.SLOT_INVALID,
            f"Bookings are taken from now to {last_day:%d/%m/%Y}.",
            service=service.code,
        )
    if state.booked_in_slot(service.code, slot) >= service.slot_capacity:
        raise DomainError(ErrorCode.SLOT_FULL, f"The {slot:%H:%M %d/%m/%Y} slot is full.", service=service.code)
    if not is_booking_code(cmd.code):
        raise DomainError(ErrorCode.CODE_INVALID, "The booking code is not of the right form.")
    if cmd.code in state.appointments:
        raise DomainError(ErrorCode.CODE_TAKEN, "The booking code is taken; make another.")
    return [
        Event(
            EventType.APPOINTMENT_BOOKED,
            cmd.now,
            {"id": state.next_appointment_id, "code": cmd.code, "service": service.code, "slot_start": slot.isoformat()},
        )
    ]


def cancel(state: LobbyState, cmd: CancelAppointment) -> list[Event]:
    appointment = state.appointment(cmd.code)
    _check_usable(appointment.state)
    return [
        Event(
            EventType.APPOINTMENT_CANCELLED, cmd.now, {"id": appointment.id, "code": appointment.code, "service": appointment.service}
        )
    ]


def check_in(state: LobbyState, cmd: CheckIn) -> list[Event]:
    appointment = state.appointment(cmd.booking)
    _check_usable(appointment.state)
    site = state.site
    policy = site.policy
    service = state.service(appointment.service)
    slot = site.local(appointment.slot_start)
    if site.local(cmd.now).date() != slot.date():
        raise DomainError(
            ErrorCode.BOOKING_WRONG_DAY,
            f"This appointment is on {slot:%d/%m/%Y}, not today.",
            day=slot.date().isoformat(),
        )
    opens = slot - policy.checkin_early
    if cmd.now < opens:
        raise DomainError(
            ErrorCode.BOOKING_TOO_EARLY,
            f"Check-in for the {slot:%H:%M} appointment opens at {site.local(opens):%H:%M}.",
            opens_at=opens.isoformat(),
        )
    late = cmd.now > slot + policy.checkin_late
    if late:
        check_open(state, service, cmd.now)
        check_cap(state, service, cmd.now)
        ticket = issued_event(state, service, cmd.ticket_code, cmd.now, source=cmd.source)
    else:
        ticket = issued_event(
            state, service, cmd.ticket_code, cmd.now, appointment=appointment.code, slot_start=slot, source=cmd.source
        )
    checked_in = Event(
        EventType.APPOINTMENT_CHECKED_IN,
        cmd.now,
        {"id": appointment.id, "code": appointment.code, "service": service.code, "ticket": ticket.data["ticket"], "late": late},
    )
    return [checked_in, ticket]


def _check_usable(state: AppointmentState) -> None:
    if state is AppointmentState.CANCELLED:
        raise DomainError(ErrorCode.BOOKING_CANCELLED, "This appointment was cancelled.")
    if state is AppointmentState.CHECKED_IN:
        raise DomainError(ErrorCode.BOOKING_USED, "This appointment has already been checked in.")
