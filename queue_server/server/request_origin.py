"""Which of the province's requests the command being decided answers (a context variable, set
by :mod:`queue_server.server.central_requests` around the operation it runs): the hub writes
the request's row with the ticket or booking it makes, in the same transaction."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Sequence
from typing import Any

from queue_server.core.events import Event, EventType

ASKED: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("central_request", default=None)


def decided_row(events: Sequence[Event], now: dt.datetime) -> dict[str, Any] | None:
    """The ``central_requests`` row of the request being answered by these events, if any."""
    asked = ASKED.get()
    if asked is None:
        return None
    request_id, kind = asked
    ticket = next((e.data["ticket"] for e in events if e.type is EventType.TICKET_ISSUED), None)
    booking = next((e.data["code"] for e in events if e.type is EventType.APPOINTMENT_BOOKED), None)
    if ticket is None and booking is None:
        return None  # a new day opened first, say: the request's own batch comes next
    return {"id": request_id, "kind": kind, "ticket": ticket, "booking": booking, "answer": None, "decided_at": now.isoformat()}
