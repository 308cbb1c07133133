"""What of an event leaves the site: personal data and secrets stay unless the site allows.

The central copy carries what reports need. By default it drops:

- the follow code of a ticket (``ticket.issued``'s ``code``): it lets anyone follow that
  citizen's ticket on a phone;
- the booking code of an appointment (``appointment.*``'s ``code``): it checks that citizen in;
- any personal value an event may carry (names, phone numbers, ID numbers and their hashes),
  wherever it appears in ``data``.

A ticket's row shipped with the events that touch it leaves its follow code and booking code
(``code``, ``appointment``) empty. ``personal_data = true`` in the site's ``[central]`` table
ships events and rows as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..core.events import EventType

# Keys that are personal wherever they stand in an event's data.
PERSONAL_KEYS = frozenset({"citizen_name", "phone", "id_number", "id_hash", "contact", "email"})

# Keys that are a citizen's secret in events of these types.
SECRET_KEYS: Mapping[str, frozenset[str]] = {
    EventType.TICKET_ISSUED.value: frozenset({"code"}),
    EventType.APPOINTMENT_BOOKED.value: frozenset({"code"}),
    EventType.APPOINTMENT_CHECKED_IN.value: frozenset({"code"}),
    EventType.APPOINTMENT_CANCELLED.value: frozenset({"code"}),
}


# Columns of a ticket's row that are a citizen's secret: its follow code and booking code.
SECRET_TICKET_COLUMNS = frozenset({"code", "appointment"})


def central_ticket(row: Mapping[str, Any], personal_data: bool = False) -> dict[str, Any]:
    """A row of the site's ``tickets`` table as it may leave the site (secrets emptied)."""
    if personal_data:
        return dict(row)
    return {key: (None if key in SECRET_TICKET_COLUMNS else value) for key, value in row.items()}


def ticket_ids(event_type: str, data: Mapping[str, Any]) -> list[int]:
    """The tickets whose rows an event changes: its ticket(s), and those a new day expired."""
    ids = [data[key] for key in ("ticket", "new_ticket") if isinstance(data.get(key), int)]
    if event_type == EventType.DAY_OPENED.value:
        ids += [i for i in data.get("expired", ()) if isinstance(i, int)]
    return ids


def central_data(event_type: str, data: Mapping[str, Any], personal_data: bool = False) -> dict[str, Any]:
    """The part of an event's ``data`` that may leave the site."""
    if personal_data:
        return dict(data)
    dropped = PERSONAL_KEYS | SECRET_KEYS.get(event_type, frozenset())
    return {key: _scrub(value) for key, value in data.items() if key not in dropped}


def _scrub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _scrub(inner) for key, inner in value.items() if key not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_scrub(inner) for inner in value]
    return value
