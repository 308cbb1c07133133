"""What of an event leaves the site: personal data and secrets stay unless the site allows.

The central copy carries what reports need. By default it drops:

- the follow code of a ticket (``ticket.issued``'s ``code``): it lets anyone follow that
  citizen's ticket on a phone; and a pick-up ticket's ``dossier``: the receipt's code opens
  the dossier's page (``/d/CODE``);
- a fee's reference (``fee.referenced``'s ``reference``): a dossier code, as above; and so
  the dossiers of a visit (``visit.dossier_linked``/``_unlinked``'s ``dossier``,
  ``rating.recorded``'s ``dossiers``);
- the place of a help request (``help.requested``'s ``place``): a phone's is its browser's id
  (hashed); its ``place_name`` and ``kind`` leave;
- a re-entry code's hash and its dossier's code (``reentry.issued``'s ``code_hash`` and
  ``dossier``): the code brings its holder back ahead of the queue for weeks;
- the booking code of an appointment (``appointment.*``'s ``code``, and ``ticket.issued``'s
  ``appointment`` when a booking is checked in): it checks that citizen in;
- officers' free text — a transfer's ``note``, a cancellation's ``reason``, a follow-up's
  ``note``, a device's ``detail``, a help request's ``note`` — in which anything may be typed (a phone number, an ID
  number). ``free_text = "scrubbed"`` in ``[central]`` ships it with every run of digits that
  may be a phone or ID number (7 digits or more, spaces, dots, dashes between them) replaced by
  :data:`SCRUBBED`;
- any personal value an event may carry (names, phone numbers, ID numbers and their hashes),
  wherever it appears in ``data``.

A ticket's row shipped with the events that touch it leaves its follow code and booking code
(``code``, ``appointment``) empty. ``personal_data = true`` in the site's ``[central]`` table
ships events and rows as they are.

:func:`central_json` gives the JSON text that leaves: most events hold none of the keys
dropped for their type, and then the site's own text leaves as it is, neither scrubbed nor
encoded again (the central ``jsonb`` is the same either way: ``tests/shipping/test_redact.py``
checks it on random events).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import orjson

from queue_server.core.events import EventType

# Keys that are personal wherever they stand in an event's data.
PERSONAL_KEYS = frozenset({"citizen_name", "phone", "id_number", "id_hash", "contact", "email"})

# Keys that are a citizen's secret in events of these types.
SECRET_KEYS: Mapping[str, frozenset[str]] = {
    EventType.TICKET_ISSUED.value: frozenset({"code", "dossier", "appointment"}),
    EventType.APPOINTMENT_BOOKED.value: frozenset({"code"}),
    EventType.APPOINTMENT_CHECKED_IN.value: frozenset({"code"}),
    EventType.APPOINTMENT_CANCELLED.value: frozenset({"code"}),
    EventType.FEE_REFERENCED.value: frozenset({"reference"}),  # a dossier code: it opens /d/CODE
    EventType.HELP_REQUESTED.value: frozenset({"place"}),  # a phone's place is its browser's id (hashed)
    # a re-entry code's hash (the code is a bearer secret for weeks) and the dossier's code
    EventType.REENTRY_ISSUED.value: frozenset({"code_hash", "dossier"}),
    EventType.RATING_RECORDED.value: frozenset({"dossiers"}),  # the visit's dossier codes, as above
    EventType.VISIT_DOSSIER_LINKED.value: frozenset({"dossier"}),
    EventType.VISIT_DOSSIER_UNLINKED.value: frozenset({"dossier"}),
}

# Officers' free text in events of these types: dropped, or scrubbed (``free_text = "scrubbed"``).
FREE_TEXT_KEYS: Mapping[str, frozenset[str]] = {
    EventType.TICKET_TRANSFERRED.value: frozenset({"note"}),
    EventType.TICKET_CANCELLED.value: frozenset({"reason"}),
    EventType.FOLLOW_UP_CLOSED.value: frozenset({"note"}),
    EventType.DEVICE_STATUS.value: frozenset({"detail"}),
    EventType.HELP_REQUESTED.value: frozenset({"note"}),  # what a phone's citizen typed to be found
    EventType.REENTRY_ISSUED.value: frozenset({"note"}),  # what papers are missing, as typed
}
SCRUBBED = "[…]"
# 7 digits or more, maybe after a "+", with single spaces, dots or dashes between them: a phone
# number (0912 345 678, +84 912.345.678), an ID card's (001 099 012 345) or an old one's (9 digits)
_NUMBER = re.compile(r"\+?\d(?:[ .\-]?\d){6,}")


def scrub(text: str) -> str:
    """``text`` with every run of digits that may be a phone or ID number replaced by :data:`SCRUBBED`."""
    return _NUMBER.sub(SCRUBBED, text)


# Columns of a ticket's row that are a citizen's secret: its follow code and booking code.
SECRET_TICKET_COLUMNS = frozenset({"code", "appointment"})


def central_ticket(row: Mapping[str, Any], personal_data: bool = False) -> dict[str, Any]:
    """A row of the site's ``tickets`` table as it may leave the site (secrets emptied)."""
    left = dict(row)
    if not personal_data:
        for key in SECRET_TICKET_COLUMNS & left.keys():
            left[key] = None
    return left


def ticket_ids(event_type: str, data: Mapping[str, Any]) -> list[int]:
    """The tickets whose rows an event changes: its ticket(s), and those a new day expired."""
    ids = [data[key] for key in ("ticket", "new_ticket") if isinstance(data.get(key), int)]
    if event_type == EventType.DAY_OPENED.value:
        ids += [i for i in data.get("expired", ()) if isinstance(i, int)]
    return ids


def central_data(
    event_type: str, data: Mapping[str, Any], personal_data: bool = False, free_text: str = "dropped"
) -> dict[str, Any]:
    """The part of an event's ``data`` that may leave the site."""
    if personal_data:
        return dict(data)
    free = FREE_TEXT_KEYS.get(event_type, frozenset())
    dropped = PERSONAL_KEYS | SECRET_KEYS.get(event_type, frozenset())
    if free_text != "scrubbed":
        dropped |= free
    return {
        key: scrub(value) if key in free and isinstance(value, str) else _scrub(value)
        for key, value in data.items()
        if key not in dropped
    }


# What in an event's JSON text may stand for a personal key: the key in quotes, or an escape
# (``"\\u0070hone"`` spells ``"phone"``). With none of these, no personal key is anywhere in it.
_PERSONAL_MARKERS = ("\\", *(f'"{key}"' for key in sorted(PERSONAL_KEYS)))


def _may_be_personal(text: str) -> bool:
    for marker in _PERSONAL_MARKERS:  # a loop of `in`: a third of a regular expression's time
        if marker in text:
            return True
    return False


def central_json(
    event_type: str, text: str, data: Mapping[str, Any], personal_data: bool = False, free_text: str = "dropped"
) -> str:
    """The JSON text of what of an event leaves the site (:func:`central_data`), given the
    site's own ``text`` and the ``data`` decoded from it: that text itself when nothing in it
    is dropped, else what may leave, encoded anew."""
    if personal_data:
        return text
    own = SECRET_KEYS.get(event_type, frozenset()) | FREE_TEXT_KEYS.get(event_type, frozenset())
    if not _may_be_personal(text) and own.isdisjoint(data):  # nothing of it to drop or scrub
        return text
    return orjson.dumps(central_data(event_type, data, free_text=free_text)).decode()


def _scrub(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _scrub(inner) for key, inner in value.items() if key not in PERSONAL_KEYS}
    if isinstance(value, list):
        return [_scrub(inner) for inner in value]
    return value
