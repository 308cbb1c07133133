"""What people ask the queue to do.

A command is a value: who asks is checked at the edge (roles, PINs); the core checks whether
the queue allows it. ``now`` is passed in by the edge, so the core reads no clock. Codes that
must be secret (ticket and booking codes) are made at the edge with :mod:`secrets` and
passed in, so that replaying the log gives the same state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Command:
    now: dt.datetime


@dataclasses.dataclass(frozen=True)
class IssueTicket(Command):
    service: str
    code: str
    priority: str | None = None
    source: str | None = None
    dossier: str | None = None  # a result pick-up: the dossier whose result the citizen collects


@dataclasses.dataclass(frozen=True)
class SignIn(Command):
    counter: int
    officer: str


@dataclasses.dataclass(frozen=True)
class SignOut(Command):
    counter: int


@dataclasses.dataclass(frozen=True)
class OpenCounter(Command):
    counter: int


@dataclasses.dataclass(frozen=True)
class PauseCounter(Command):
    counter: int
    reason: str | None = None  # a pause reason's code; None from consoles that do not ask


@dataclasses.dataclass(frozen=True)
class CloseCounter(Command):
    counter: int


@dataclasses.dataclass(frozen=True)
class CallNext(Command):
    counter: int


@dataclasses.dataclass(frozen=True)
class CallTicket(Command):
    """Call one waiting ticket by its id, out of the usual order."""

    counter: int
    ticket: int


@dataclasses.dataclass(frozen=True)
class CounterAction(Command):
    """An action on the counter's current ticket; ``ticket`` guards against a stale screen."""

    counter: int
    ticket: int | None = None


@dataclasses.dataclass(frozen=True)
class Recall(CounterAction):
    pass


@dataclasses.dataclass(frozen=True)
class StartServing(CounterAction):
    pass


@dataclasses.dataclass(frozen=True)
class MarkNoShow(CounterAction):
    pass


@dataclasses.dataclass(frozen=True)
class Complete(CounterAction):
    pass


@dataclasses.dataclass(frozen=True)
class Transfer(CounterAction):
    to_service: str | None = None
    to_counter: int | None = None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class ReturnNoShow(Command):
    """A citizen marked no-show arrives late and is put back in the queue."""

    ticket: int


@dataclasses.dataclass(frozen=True)
class CancelTicket(Command):
    ticket: int
    reason: str = "cancelled"


@dataclasses.dataclass(frozen=True)
class BookAppointment(Command):
    service: str
    slot_start: dt.datetime
    code: str


@dataclasses.dataclass(frozen=True)
class CancelAppointment(Command):
    code: str


@dataclasses.dataclass(frozen=True)
class CheckIn(Command):
    booking: str
    ticket_code: str
    source: str | None = None


@dataclasses.dataclass(frozen=True)
class SubmitRating(Command):
    ticket: int
    score: int
    source: str | None = None


@dataclasses.dataclass(frozen=True)
class CloseFollowUp(Command):
    """A manager closes the follow-up of a "Không hài lòng" rating with a note."""

    item: int  # the follow-up's id: the rated ticket's id
    note: str
    by: str  # who closes it (the manager's device or user)


@dataclasses.dataclass(frozen=True)
class SetAnnouncement(Command):
    """The manager's text for the display boards' ticker; empty text removes it."""

    text_vi: str
    text_en: str = ""


@dataclasses.dataclass(frozen=True)
class ReportDevice(Command):
    """A device says how one of its parts is: a printer out of paper, a scanner gone…"""

    device: str
    component: str
    ok: bool
    detail: str = ""


@dataclasses.dataclass(frozen=True)
class EnrolDevice(Command):
    """A device said hello with its one-time code and was given its own token; ``replaced``:
    the token it had before (a rotation's) is revoked with it."""

    device: str
    replaced: bool = False


@dataclasses.dataclass(frozen=True)
class RevokeDevice(Command):
    """The manager revoked a device: its token is refused from now on."""

    device: str


@dataclasses.dataclass(frozen=True)
class RotateDevice(Command):
    """The manager asked a device to enrol again: its token stays until it has (``expires_at``:
    the new code's end, ISO 8601)."""

    device: str
    expires_at: str


@dataclasses.dataclass(frozen=True)
class ReferenceFee(Command):
    """A counter (or the manager, an integration) gave the reference of a ticket's fee — a
    dossier code — for its VietQR code: every code of that fee carries it from now on."""

    ticket: int
    reference: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MarkSupplement(CounterAction):
    """The officer marks the counter's current citizen's dossier "cần bổ sung" (papers are
    missing) with a note: a re-entry code is given, of which only ``code_hash`` is kept
    (:func:`queue_server.core.codes.reentry_hash`). ``valid_until``: the last local day it
    may be used, counted by the edge in working days. A new mark of the same ticket voids the
    code given before (a slip that did not print is marked again)."""

    code_hash: str
    note: str
    valid_until: dt.date
    dossier: str | None = None  # the dossier's code (mã hồ sơ), when the officer gave it


@dataclasses.dataclass(frozen=True)
class UseReentry(Command):
    """A re-entry code scanned at the kiosk: a ticket ahead of the plain queue, for the same
    officer, else the same counter, else the same field (:mod:`queue_server.core.reentries`)."""

    code_hash: str
    ticket_code: str
    source: str | None = None


@dataclasses.dataclass(frozen=True)
class AskHelp(Command):
    """A citizen pressed "Cần hỗ trợ" at a kiosk or on a phone: help wanted at ``place``.

    ``place`` names where (a kiosk's device id, or ``phone-…`` for a phone: one open request
    per place); ``place_name`` is what a volunteer reads; ``note``: what the phone's citizen
    typed to be found ("áo xanh, ghế hàng 3")."""

    place: str
    place_name: str
    kind: str = "kiosk"  # kiosk or phone
    note: str = ""


@dataclasses.dataclass(frozen=True)
class TakeHelp(Command):
    """A volunteer (floor staff) goes to a help request."""

    request: int
    volunteer: str


@dataclasses.dataclass(frozen=True)
class CloseHelp(Command):
    """A volunteer is done with a help request (taken by them, or not yet taken by anyone)."""

    request: int
    volunteer: str


@dataclasses.dataclass(frozen=True)
class LookUpForCitizen(Command):
    """A volunteer looked a dossier up for the citizen in front of them: the audit says who,
    and whether it was found (never which dossier)."""

    volunteer: str
    found: bool


@dataclasses.dataclass(frozen=True)
class LinkDossier(Command):
    """The officer links the visit (the counter's current ticket) to the code of a dossier
    received or returned at it (scanned from the receipt, or typed)."""

    counter: int
    ticket: int
    code: str


@dataclasses.dataclass(frozen=True)
class UnlinkDossier(Command):
    """The officer removes a dossier code linked to the visit by mistake."""

    counter: int
    ticket: int
    code: str


@dataclasses.dataclass(frozen=True)
class Tick(Command):
    """Time passes: open a new day, raise alarms for waits past their limit."""
