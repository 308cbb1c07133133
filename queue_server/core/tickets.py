"""Deciding on tickets outside a counter: issue, put back after a no-show, cancel."""

from __future__ import annotations

import datetime as dt

from queue_server.core.codes import is_ticket_code
from queue_server.core.commands import CancelTicket, IssueTicket, ReturnNoShow
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import TicketState
from queue_server.core.site import Service
from queue_server.core.state import LobbyState


def issue(state: LobbyState, cmd: IssueTicket) -> list[Event]:
    service = state.service(cmd.service)
    if cmd.priority is not None and state.site.priority(cmd.priority) is None:
        raise DomainError(
            ErrorCode.PRIORITY_UNKNOWN, f"There is no priority category {cmd.priority!r}.", priority=cmd.priority
        )
    check_open(state, service, cmd.now)
    check_cap(state, service, cmd.now)
    return [
        issued_event(state, service, cmd.code, cmd.now, priority=cmd.priority, source=cmd.source, dossier=cmd.dossier)
    ]


def check_open(state: LobbyState, service: Service, now: dt.datetime) -> None:
    local = state.site.local(now)
    if not service.hours.is_open(local):
        opening = service.hours.next_opening(local)
        when = f" It opens at {opening:%H:%M %d/%m/%Y}." if opening else ""
        raise DomainError(
            ErrorCode.SERVICE_CLOSED,
            f"{service.name_en} is closed now.{when}",
            service=service.code,
            opens_at=opening.isoformat() if opening else None,
        )


def check_cap(state: LobbyState, service: Service, now: dt.datetime) -> None:
    day = state.site.local(now).date()
    if service.daily_cap is not None and state.issued_today(service.code, day) >= service.daily_cap:
        raise DomainError(
            ErrorCode.SERVICE_FULL,
            f"{service.name_en} has given all {service.daily_cap} numbers for today.",
            service=service.code,
            cap=service.daily_cap,
        )


def issued_event(
    state: LobbyState,
    service: Service,
    code: str,
    now: dt.datetime,
    *,
    priority: str | None = None,
    appointment: str | None = None,
    slot_start: dt.datetime | None = None,
    source: str | None = None,
    dossier: str | None = None,
    target_counter: int | None = None,
) -> Event:
    if not is_ticket_code(code):
        raise DomainError(ErrorCode.CODE_INVALID, "The ticket code is not of the right form.")
    if code in state.codes:
        raise DomainError(ErrorCode.CODE_TAKEN, "The ticket code is taken; make another.")
    day = state.site.local(now).date()
    number = state.last_number.get((service.code, day), service.number_start - 1) + 1
    extra: dict[str, object] = {"dossier": dossier} if dossier is not None else {}
    if target_counter is not None:  # a return visit sent to one counter (core/reentries.py)
        extra["target_counter"] = target_counter
    return Event(
        EventType.TICKET_ISSUED,
        now,
        {
            "ticket": state.next_ticket_id,
            "label": service.label(number),
            "code": code,
            "service": service.code,
            "number": number,
            "day": day.isoformat(),
            "priority": priority,
            "appointment": appointment,
            "slot_start": slot_start.isoformat() if slot_start else None,
            "source": source,
            **extra,
        },
    )


def return_no_show(state: LobbyState, cmd: ReturnNoShow) -> list[Event]:
    ticket = state.ticket(cmd.ticket)
    if ticket.state is not TicketState.NO_SHOW:
        raise DomainError(
            ErrorCode.TICKET_STATE, f"Ticket {ticket.label} is {ticket.state.value}, not a no-show.", ticket=ticket.id
        )
    limit = state.site.policy.no_show_returns
    if ticket.returns >= limit:
        raise DomainError(
            ErrorCode.RETURN_LIMIT,
            f"Ticket {ticket.label} was put back {ticket.returns} time(s); the limit is {limit}.",
            ticket=ticket.id,
        )
    return [
        Event(
            EventType.TICKET_RETURNED,
            cmd.now,
            {"ticket": ticket.id, "label": ticket.label, "service": ticket.service, "returns": ticket.returns + 1},
        )
    ]


def cancel(state: LobbyState, cmd: CancelTicket) -> list[Event]:
    ticket = state.ticket(cmd.ticket)
    if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
        raise DomainError(
            ErrorCode.TICKET_STATE,
            f"Ticket {ticket.label} is {ticket.state.value}; only a waiting or called ticket can be cancelled.",
            ticket=ticket.id,
        )
    return [
        Event(
            EventType.TICKET_CANCELLED,
            cmd.now,
            {
                "ticket": ticket.id,
                "label": ticket.label,
                "service": ticket.service,
                "counter": ticket.counter,
                "reason": cmd.reason,
            },
        )
    ]
