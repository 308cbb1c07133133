"""Applying events to the state: the only code that changes it.

Replaying the log through :func:`apply` rebuilds the state exactly, so nothing here may
depend on anything but the state and the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from queue_server.core.events import Event, EventType
from queue_server.core.model import (
    Appointment,
    AppointmentState,
    CounterState,
    DeviceStatus,
    FollowUp,
    HelpRequest,
    Reentry,
    ReentryState,
    Ticket,
    TicketState,
)
from queue_server.core.state import LobbyState

# a re-entry is kept this long after its last day (core/reentries.py says why)
REENTRY_KEPT_AFTER = dt.timedelta(days=60)


def apply(state: LobbyState, event: Event) -> None:
    if event.seq <= state.seq:
        raise ValueError(f"event {event.seq} is not after {state.seq}: the log is out of order")
    _APPLY[event.type](state, event)
    state.seq = event.seq


def _day_opened(state: LobbyState, event: Event) -> None:
    day = dt.date.fromisoformat(event.data["day"])
    state.day = day
    for ticket_id in [i for i, t in state.tickets.items() if t.day < day]:
        ticket = state.tickets.pop(ticket_id)
        state.fee_references.pop(ticket_id, None)
        if state.codes.get(ticket.code) == ticket_id:
            del state.codes[ticket.code]
    for key in [k for k in state.last_number if k[1] < day]:
        del state.last_number[key]
    for key in [k for k in state.queues if k[1] < day]:
        del state.queues[key]
    for counter_day in [k for k in state.targeted if k[1] < day]:
        del state.targeted[counter_day]
    for code in [c for c, a in state.appointments.items() if a.day < day]:
        del state.appointments[code]
    for request_id in [i for i, r in state.help_requests.items() if r.day < day]:
        del state.help_requests[request_id]
    for reentry in [r for r in state.reentries.values() if r.valid_until + REENTRY_KEPT_AFTER < day]:
        del state.reentries[reentry.id]
        del state.reentry_hashes[reentry.code_hash]
    for counter in state.counters.values():
        if counter.current in state.tickets:  # busy with a ticket of the new day: leave it be
            continue
        counter.state = CounterState.CLOSED
        counter.officer = None
        counter.current = None
        counter.priority_streak = 0
        counter.pause_reason = None


def _issued(state: LobbyState, event: Event) -> None:
    d = event.data
    slot = d.get("slot_start")
    ticket = Ticket(
        id=d["ticket"],
        label=d["label"],
        code=d["code"],
        service=d["service"],
        number=d["number"],
        day=dt.date.fromisoformat(d["day"]),
        issued_at=event.at,
        arrival_at=event.at,
        priority=d.get("priority"),
        appointment=d.get("appointment"),
        slot_start=dt.datetime.fromisoformat(slot) if slot else None,
        source=d.get("source"),
        dossier=d.get("dossier"),
        target_counter=d.get("target_counter"),
    )
    _add(state, ticket)
    state.start_waiting(ticket)
    state.last_number[(ticket.service, ticket.day)] = ticket.number


def _add(state: LobbyState, ticket: Ticket) -> None:
    state.tickets[ticket.id] = ticket
    state.codes[ticket.code] = ticket.id
    state.next_ticket_id = max(state.next_ticket_id, ticket.id + 1)


def _called(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    counter = state.counters[event.data["counter"]]
    state.stop_waiting(ticket)
    ticket.state = TicketState.CALLED
    ticket.counter = counter.number
    ticket.officer = counter.officer
    ticket.called_at = event.at
    counter.current = ticket.id
    counter.priority_streak = counter.priority_streak + 1 if ticket.priority else 0


def _recalled(state: LobbyState, event: Event) -> None:
    state.tickets[event.data["ticket"]].recalls = event.data["recalls"]


def _serving(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    ticket.state = TicketState.SERVING
    ticket.served_at = event.at


def _leave_counter(state: LobbyState, ticket: Ticket, new_state: TicketState) -> None:
    ticket.state = new_state
    if ticket.counter is not None and state.counters[ticket.counter].current == ticket.id:
        state.counters[ticket.counter].current = None


def _no_show(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    _leave_counter(state, ticket, TicketState.NO_SHOW)
    ticket.done_at = event.at


def _returned(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    ticket.state = TicketState.WAITING
    ticket.returns = event.data["returns"]
    ticket.arrival_at = event.at
    ticket.counter = ticket.officer = ticket.called_at = ticket.done_at = None
    state.start_waiting(ticket)


def _completed(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    _leave_counter(state, ticket, TicketState.DONE)
    ticket.done_at = event.at
    state.service_seconds[ticket.service].append(event.data["service_seconds"])


def _cancelled(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    if ticket.state is TicketState.WAITING:
        state.stop_waiting(ticket)
    _leave_counter(state, ticket, TicketState.CANCELLED)
    ticket.done_at = event.at


def _transferred(state: LobbyState, event: Event) -> None:
    d = event.data
    old = state.tickets[d["ticket"]]
    _leave_counter(state, old, TicketState.TRANSFERRED)
    old.done_at = event.at
    old.transferred_to = d["new_ticket"]
    new = Ticket(
        id=d["new_ticket"],
        label=old.label,
        code=old.code,
        service=d["to_service"],
        number=old.number,
        day=old.day,
        issued_at=event.at,
        arrival_at=dt.datetime.fromisoformat(d["arrival_at"]),
        priority=old.priority,
        appointment=old.appointment,
        slot_start=old.slot_start,
        target_counter=d["to_counter"],
        source=old.source,
        transferred_from=old.id,
    )
    _add(state, new)
    state.start_waiting(new)


def _counter_changed(state: LobbyState, event: Event) -> None:
    counter = state.counters[event.data["counter"]]
    counter.state = CounterState(event.data["state"])
    counter.officer = event.data["officer"]
    counter.pause_reason = event.data.get("reason") if counter.state is CounterState.PAUSED else None
    if counter.state is CounterState.CLOSED:
        counter.priority_streak = 0


def _rated(state: LobbyState, event: Event) -> None:
    state.tickets[event.data["ticket"]].rating = event.data["score"]


def _follow_up_opened(state: LobbyState, event: Event) -> None:
    d = event.data
    state.follow_ups[d["item"]] = FollowUp(
        id=d["item"],
        label=d["label"],
        service=d["service"],
        counter=d["counter"],
        officer=d["officer"],
        score=d["score"],
        opened_at=event.at,
    )


def _follow_up_closed(state: LobbyState, event: Event) -> None:
    item = state.follow_ups[event.data["item"]]
    item.closed_at = event.at
    item.closed_by = event.data["by"]
    item.note = event.data["note"]


def _alarm(state: LobbyState, event: Event) -> None:
    state.tickets[event.data["ticket"]].alarmed = True


def _booked(state: LobbyState, event: Event) -> None:
    d = event.data
    number = d.get("id", state.next_appointment_id)  # a booking logged before ids: the next one, as on replay
    state.appointments[d["code"]] = Appointment(
        code=d["code"], service=d["service"], slot_start=dt.datetime.fromisoformat(d["slot_start"]), id=number
    )
    state.next_appointment_id = max(state.next_appointment_id, number + 1)


def _checked_in(state: LobbyState, event: Event) -> None:
    appointment = state.appointments[event.data["code"]]
    appointment.state = AppointmentState.CHECKED_IN
    appointment.ticket = event.data["ticket"]


def _appointment_cancelled(state: LobbyState, event: Event) -> None:
    state.appointments[event.data["code"]].state = AppointmentState.CANCELLED


def _announcement(state: LobbyState, event: Event) -> None:
    state.announcement = (event.data["text_vi"], event.data["text_en"])


def _device_status(state: LobbyState, event: Event) -> None:
    d = event.data
    key = (d["device"], d["component"])
    known = state.devices.get(key)
    since = known.since if known is not None and known.ok == d["ok"] else event.at
    state.devices[key] = DeviceStatus(d["device"], d["component"], d["ok"], d["detail"], since)


def _trust(state: LobbyState, event: Event) -> None:
    """A device enrolled, revoked or rotated: the lobby's state is the same (the tokens are
    the server's store's, not the core's)."""


def _fee_referenced(state: LobbyState, event: Event) -> None:
    state.fee_references[event.data["ticket"]] = event.data["reference"]


def _help_requested(state: LobbyState, event: Event) -> None:
    d = event.data
    state.help_requests[d["request"]] = HelpRequest(
        id=d["request"],
        place=d["place"],
        place_name=d["place_name"],
        kind=d["kind"],
        note=d["note"],
        day=dt.date.fromisoformat(d["day"]),
        asked_at=event.at,
    )
    state.next_help_id = max(state.next_help_id, d["request"] + 1)


def _help_taken(state: LobbyState, event: Event) -> None:
    request = state.help_requests[event.data["request"]]
    request.taken_by = event.data["volunteer"]
    request.taken_at = event.at


def _help_closed(state: LobbyState, event: Event) -> None:
    request = state.help_requests[event.data["request"]]
    if request.taken_by is None:  # helped on the spot: taken as it closed
        request.taken_by = event.data["volunteer"]
        request.taken_at = event.at
    request.closed_by = event.data["volunteer"]
    request.closed_at = event.at


def _audit(state: LobbyState, event: Event) -> None:
    """A volunteer's look-up: in the log for the audit, nothing in the lobby's state."""


def _reentry_issued(state: LobbyState, event: Event) -> None:
    d = event.data
    if d["replaces"] is not None:
        state.reentries[d["replaces"]].state = ReentryState.REPLACED
    reentry = Reentry(
        id=d["reentry"],
        code_hash=d["code_hash"],
        ticket=d["ticket"],
        label=d["label"],
        service=d["service"],
        counter=d["counter"],
        officer=d["officer"],
        note=d["note"],
        valid_until=dt.date.fromisoformat(d["valid_until"]),
        issued_at=event.at,
        dossier=d.get("dossier"),
    )
    state.reentries[reentry.id] = reentry
    state.reentry_hashes[reentry.code_hash] = reentry.id
    state.next_reentry_id = max(state.next_reentry_id, reentry.id + 1)


def _reentry_used(state: LobbyState, event: Event) -> None:
    reentry = state.reentries[event.data["reentry"]]
    reentry.state = ReentryState.USED
    reentry.used_at = event.at
    reentry.used_ticket = event.data["ticket"]
def _dossier_linked(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    ticket.linked_dossiers = (*ticket.linked_dossiers, event.data["dossier"])


def _dossier_unlinked(state: LobbyState, event: Event) -> None:
    ticket = state.tickets[event.data["ticket"]]
    ticket.linked_dossiers = tuple(code for code in ticket.linked_dossiers if code != event.data["dossier"])


_APPLY: dict[EventType, Callable[[LobbyState, Event], None]] = {
    EventType.DAY_OPENED: _day_opened,
    EventType.TICKET_ISSUED: _issued,
    EventType.TICKET_CALLED: _called,
    EventType.TICKET_RECALLED: _recalled,
    EventType.TICKET_SERVING: _serving,
    EventType.TICKET_NO_SHOW: _no_show,
    EventType.TICKET_RETURNED: _returned,
    EventType.TICKET_TRANSFERRED: _transferred,
    EventType.TICKET_COMPLETED: _completed,
    EventType.TICKET_CANCELLED: _cancelled,
    EventType.COUNTER_CHANGED: _counter_changed,
    EventType.RATING_RECORDED: _rated,
    EventType.FOLLOW_UP_OPENED: _follow_up_opened,
    EventType.FOLLOW_UP_CLOSED: _follow_up_closed,
    EventType.ALARM_WAIT_EXCEEDED: _alarm,
    EventType.APPOINTMENT_BOOKED: _booked,
    EventType.APPOINTMENT_CHECKED_IN: _checked_in,
    EventType.APPOINTMENT_CANCELLED: _appointment_cancelled,
    EventType.ANNOUNCEMENT_CHANGED: _announcement,
    EventType.DEVICE_STATUS: _device_status,
    EventType.FEE_REFERENCED: _fee_referenced,
    EventType.DEVICE_ENROLLED: _trust,
    EventType.DEVICE_REVOKED: _trust,
    EventType.DEVICE_ROTATED: _trust,
    EventType.HELP_REQUESTED: _help_requested,
    EventType.HELP_TAKEN: _help_taken,
    EventType.HELP_CLOSED: _help_closed,
    EventType.VOLUNTEER_LOOKED_UP: _audit,
    EventType.REENTRY_ISSUED: _reentry_issued,
    EventType.REENTRY_USED: _reentry_used,
    EventType.VISIT_DOSSIER_LINKED: _dossier_linked,
    EventType.VISIT_DOSSIER_UNLINKED: _dossier_unlinked,
}
