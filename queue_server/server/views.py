"""What each role sees: events shaped and filtered per session, and snapshots.

Secrets (ticket and booking codes) never travel in events; the issuer gets its code in the
reply. Displays, kiosks and pads see no personal details (officer, priority category, source)
in events, snapshots or the tickets of replies, nor why a counter paused.
A public client (a phone following a ticket) sees only the events of its own ticket.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from queue_server.config.settings import Device, Role
from queue_server.core.events import Event, EventType
from queue_server.core.lobby import Lobby
from queue_server.core.model import Ticket, TicketState
from queue_server.protocol.wire import event_to_dict
from queue_server.server.session import Session

_LOBBY_EVENTS = frozenset(
    {
        EventType.DAY_OPENED,
        EventType.TICKET_ISSUED,
        EventType.TICKET_CALLED,
        EventType.TICKET_RECALLED,
        EventType.TICKET_SERVING,
        EventType.TICKET_NO_SHOW,
        EventType.TICKET_RETURNED,
        EventType.TICKET_TRANSFERRED,
        EventType.TICKET_COMPLETED,
        EventType.TICKET_CANCELLED,
        EventType.COUNTER_CHANGED,
    }
)
_BOARD_EVENTS = _LOBBY_EVENTS | {EventType.ANNOUNCEMENT_CHANGED}
_COUNTER_EVENTS = _BOARD_EVENTS | {EventType.RATING_RECORDED, EventType.ALARM_WAIT_EXCEEDED}
# a volunteer's phone: the help requests (where, how long ago), nothing of the queue's people
_HELP_EVENTS = frozenset({EventType.DAY_OPENED, EventType.HELP_REQUESTED, EventType.HELP_TAKEN, EventType.HELP_CLOSED})
_PAD_EVENTS = frozenset(
    {EventType.TICKET_CALLED, EventType.TICKET_COMPLETED, EventType.RATING_RECORDED, EventType.COUNTER_CHANGED}
)

_SECRET = ("code", "code_hash")  # code_hash: a re-entry code's SHA-256 (reentry.issued), the log's alone
# reason: why a counter paused or a ticket ended; dossier: the dossier a pick-up ticket collects;
# linked_dossiers, a rating's dossiers: the dossiers of a visit (the officer's links)
_PERSONAL = ("code", "appointment", "officer", "priority", "source", "note", "reason", "dossier", "linked_dossiers", "dossiers")

VISIBLE: dict[Role, frozenset[EventType]] = {
    Role.MANAGER: frozenset(EventType),
    Role.INTEGRATION: frozenset(EventType),
    Role.COUNTER: _COUNTER_EVENTS,
    Role.KIOSK: _BOARD_EVENTS,
    Role.DISPLAY: _BOARD_EVENTS,
    Role.PAD: _PAD_EVENTS,
    Role.PUBLIC: _LOBBY_EVENTS | {EventType.RATING_RECORDED},
    Role.VOLUNTEER: _HELP_EVENTS,
}
_STRIPPED: dict[Role, tuple[str, ...]] = {
    Role.MANAGER: _SECRET,
    Role.INTEGRATION: _SECRET,
    Role.COUNTER: ("code", "appointment"),
    Role.PAD: _PERSONAL,
    Role.KIOSK: _PERSONAL,
    Role.DISPLAY: _PERSONAL,
    Role.PUBLIC: _PERSONAL,
    Role.VOLUNTEER: ("place",),  # a phone's place is its browser's id, hashed: the volunteer reads place_name
}


def shape(event: Event, session: Session, lobby: Lobby) -> dict[str, Any] | None:
    """The event as ``session`` may see it, or None."""
    if not visible(event, session, lobby):
        return None
    return stripped(event, session.role)  # type: ignore[arg-type]  # visible() only passes sessions that said hello (role set)


def visible(event: Event, session: Session, lobby: Lobby) -> bool:
    """May ``session`` see ``event`` at all?"""
    role = session.role
    if role is None or event.type not in VISIBLE[role]:
        return False
    if role is Role.PUBLIC and not _owns(session, event, lobby):
        return False
    if role is Role.PAD and event.data.get("counter") != session.counter:
        return False
    if role is Role.DISPLAY and session.device is not None and not _on_board(session.device, event, lobby):
        return False
    return True


def audience(session: Session) -> tuple[Any, ...]:
    """Sessions with the same audience see the same events, shaped the same way (what
    :func:`visible` and :func:`stripped` look at): the role, and for a pad its counter, for
    a board limited to some counters or services the board itself."""
    role = session.role
    if role is Role.PAD:
        return (role, session.counter)
    if role is Role.DISPLAY and session.device is not None and (session.device.services or session.device.counters):
        return (role, session.device.id)
    return (role,)


def stripped(event: Event, role: Role) -> dict[str, Any]:
    """The event without the fields ``role`` may not see (the same for every session of it)."""
    message = event_to_dict(event)
    for key in _STRIPPED[role]:
        message.pop(key, None)
    return message


def _owns(session: Session, event: Event, lobby: Lobby) -> bool:
    for ticket_id in event.ticket_ids:
        ticket = lobby.state.tickets.get(ticket_id)
        if ticket is not None and ticket.code == session.ticket_code:
            return True
    return False


def board_services(device: Device, lobby: Lobby) -> set[str] | None:
    """The services a limited board shows, or None for all."""
    if device.services:
        return set(device.services)
    if device.counters:
        return {s for c in lobby.site.counters if c.number in device.counters for s in c.services}
    return None


def _on_board(device: Device, event: Event, lobby: Lobby) -> bool:
    if not device.services and not device.counters:
        return True
    counter = event.data.get("counter")
    if counter is not None and event.type is not EventType.TICKET_CANCELLED:
        if device.counters:
            return counter in device.counters
        if event.type is EventType.COUNTER_CHANGED:
            return True
    service = event.data.get("service")
    if service is None:
        return event.type in (EventType.DAY_OPENED, EventType.ANNOUNCEMENT_CHANGED)
    services = board_services(device, lobby)
    return services is None or service in services


def recent_calls(lobby: Lobby, now: dt.datetime, limit: int = 10) -> list[dict[str, Any]]:
    called = [t for t in lobby.tickets_today(now) if t.called_at is not None and t.counter is not None]
    called.sort(key=lambda t: t.called_at or now, reverse=True)
    return [_call(t, lobby) for t in called[:limit]]


def _call(ticket: Ticket, lobby: Lobby) -> dict[str, Any]:
    counter = lobby.state.counters.get(ticket.counter) if ticket.counter is not None else None
    return {
        "ticket": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "counter": ticket.counter,
        "counter_name": counter.spec.name if counter else None,
        "state": ticket.state.value,
        "called_at": ticket.called_at.isoformat() if ticket.called_at else None,
    }


SNAPSHOT_WAITING = 100  # a snapshot's waiting tickets per field (their count: services[].waiting); the rest: queue.waiting


def waiting_list(
    lobby: Lobby, now: dt.datetime, services: set[str] | None = None, per_service: int | None = None
) -> list[dict[str, Any]]:
    """The waiting tickets of ``services`` (all: None) in calling order, field by field; the
    first ``per_service`` of each field when given."""
    day = lobby.site.local(now).date()
    rows = []
    for service in lobby.site.services:
        if services is not None and service.code not in services:
            continue
        waiting = lobby.state.waiting_for(service.code, day)
        for position, ticket in enumerate(waiting if per_service is None else itertools.islice(waiting, per_service)):
            rows.append(
                {
                    "ticket": ticket.id,
                    "label": ticket.label,
                    "service": ticket.service,
                    "priority": ticket.priority,
                    "appointment": ticket.appointment is not None,
                    "target_counter": ticket.target_counter,
                    "arrival_at": ticket.arrival_at.isoformat(),
                    "waited_minutes": int((now - ticket.arrival_at).total_seconds() // 60),
                    "position": position,
                }
            )
    return rows


# What a ticket in a reply leaves out, per role (but the issuer's own reply, which has its code)
_TICKET_HIDDEN: dict[Role, tuple[str, ...]] = {
    Role.MANAGER: _SECRET,
    Role.INTEGRATION: _SECRET,
    Role.COUNTER: _SECRET,
    Role.PAD: _PERSONAL,
    Role.KIOSK: _PERSONAL,
    Role.DISPLAY: _PERSONAL,
    Role.PUBLIC: ("code", "appointment", "officer", "source", "dossier", "linked_dossiers"),  # its own ticket: its priority too
    # a volunteer's phone: what the citizen in front of it needs (number, field, counters, wait,
    # priority); the issuer's reply adds the code for the citizen's phone (common.ticket_for_volunteer)
    Role.VOLUNTEER: ("code", "appointment", "officer", "source", "dossier", "linked_dossiers"),
}
# What a counter in a snapshot leaves out, per role: who works there and why it paused
_COUNTER_HIDDEN: dict[Role, tuple[str, ...]] = {
    Role.PAD: ("officer", "pause_reason"),
    Role.KIOSK: ("officer", "pause_reason"),
    Role.DISPLAY: ("officer", "pause_reason"),
}


def ticket_seen_by(lobby: Lobby, ticket: Ticket, role: Role) -> dict[str, Any]:
    """``ticket`` as ``role`` may read it in a reply."""
    view = lobby.ticket_view(ticket)
    for key in _TICKET_HIDDEN[role]:
        view.pop(key, None)
    return view


def public_ticket(lobby: Lobby, ticket: Ticket) -> dict[str, Any]:
    return ticket_seen_by(lobby, ticket, Role.PUBLIC)


def snapshot(session: Session, lobby: Lobby, now: dt.datetime) -> dict[str, Any]:
    role = session.role
    services = lobby.services_view(now)
    counters = lobby.counters_view()
    result: dict[str, Any] = {
        "seq": lobby.seq,
        "site": {"id": lobby.site.site_id, "name": lobby.site.name},
        "day": lobby.site.local(now).date().isoformat(),
        "services": services,
    }
    if role is Role.PUBLIC:
        ticket = _public_ticket_of(session, lobby)
        result["ticket"] = public_ticket(lobby, ticket) if ticket else None
        return result
    if role is Role.VOLUNTEER:  # the help requests and the fields to issue in; no counters, no people
        result["help"] = [_help_seen(r) for r in lobby.help_view(now)]
        result["priorities"] = [{"code": p.code, "name_vi": p.name_vi, "name_en": p.name_en} for p in lobby.site.priorities]
        return result
    for counter in counters:
        for key in _COUNTER_HIDDEN.get(role, ()):  # type: ignore[arg-type]  # a session in a snapshot said hello (role set)
            counter.pop(key)
    if role is Role.DISPLAY and session.device is not None:
        shown = board_services(session.device, lobby)
        if shown is not None:
            result["services"] = [s for s in services if s["code"] in shown]
        if session.device.counters:
            counters = [c for c in counters if c["number"] in session.device.counters]
    result["counters"] = counters
    result["recent_calls"] = recent_calls(lobby, now)
    result["announcement"] = lobby.announcement_view()
    if role in (Role.COUNTER, Role.MANAGER, Role.INTEGRATION):
        mine = None
        if role is Role.COUNTER and session.counter is not None:
            mine = {s for s, w in lobby.site.counter(session.counter).services.items() if w > 0}  # type: ignore[union-attr]  # a counter session's number is one of the site's (checked at hello)
        result["waiting"] = waiting_list(lobby, now, mine, SNAPSHOT_WAITING)  # bounded: any queue's length connects
    if role in (Role.COUNTER, Role.MANAGER, Role.INTEGRATION):
        result["pause_reasons"] = [
            {"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en} for r in lobby.site.policy.pause_reasons
        ]
    if role in (Role.MANAGER, Role.INTEGRATION):
        result["device_status"] = lobby.devices_view()
        result["service_levels"] = lobby.service_levels_view(now)
        result["follow_ups"] = lobby.follow_ups_view()
        result["help"] = lobby.help_view(now)
    return result


def _help_seen(request: dict[str, Any]) -> dict[str, Any]:
    """A help request as the volunteers' page shows it (not the phone's hashed place)."""
    return {key: value for key, value in request.items() if key != "place"}


def _public_ticket_of(session: Session, lobby: Lobby) -> Ticket | None:
    return _ticket_of_code(session.ticket_code, lobby) if session.ticket_code is not None else None


def _ticket_of_code(code: str, lobby: Lobby) -> Ticket | None:
    """The newest ticket with this code (after a transfer, the one that goes on)."""
    ticket_id = lobby.state.codes.get(code)
    return lobby.state.tickets.get(ticket_id) if ticket_id is not None else None


def position_update(session: Session, lobby: Lobby, at: dt.datetime) -> dict[str, Any] | None:
    """A ``ticket.position`` message when a public client's place in the queue moved."""
    ticket = _public_ticket_of(session, lobby)
    if ticket is None or ticket.state is not TicketState.WAITING:
        return None
    return _moved(session, ticket, lobby.state.people_ahead(ticket), lobby, at)


def _moved(session: Session, ticket: Ticket, ahead: int, lobby: Lobby, at: dt.datetime) -> dict[str, Any] | None:
    if ahead == session.last_position:
        return None
    session.last_position = ahead
    return {
        "ev": "ticket.position",
        "seq": lobby.seq,
        "at": at.isoformat(),  # when the place was told (the site's time), as every event has one
        "ticket": ticket.id,
        "label": ticket.label,
        "people_ahead": ahead,
        "estimated_wait_minutes": lobby.state.estimated_wait_minutes(ticket.service, ahead),
    }


def moves_queue(event: Event) -> bool:
    """Can ``event`` change how many people are ahead of a waiting ticket? A plain ticket
    joins at the end of its queue, so it moves nobody."""
    if event.type is EventType.TICKET_ISSUED:
        return bool(event.data.get("priority") or event.data.get("appointment"))
    return event.type in _QUEUE_MOVERS


_QUEUE_MOVERS = frozenset(
    {
        EventType.DAY_OPENED,
        EventType.TICKET_CALLED,
        EventType.TICKET_CANCELLED,
        EventType.TICKET_TRANSFERRED,
        EventType.TICKET_RETURNED,
    }
)


def position_updates(
    followers: Mapping[str, Iterable[Session]], lobby: Lobby, at: dt.datetime
) -> Iterator[tuple[Session, dict[str, Any]]]:
    """``ticket.position`` messages for the phones whose place moved. Each followed ticket's
    place is a binary search in the queue the core keeps sorted (``LobbyState.people_ahead``)."""
    for code, sessions in list(followers.items()):  # a copy: phones come and go meanwhile
        ticket = _ticket_of_code(code, lobby)
        if ticket is None or ticket.state is not TicketState.WAITING:
            continue
        ahead = lobby.state.people_ahead(ticket)
        for session in list(sessions):
            update = _moved(session, ticket, ahead, lobby, at)
            if update is not None:
                yield session, update
