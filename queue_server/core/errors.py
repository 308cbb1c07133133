"""Why the queue refused a command.

Every refusal is a :class:`DomainError` with a stable :class:`ErrorCode` (the protocol sends
it to the client as ``error.code``) and a message for people. A refused command changes
nothing.

    Exception
    └── DomainError            code: ErrorCode, message: str, details: dict
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class ErrorCode(enum.StrEnum):
    # services and numbers
    SERVICE_UNKNOWN = "service_unknown"
    SERVICE_CLOSED = "service_closed"
    SERVICE_FULL = "service_full"
    PRIORITY_UNKNOWN = "priority_unknown"
    CODE_INVALID = "code_invalid"
    CODE_TAKEN = "code_taken"
    # counters and officers
    COUNTER_UNKNOWN = "counter_unknown"
    COUNTER_NOT_OPEN = "counter_not_open"
    COUNTER_BUSY = "counter_busy"
    COUNTER_IDLE = "counter_idle"
    COUNTER_TAKEN = "counter_taken"
    OFFICER_ELSEWHERE = "officer_elsewhere"
    NOT_SIGNED_IN = "sign_in_required"  # the protocol's code for the same refusal: one code on the wire
    PAUSE_REASON_UNKNOWN = "pause_reason_unknown"
    QUEUE_EMPTY = "queue_empty"
    # tickets
    TICKET_UNKNOWN = "ticket_unknown"
    TICKET_STATE = "ticket_state"
    TICKET_NOT_CURRENT = "ticket_not_current"
    TICKET_NOT_HERE = "ticket_not_here"
    RETURN_LIMIT = "return_limit"
    TRANSFER_INVALID = "transfer_invalid"
    # appointments
    SLOT_INVALID = "slot_invalid"
    SLOT_FULL = "slot_full"
    BOOKING_UNKNOWN = "booking_unknown"
    BOOKING_WRONG_DAY = "booking_wrong_day"
    BOOKING_TOO_EARLY = "booking_too_early"
    BOOKING_USED = "booking_used"
    BOOKING_CANCELLED = "booking_cancelled"
    # ratings
    RATING_INVALID = "rating_invalid"
    RATING_CLOSED = "rating_closed"
    RATING_DUPLICATE = "rating_duplicate"
    # dossiers linked to a visit
    DOSSIER_NOT_LINKED = "dossier_not_linked"
    DOSSIER_LINK_LIMIT = "dossier_link_limit"
    # follow-ups of dissatisfied ratings
    FOLLOW_UP_UNKNOWN = "follow_up_unknown"
    FOLLOW_UP_CLOSED = "follow_up_closed"
    NOTE_REQUIRED = "note_required"
    # help requests
    HELP_UNKNOWN = "help_unknown"
    HELP_TAKEN = "help_taken"
    HELP_CLOSED = "help_closed"
    # re-entry codes (coming back with the missing papers)
    REENTRY_UNKNOWN = "reentry_unknown"
    REENTRY_USED = "reentry_used"
    REENTRY_EXPIRED = "reentry_expired"
    REENTRY_REPLACED = "reentry_replaced"
    REENTRY_INVALID = "reentry_invalid"
    # notices
    TEXT_TOO_LONG = "text_too_long"
    COMPONENT_UNKNOWN = "component_unknown"


class DomainError(Exception):
    """A command the queue refuses, with a stable code and a message for people."""

    def __init__(self, code: ErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: Mapping[str, Any] = details

    def __repr__(self) -> str:
        return f"DomainError({self.code.value!r}, {self.message!r})"
