"""Deciding on ratings: one per completed ticket, within the window after completion."""

from __future__ import annotations

from queue_server.core.commands import SubmitRating
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import TicketState
from queue_server.core.state import LobbyState


def submit(state: LobbyState, cmd: SubmitRating) -> list[Event]:
    ticket = state.ticket(cmd.ticket)
    policy = state.site.policy
    scores = sorted(level.score for level in policy.rating_scale)
    if cmd.score not in scores:
        raise DomainError(
            ErrorCode.RATING_INVALID, f"A rating is one of {', '.join(map(str, scores))}, not {cmd.score}."
        )
    if ticket.state is not TicketState.DONE:
        raise DomainError(
            ErrorCode.TICKET_STATE, f"Ticket {ticket.label} is {ticket.state.value}; only a completed ticket is rated."
        )
    if ticket.rating is not None:
        raise DomainError(ErrorCode.RATING_DUPLICATE, f"Ticket {ticket.label} has been rated already.")
    assert ticket.done_at is not None
    if cmd.now - ticket.done_at > policy.rating_window:
        raise DomainError(ErrorCode.RATING_CLOSED, f"The time to rate ticket {ticket.label} has passed.")
    who = {
        "ticket": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "counter": ticket.counter,
        "officer": ticket.officer,
        "score": cmd.score,
    }
    recorded = {**who, "source": cmd.source}
    if ticket.linked_dossiers:  # the dossiers of the visit: the rating is their evaluation (visit_dossiers.py)
        recorded["dossiers"] = list(ticket.linked_dossiers)
    events = [Event(EventType.RATING_RECORDED, cmd.now, recorded)]
    if cmd.score == policy.lowest_rating:
        # "Không hài lòng": a follow-up item for the manager, named by the ticket's id
        events.append(Event(EventType.FOLLOW_UP_OPENED, cmd.now, {"item": ticket.id, **who}))
    return events
