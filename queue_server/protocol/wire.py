"""Events as plain dictionaries, the one form the log and the protocol both write as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from queue_server.core.events import Event, EventType


def event_to_dict(event: Event) -> dict[str, Any]:
    return {"ev": event.type.value, "seq": event.seq, "at": event.at.isoformat(), **event.data}


def event_from_row(seq: int, type_: str, at: str, data: dict[str, Any]) -> Event:
    return Event(EventType(type_), dt.datetime.fromisoformat(at), data, seq)
