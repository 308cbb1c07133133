"""The dossiers of a visit: the officer links the ticket being served to the code of each
dossier received or returned at that visit (the receipt's barcode, scanned or typed), so that
the citizen's rating of the visit carries them to the procedures system (docs/web.md).

Only the counter serving the ticket links or unlinks, and only while the ticket is its current
one (called or being served): a rating, once given, keeps the codes it was given with. A code
is checked with the dossiers' own rule (:func:`~queue_server.core.dossiers.model.normalize_dossier_code`);
a code linked already, or not linked, changes nothing.
"""

from __future__ import annotations

from queue_server.core.commands import LinkDossier, UnlinkDossier
from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import normalize_dossier_code
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import Ticket, TicketState
from queue_server.core.state import LobbyState

MAX_LINKED = 10  # dossiers linked to one visit, at most
_AT_COUNTER = (TicketState.CALLED, TicketState.SERVING)


def link(state: LobbyState, cmd: LinkDossier) -> list[Event]:
    ticket = _at_counter(state, cmd)
    code = checked_code(cmd.code)
    if code in ticket.linked_dossiers:
        return []
    if len(ticket.linked_dossiers) >= MAX_LINKED:
        raise DomainError(
            ErrorCode.DOSSIER_LINK_LIMIT,
            f"Số {ticket.label} đã gắn {MAX_LINKED} hồ sơ; không gắn thêm được. "
            f"Ticket {ticket.label} has {MAX_LINKED} dossiers linked already.",
            ticket=ticket.id,
        )
    return [_event(EventType.VISIT_DOSSIER_LINKED, cmd, ticket, code)]


def unlink(state: LobbyState, cmd: UnlinkDossier) -> list[Event]:
    ticket = _at_counter(state, cmd)
    code = checked_code(cmd.code)
    if code not in ticket.linked_dossiers:
        raise DomainError(
            ErrorCode.DOSSIER_NOT_LINKED,
            f"Hồ sơ {code} không gắn với số {ticket.label}. Dossier {code} is not linked to ticket {ticket.label}.",
            ticket=ticket.id,
            field="code",
        )
    return [_event(EventType.VISIT_DOSSIER_UNLINKED, cmd, ticket, code)]


def checked_code(text: str) -> str:
    """The receipt code as the dossiers store it (upper case), or a refusal naming ``code``."""
    try:
        return normalize_dossier_code(text)
    except InvalidDossier as exc:
        raise DomainError(ErrorCode.CODE_INVALID, f"Mã hồ sơ không hợp lệ: {exc.message}", field="code") from None


def _at_counter(state: LobbyState, cmd: LinkDossier | UnlinkDossier) -> Ticket:
    counter = state.counter(cmd.counter)
    ticket = state.ticket(cmd.ticket)
    if counter.current != ticket.id:
        raise DomainError(
            ErrorCode.TICKET_NOT_HERE,
            f"Số {ticket.label} không phải số đang phục vụ tại quầy {counter.number}. "
            f"Ticket {ticket.label} is not being served at counter {counter.number}.",
            ticket=ticket.id,
            counter=counter.number,
        )
    assert ticket.state in _AT_COUNTER  # a counter's current ticket is called or being served
    return ticket


def _event(kind: EventType, cmd: LinkDossier | UnlinkDossier, ticket: Ticket, code: str) -> Event:
    data = {
        "ticket": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "counter": ticket.counter,
        "officer": ticket.officer,
        "dossier": code,
    }
    return Event(kind, cmd.now, data)
