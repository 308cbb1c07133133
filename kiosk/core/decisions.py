"""What the kiosk shows for each server reply, refusal and scanned code.

Pure functions over plain values (the protocol's dicts, the classifier's results): no Kivy,
no client. A :class:`Notice` is a message of the catalogue with its parameters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hardware.scanner.lines import DiscardReason
from kiosk.core.scans import ClassifiedCode, CodeKind, RejectedCode, RejectReason
from kiosk.core.texts import Both


class Tone(enum.Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclasses.dataclass(frozen=True)
class Notice:
    key: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    tone: Tone = Tone.WARNING
    offer: str | None = None  # a field's code: the message offers a plain number in it


class TileState(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"
    FULL = "full"


@dataclasses.dataclass(frozen=True)
class ServiceTile:
    code: str
    name_vi: str
    name_en: str
    state: TileState
    waiting: int
    wait_minutes: int | None

    @property
    def can_issue(self) -> bool:
        return self.state is TileState.OPEN

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en

    def status(self) -> Notice:
        """The tile's second line: closed, "Hết số", or the wait."""
        if self.state is TileState.CLOSED:
            return Notice("tile.closed")
        if self.state is TileState.FULL:
            return Notice("tile.full")
        if self.wait_minutes is None:
            return Notice("tile.wait_unknown", tone=Tone.INFO)
        if self.wait_minutes == 0:
            return Notice("tile.wait_short", tone=Tone.INFO)  # not "About 0 min"
        return Notice("tile.wait", {"minutes": self.wait_minutes}, Tone.INFO)


def ticket_wait(minutes: float | None) -> Notice:
    """The ticket screen's wait line: unknown (no counter open), under a minute, or about N minutes."""
    if minutes is None:
        return Notice("ticket.wait_unknown", tone=Tone.INFO)
    if round(minutes) == 0:
        return Notice("ticket.wait_short", tone=Tone.INFO)
    return Notice("ticket.wait", {"minutes": round(minutes)}, Tone.INFO)


def tiles(services: Iterable[Mapping[str, Any]], only: Sequence[str] = ()) -> list[ServiceTile]:
    """The home screen's tiles from ``services.list`` (limited to ``only`` when given)."""
    out = []
    for s in services:
        if only and s["code"] not in only:
            continue
        state = TileState.CLOSED if not s.get("open") else TileState.FULL if s.get("full") else TileState.OPEN
        wait = s.get("estimated_wait_minutes")
        out.append(
            ServiceTile(
                code=s["code"],
                name_vi=s["name_vi"],
                name_en=s["name_en"],
                state=state,
                waiting=int(s.get("waiting") or 0),
                wait_minutes=None if wait is None else round(wait),
            )
        )
    return out


def local_time(text: str | None, tz: dt.tzinfo | None = None) -> str:
    """``2026-11-24T07:30:00+07:00`` → ``07:30 24/11/2026`` (in ``tz`` when given)."""
    if not text:
        return ""
    moment = dt.datetime.fromisoformat(text)
    if tz is not None:
        moment = moment.astimezone(tz)
    return f"{moment:%H:%M %d/%m/%Y}"


def local_day(text: str) -> str:
    """``2026-11-24`` → ``24/11/2026``."""
    return f"{dt.date.fromisoformat(text[:10]):%d/%m/%Y}"


def issue_refusal(code: str, details: Mapping[str, Any], name: str | Both, tz: dt.tzinfo | None = None) -> Notice:
    """Why no ticket was issued for the service called ``name``."""
    if code == "service_closed":
        opens = details.get("opens_at")
        if opens:
            return Notice("issue.closed_until", {"name": name, "time": local_time(opens, tz)})
        return Notice("issue.closed", {"name": name})
    if code == "service_full":
        return Notice("issue.full", {"name": name})
    return Notice("issue.failed", tone=Tone.ERROR)


def checkin_refusal(code: str, details: Mapping[str, Any], tz: dt.tzinfo | None = None) -> Notice:
    """Why an appointment did not check in, and what to do."""
    if code in ("booking_unknown", "bad_field", "code_invalid"):
        return Notice("checkin.unknown")
    if code == "booking_too_early":
        return Notice("checkin.too_early", {"time": local_time(details.get("opens_at"), tz)})
    if code == "booking_wrong_day":
        day = details.get("day")
        return Notice("checkin.wrong_day", {"day": local_day(day) if day else "?"})
    if code == "booking_used":
        return Notice("checkin.used")
    if code == "booking_cancelled":
        return Notice("checkin.cancelled")
    if code in ("service_closed", "service_full"):
        return issue_refusal(code, details, details.get("service", ""), tz)
    return Notice("issue.failed", tone=Tone.ERROR)


def pickup_refusal(code: str, details: Mapping[str, Any], dossier: str, name: str | Both, tz: dt.tzinfo | None = None) -> Notice:
    """Why no pick-up ticket was issued for ``dossier`` (in the field called ``name``)."""
    if code == "dossier_not_ready":
        return Notice("pickup.not_ready", {"code": dossier})
    if code == "pickup_unavailable":
        return Notice("pickup.unavailable")
    if code.startswith("dossier_"):
        return dossier_refusal(code, dossier)
    return issue_refusal(code, details, name, tz)


def due_line(standing: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """The catalogue key and values of the sentence about the due date, or None."""
    progress = standing.get("progress")
    if progress == "overdue":
        late = standing.get("days_late")
        return ("dossier.late", {"days": late}) if late else ("dossier.late_today", {})
    if progress in ("in_time", "due_soon"):
        left = standing.get("days_left")
        return ("dossier.due_left", {"days": left}) if left else ("dossier.due_today", {})
    return None


def dossier_refusal(code: str, typed: str) -> Notice:
    if code == "dossier_unknown":
        return Notice("dossier.unknown", {"code": typed})
    if code in ("dossier_invalid", "bad_field"):
        return Notice("dossier.invalid")
    return Notice("dossier.source_failed", tone=Tone.ERROR)


def reentry_refusal(code: str, details: Mapping[str, Any], name: str | Both, tz: dt.tzinfo | None = None) -> Notice:
    """Why a re-entry code gave no ticket, offering a plain number in its field (``name``, from
    ``details["service"]``) where the server said which."""
    offer = details.get("service") or None
    if code == "reentry_expired":
        day = details.get("valid_until")
        return Notice("reentry.expired", {"day": local_day(day) if day else "?"}, offer=offer)
    if code == "reentry_used":
        return Notice("reentry.used", {"time": local_time(details.get("used_at"), tz)}, offer=offer)
    if code == "reentry_replaced":
        return Notice("reentry.replaced", offer=offer)
    if code in ("reentry_unknown", "bad_field"):
        return Notice("reentry.unknown")
    if code in ("service_closed", "service_full"):
        return issue_refusal(code, details, name, tz)
    return Notice("issue.failed", tone=Tone.ERROR)


class ScanKind(enum.Enum):
    CHECK_IN = "check_in"
    REENTRY = "reentry"
    LOOKUP_DOSSIER = "lookup_dossier"
    CITIZEN_CARD = "citizen_card"
    FOLLOW_TICKET = "follow_ticket"
    REJECT = "reject"


@dataclasses.dataclass(frozen=True)
class ScanAction:
    kind: ScanKind
    value: str = ""
    notice: Notice | None = None


_REJECTIONS = {
    RejectReason.OTHER_SITE: "scan.other_site",
    RejectReason.EMPTY: "scan.unreadable",
    RejectReason.UNREADABLE: "scan.unreadable",
    RejectReason.NOT_ASCII: "scan.unreadable",
    RejectReason.TOO_LONG: "scan.unknown",
    RejectReason.UNKNOWN_LINK: "scan.unknown",
    RejectReason.UNKNOWN_FORMAT: "scan.unknown",
    RejectReason.BAD_TICKET_CODE: "scan.bad_ticket",
    RejectReason.BAD_BOOKING_CODE: "scan.bad_booking",
    RejectReason.BAD_REENTRY_CODE: "scan.bad_reentry",
    RejectReason.BAD_DOSSIER_CODE: "scan.unknown",
    RejectReason.BAD_ENROLMENT: "scan.enrolment",
    RejectReason.NEWER_ENROLMENT: "scan.enrolment",
}


def scan_action(result: ClassifiedCode | RejectedCode) -> ScanAction:
    """A classified scan → what the kiosk does with it."""
    if isinstance(result, RejectedCode):
        return ScanAction(ScanKind.REJECT, notice=Notice(_REJECTIONS[result.reason]))
    if result.kind is CodeKind.BOOKING:
        return ScanAction(ScanKind.CHECK_IN, result.value)
    if result.kind is CodeKind.REENTRY:
        return ScanAction(ScanKind.REENTRY, result.value)
    if result.kind is CodeKind.DOSSIER:
        return ScanAction(ScanKind.LOOKUP_DOSSIER, result.value)
    if result.kind is CodeKind.CITIZEN_CARD:
        return ScanAction(ScanKind.CITIZEN_CARD, result.value)
    if result.kind is CodeKind.ENROLMENT:  # the kiosk is enrolled: only its first-run screen takes one
        return ScanAction(ScanKind.REJECT, notice=Notice("scan.enrolment"))
    return ScanAction(ScanKind.FOLLOW_TICKET, result.value)


def followed_ticket(ticket: Mapping[str, Any]) -> Notice:
    """A scanned ticket's place in the queue."""
    code = ticket.get("service", "")
    name = Both(ticket.get("service_name_vi") or code, ticket.get("service_name_en") or code)
    if ticket.get("state") != "waiting":
        return Notice("scan.ticket_done", {"label": ticket.get("label", "")}, Tone.INFO)
    return Notice(
        "scan.ticket", {"label": ticket.get("label", ""), "name": name, "count": ticket.get("people_ahead", 0)}, Tone.INFO
    )


#: Lines a serial scanner threw away because the code was misread (not blank lines).
MISREADS = frozenset(set(DiscardReason) - {DiscardReason.EMPTY, DiscardReason.INTERRUPTED})


def misreads(discards: Iterable[Mapping[DiscardReason, int]]) -> int:
    """How many misread codes the scanners have thrown away so far (each gets a message)."""
    return sum(n for counter in discards for reason, n in counter.items() if reason in MISREADS)
