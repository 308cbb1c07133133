"""What happened: the events the core emits and the log stores.

An event's ``data`` holds plain values only (str, int, float, bool, None, lists of them), so
the store and the protocol can write it as JSON as it is; times inside ``data`` are ISO 8601
strings. ``seq`` is the log's monotonic sequence number, given when the event is applied.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any


class EventType(enum.StrEnum):
    DAY_OPENED = "day.opened"
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_SERVING = "ticket.serving"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_RETURNED = "ticket.returned"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_COMPLETED = "ticket.completed"
    TICKET_CANCELLED = "ticket.cancelled"
    COUNTER_CHANGED = "counter.changed"
    RATING_RECORDED = "rating.recorded"
    FOLLOW_UP_OPENED = "follow_up.opened"
    FOLLOW_UP_CLOSED = "follow_up.closed"
    ALARM_WAIT_EXCEEDED = "alarm.wait_exceeded"
    APPOINTMENT_BOOKED = "appointment.booked"
    APPOINTMENT_CHECKED_IN = "appointment.checked_in"
    APPOINTMENT_CANCELLED = "appointment.cancelled"
    ANNOUNCEMENT_CHANGED = "announcement.changed"
    DEVICE_STATUS = "device.status"
    FEE_REFERENCED = "fee.referenced"
    DEVICE_ENROLLED = "device.enrolled"
    DEVICE_REVOKED = "device.revoked"
    DEVICE_ROTATED = "device.rotated"
    HELP_REQUESTED = "help.requested"
    HELP_TAKEN = "help.taken"
    HELP_CLOSED = "help.closed"
    VOLUNTEER_LOOKED_UP = "volunteer.looked_up"
    REENTRY_ISSUED = "reentry.issued"
    REENTRY_USED = "reentry.used"
    VISIT_DOSSIER_LINKED = "visit.dossier_linked"
    VISIT_DOSSIER_UNLINKED = "visit.dossier_unlinked"


@dataclasses.dataclass(frozen=True)
class Event:
    type: EventType
    at: dt.datetime
    data: Mapping[str, Any]
    seq: int = 0

    def numbered(self, seq: int) -> Event:
        return dataclasses.replace(self, seq=seq)

    @property
    def ticket_ids(self) -> tuple[int, ...]:
        """The tickets this event changes, for the store's ticket table."""
        ids = [self.data[key] for key in ("ticket", "new_ticket") if self.data.get(key) is not None]
        return tuple(ids)
