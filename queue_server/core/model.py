"""The queue's state: tickets, counters, appointments.

These are the entities the core keeps in memory and changes only by applying events
(:mod:`queue_server.core.evolve`). Everything else reads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from queue_server.core.site import CounterSpec


class TicketState(enum.StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in _FINAL


_FINAL = frozenset(
    {TicketState.DONE, TicketState.TRANSFERRED, TicketState.CANCELLED, TicketState.NO_SHOW}
)


class CounterState(enum.StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


class AppointmentState(enum.StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    CANCELLED = "cancelled"


@dataclasses.dataclass
class Ticket:
    id: int
    label: str
    code: str
    service: str
    number: int
    day: dt.date
    issued_at: dt.datetime
    arrival_at: dt.datetime  # what the calling order counts from
    priority: str | None = None
    appointment: str | None = None  # booking code, when checked in on time
    slot_start: dt.datetime | None = None
    target_counter: int | None = None  # transferred to one counter only
    source: str | None = None  # the device that issued it
    state: TicketState = TicketState.WAITING
    counter: int | None = None
    officer: str | None = None
    called_at: dt.datetime | None = None
    served_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    recalls: int = 0
    returns: int = 0
    transferred_from: int | None = None
    transferred_to: int | None = None
    rating: int | None = None
    alarmed: bool = False
    dossier: str | None = None  # a result pick-up: the dossier's receipt code
    linked_dossiers: tuple[str, ...] = ()  # the dossiers received or returned at this visit (the officer's links)

    def as_dict(self) -> dict[str, object]:
        """Plain values, for the store and the protocol edge."""
        row: dict[str, object] = {}
        for name in _TICKET_FIELDS:
            value = getattr(self, name)
            if isinstance(value, dt.datetime | dt.date):
                value = value.isoformat()
            elif isinstance(value, enum.Enum):
                value = value.value
            elif isinstance(value, tuple):
                value = list(value)
            row[name] = value
        return row


_TICKET_FIELDS = tuple(field.name for field in dataclasses.fields(Ticket))  # as_dict runs for every change


@dataclasses.dataclass
class Counter:
    spec: CounterSpec
    state: CounterState = CounterState.CLOSED
    officer: str | None = None
    current: int | None = None  # the ticket called or being served here
    priority_streak: int = 0  # priority calls in a row, for fairness
    pause_reason: str | None = None  # while paused: the reason's code, if the officer gave one

    @property
    def number(self) -> int:
        return self.spec.number

    def serves(self, service: str) -> bool:
        return self.spec.services.get(service, 0) > 0

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.spec.number,
            "name": self.spec.name,
            "services": sorted(self.spec.services),
            "state": self.state.value,
            "officer": self.officer,
            "current": self.current,
            "pause_reason": self.pause_reason,
        }


@dataclasses.dataclass
class Appointment:
    code: str
    service: str
    slot_start: dt.datetime
    state: AppointmentState = AppointmentState.BOOKED
    ticket: int | None = None
    # the booking's reference, not secret (unlike its code): what webhooks carry, so that the
    # system that booked it (appointment.book's reply) can match the events to the booking
    id: int = 0

    @property
    def day(self) -> dt.date:
        return self.slot_start.date()

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "code": self.code,
            "service": self.service,
            "slot_start": self.slot_start.isoformat(),
            "state": self.state.value,
            "ticket": self.ticket,
        }


@dataclasses.dataclass(frozen=True)
class DeviceStatus:
    """The last report of one part of a device (``printer`` of ``kiosk-1``…)."""

    device: str
    component: str
    ok: bool
    detail: str
    since: dt.datetime  # when it last changed between ok and not ok

    def as_dict(self) -> dict[str, object]:
        return {
            "device": self.device,
            "component": self.component,
            "ok": self.ok,
            "detail": self.detail,
            "since": self.since.isoformat(),
        }


class ReentryState(enum.StrEnum):
    LIVE = "live"  # may be used, until its last day
    USED = "used"
    REPLACED = "replaced"  # the officer marked the same ticket again: a new code voids this one


@dataclasses.dataclass
class Reentry:
    """A dossier marked "cần bổ sung" at a counter, and the re-entry code given for it (only
    the code's hash is known here). Kept across days, until well after its last day."""

    id: int
    code_hash: str
    ticket: int  # the ticket served when it was marked
    label: str
    service: str
    counter: int
    officer: str | None
    note: str
    valid_until: dt.date  # the last local day it may be used
    issued_at: dt.datetime
    dossier: str | None = None
    state: ReentryState = ReentryState.LIVE
    used_at: dt.datetime | None = None
    used_ticket: int | None = None  # the ticket it gave

    def as_dict(self) -> dict[str, object]:
        """Plain values, for the console (never the hash)."""
        return {
            "id": self.id,
            "ticket": self.ticket,
            "label": self.label,
            "service": self.service,
            "counter": self.counter,
            "officer": self.officer,
            "note": self.note,
            "dossier": self.dossier,
            "valid_until": self.valid_until.isoformat(),
            "issued_at": self.issued_at.isoformat(),
            "state": self.state.value,
            "used_at": self.used_at.isoformat() if self.used_at else None,
            "used_ticket": self.used_ticket,
        }


@dataclasses.dataclass
class FollowUp:
    """A "Không hài lòng" rating for a manager to look into, until closed with a note.

    Its ``id`` is the rated ticket's id (one rating per ticket, ids never reused)."""

    id: int
    label: str
    service: str
    counter: int | None
    officer: str | None
    score: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None = None
    closed_by: str | None = None
    note: str | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "ticket": self.id,
            "label": self.label,
            "service": self.service,
            "counter": self.counter,
            "officer": self.officer,
            "score": self.score,
            "opened_at": self.opened_at.isoformat(),
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
            "closed_by": self.closed_by,
            "note": self.note,
        }


@dataclasses.dataclass
class HelpRequest:
    """A citizen's "Cần hỗ trợ" at a kiosk or on a phone, until a volunteer closes it."""

    id: int
    place: str  # a kiosk's device id, or phone-…: one open request per place
    place_name: str
    kind: str  # kiosk or phone
    note: str
    day: dt.date
    asked_at: dt.datetime
    taken_by: str | None = None  # the volunteer's device id
    taken_at: dt.datetime | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "place": self.place,
            "place_name": self.place_name,
            "kind": self.kind,
            "note": self.note,
            "asked_at": self.asked_at.isoformat(),
            "taken_by": self.taken_by,
            "taken_at": self.taken_at.isoformat() if self.taken_at else None,
            "closed_by": self.closed_by,
            "closed_at": self.closed_at.isoformat() if self.closed_at else None,
        }
