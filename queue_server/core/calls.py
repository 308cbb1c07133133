"""Deciding at a counter: call, recall, start serving, no-show, transfer, complete."""

from __future__ import annotations

from queue_server.core.commands import (
    CallNext,
    CallTicket,
    Complete,
    CounterAction,
    MarkNoShow,
    Recall,
    StartServing,
    Transfer,
)
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import Counter, CounterState, Ticket, TicketState
from queue_server.core.ordering import can_call_at, next_ticket
from queue_server.core.state import LobbyState


def call_next(state: LobbyState, cmd: CallNext) -> list[Event]:
    counter = _ready_to_call(state, cmd.counter)
    day = state.site.local(cmd.now).date()
    ticket = next_ticket(counter, state.callable_at(counter, day), cmd.now, state.site.policy.max_priority_in_row)
    if ticket is None:
        raise DomainError(ErrorCode.QUEUE_EMPTY, f"Nobody is waiting for counter {counter.number}.", counter=counter.number)
    return [_called(counter, ticket, cmd)]


def call_ticket(state: LobbyState, cmd: CallTicket) -> list[Event]:
    counter = _ready_to_call(state, cmd.counter)
    ticket = state.ticket(cmd.ticket)
    if ticket.state is not TicketState.WAITING:
        raise DomainError(
            ErrorCode.TICKET_STATE, f"Ticket {ticket.label} is {ticket.state.value}, not waiting.", ticket=ticket.id
        )
    if not can_call_at(ticket, counter):
        raise DomainError(
            ErrorCode.TICKET_NOT_HERE,
            f"Ticket {ticket.label} is not for counter {counter.number}.",
            ticket=ticket.id,
            counter=counter.number,
        )
    return [_called(counter, ticket, cmd)]


def recall(state: LobbyState, cmd: Recall) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED)
    return [_event(EventType.TICKET_RECALLED, cmd, counter, ticket, recalls=ticket.recalls + 1)]


def start_serving(state: LobbyState, cmd: StartServing) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED)
    return [_event(EventType.TICKET_SERVING, cmd, counter, ticket)]


def no_show(state: LobbyState, cmd: MarkNoShow) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED)
    return [_event(EventType.TICKET_NO_SHOW, cmd, counter, ticket, recalls=ticket.recalls)]


def complete(state: LobbyState, cmd: Complete) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED, TicketState.SERVING)
    started = ticket.served_at or ticket.called_at
    assert started is not None
    seconds = max((cmd.now - started).total_seconds(), 0.0)
    return [_event(EventType.TICKET_COMPLETED, cmd, counter, ticket, service_seconds=round(seconds, 3))]


def transfer(state: LobbyState, cmd: Transfer) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED, TicketState.SERVING)
    if (cmd.to_service is None) == (cmd.to_counter is None):
        raise DomainError(ErrorCode.TRANSFER_INVALID, "Transfer to either a service or a counter, not both or neither.")
    to_service = ticket.service
    if cmd.to_service is not None:
        to_service = state.service(cmd.to_service).code
        if to_service == ticket.service:
            raise DomainError(
                ErrorCode.TRANSFER_INVALID, f"Ticket {ticket.label} is already in {to_service}.", ticket=ticket.id
            )
    if cmd.to_counter is not None:
        state.counter(cmd.to_counter)
        if cmd.to_counter == counter.number:
            raise DomainError(ErrorCode.TRANSFER_INVALID, "A ticket cannot be transferred to its own counter.")
    keep = state.site.policy.transfer_keeps_arrival
    arrival = ticket.arrival_at if keep else cmd.now
    return [
        _event(
            EventType.TICKET_TRANSFERRED,
            cmd,
            counter,
            ticket,
            new_ticket=state.next_ticket_id,
            to_service=to_service,
            to_counter=cmd.to_counter,
            arrival_at=arrival.isoformat(),
            note=cmd.note,
        )
    ]


def _ready_to_call(state: LobbyState, number: int) -> Counter:
    counter = state.counter(number)
    if counter.state is not CounterState.OPEN:
        raise DomainError(
            ErrorCode.COUNTER_NOT_OPEN, f"Counter {number} is {counter.state.value}; open it first.", counter=number
        )
    if counter.current is not None:
        current = state.tickets[counter.current]
        raise DomainError(
            ErrorCode.COUNTER_BUSY,
            f"Counter {number} still has ticket {current.label}: complete, transfer or mark it no-show first.",
            counter=number,
            ticket=current.id,
        )
    return counter


def current_at(state: LobbyState, cmd: CounterAction, *allowed: TicketState) -> tuple[Counter, Ticket]:
    counter = state.counter(cmd.counter)
    if counter.current is None:
        raise DomainError(ErrorCode.COUNTER_IDLE, f"Counter {counter.number} has no current ticket.", counter=counter.number)
    ticket = state.tickets[counter.current]
    if cmd.ticket is not None and cmd.ticket != ticket.id:
        raise DomainError(
            ErrorCode.TICKET_NOT_CURRENT,
            f"Ticket {cmd.ticket} is not the current ticket of counter {counter.number} ({ticket.label} is).",
            counter=counter.number,
            ticket=ticket.id,
        )
    if ticket.state not in allowed:
        raise DomainError(
            ErrorCode.TICKET_STATE,
            f"Ticket {ticket.label} is {ticket.state.value}; this needs it "
            + " or ".join(s.value for s in allowed)
            + ".",
            ticket=ticket.id,
        )
    return counter, ticket


def _called(counter: Counter, ticket: Ticket, cmd: CallNext | CallTicket) -> Event:
    return _event(EventType.TICKET_CALLED, cmd, counter, ticket, priority=ticket.priority)


def _event(
    kind: EventType, cmd: CallNext | CallTicket | CounterAction, counter: Counter, ticket: Ticket, **extra: object
) -> Event:
    data: dict[str, object] = {
        "ticket": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "counter": counter.number,
        "counter_name": counter.spec.name,
        "officer": counter.officer,
    }
    data.update(extra)
    return Event(kind, cmd.now, data)
