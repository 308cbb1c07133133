"""Deciding on follow-ups: a manager closes the follow-up of a "Không hài lòng" rating with a
note (what was done: called the citizen back, talked to the officer…).

A follow-up is opened by the core itself with the lowest rating (:mod:`.ratings`); closing
one is the only command on it. The note is required: a follow-up closed with nothing said
tells the province nothing.
"""

from __future__ import annotations

from queue_server.core.commands import CloseFollowUp
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.state import LobbyState

MAX_NOTE = 500


def close(state: LobbyState, cmd: CloseFollowUp) -> list[Event]:
    item = state.follow_ups.get(cmd.item)
    if item is None:
        raise DomainError(ErrorCode.FOLLOW_UP_UNKNOWN, f"There is no follow-up {cmd.item}.", item=cmd.item)
    if not item.is_open:
        assert item.closed_at is not None
        raise DomainError(
            ErrorCode.FOLLOW_UP_CLOSED,
            f"The follow-up of ticket {item.label} was closed at {item.closed_at:%H:%M %d/%m/%Y}.",
            item=cmd.item,
        )
    note = cmd.note.strip()
    if not note:
        raise DomainError(ErrorCode.NOTE_REQUIRED, "Say what was done: a follow-up is closed with a note.")
    if len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, f"A note is at most {MAX_NOTE} characters, not {len(note)}.")
    return [
        Event(
            EventType.FOLLOW_UP_CLOSED,
            cmd.now,
            {"item": item.id, "ticket": item.id, "label": item.label, "note": note, "by": cmd.by},
        )
    ]
