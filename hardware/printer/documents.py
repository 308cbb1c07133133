"""What the kiosk asks to print: frozen values, checked when they are made.

A document holds the facts only; :mod:`hardware.printer.layouts` decides how they look.
QR payloads are ASCII (``<public URL>/t/<ticket code>``, ``<public URL>/b/<booking code>``):
a non-ASCII payload is refused here with :class:`InvalidTicket`, before anything is drawn.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from hardware.printer.errors import InvalidTicket

__all__ = ["CheckInSlip", "Document", "DossierSlip", "FeeReceipt", "QueueTicket", "ReentrySlip", "check_qr_payload"]

MAX_QR_PAYLOAD = 512


def check_qr_payload(payload: str) -> str:
    """Return ``payload`` if it is printable ASCII of a sane length, else raise."""
    if not isinstance(payload, str) or not payload:
        raise InvalidTicket("the QR payload is empty")
    bad = [ch for ch in payload if not " " <= ch <= "~"]
    if bad:
        raise InvalidTicket(
            f"the QR payload must be printable ASCII (a URL with the ticket code); "
            f"found {bad[0]!r} in {payload!r}"
        )
    if len(payload) > MAX_QR_PAYLOAD:
        raise InvalidTicket(f"the QR payload is {len(payload)} characters; at most {MAX_QR_PAYLOAD}")
    return payload


def _counters(value: Sequence[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(counter) for counter in value)


@dataclasses.dataclass(frozen=True)
class QueueTicket:
    """A queue ticket. ``estimated_wait_minutes=None`` prints "not known yet". ``go_now``: the
    counter already calling this number (a pick-up ticket taken again once called): the paper
    says to go there now, instead of people ahead and a wait. ``wait_line``: where to wait, in a
    band under the people ahead."""

    centre_name: str
    number: str
    service_vi: str
    service_en: str
    issued_at: dt.datetime
    people_ahead: int
    estimated_wait_minutes: int | None
    counters: Sequence[str]
    qr_payload: str
    priority: str | None = None
    footer: str = ""
    go_now: str | None = None
    wait_line: str = ""  # where to wait ("Mời ngồi chờ tại khu B, tầng 1"); empty: no line

    def __post_init__(self) -> None:
        check_qr_payload(self.qr_payload)
        if self.go_now is not None and not self.go_now.strip():
            raise InvalidTicket("the counter to go to now is empty")
        if not self.number.strip():
            raise InvalidTicket("the ticket number is empty")
        if self.people_ahead < 0:
            raise InvalidTicket(f"people ahead cannot be negative ({self.people_ahead})")
        if self.estimated_wait_minutes is not None and self.estimated_wait_minutes < 0:
            raise InvalidTicket(f"the estimated wait cannot be negative ({self.estimated_wait_minutes})")
        object.__setattr__(self, "counters", _counters(self.counters))


@dataclasses.dataclass(frozen=True)
class CheckInSlip:
    """The slip printed when a booked appointment checks in: its ticket number and booking."""

    centre_name: str
    number: str
    procedure_vi: str
    procedure_en: str
    booking_code: str
    appointment_time: dt.datetime
    issued_at: dt.datetime
    counters: Sequence[str]
    qr_payload: str
    footer: str = ""
    wait_line: str = ""  # where to wait, as on the queue ticket

    def __post_init__(self) -> None:
        check_qr_payload(self.qr_payload)
        if not self.number.strip():
            raise InvalidTicket("the ticket number is empty")
        object.__setattr__(self, "counters", _counters(self.counters))


@dataclasses.dataclass(frozen=True)
class DossierSlip:
    """Where a dossier (hồ sơ) stands, printed after its receipt's barcode is scanned."""

    centre_name: str
    dossier_code: str
    procedure: str
    status: str
    department: str
    due_date: dt.date | None
    collect_at: str
    printed_at: dt.datetime
    qr_payload: str | None = None
    footer: str = ""

    def __post_init__(self) -> None:
        if self.qr_payload is not None:
            check_qr_payload(self.qr_payload)


@dataclasses.dataclass(frozen=True)
class FeeReceipt:
    """A procedure's fee, printed at the counter with its VietQR code to pay it by bank app.

    ``vietqr_payload`` is the EMVCo payload (``queue_server.core.payments.vietqr.build``)."""

    centre_name: str
    number: str
    procedure: str
    reference: str  # the dossier or ticket code the payment carries
    amount: int  # đồng
    account: str  # the account as printed: bank, number, name
    vietqr_payload: str
    printed_at: dt.datetime
    counter: str = ""
    footer: str = ""

    def __post_init__(self) -> None:
        check_qr_payload(self.vietqr_payload)
        if isinstance(self.amount, bool) or not isinstance(self.amount, int) or self.amount <= 0:
            raise InvalidTicket(f"the fee must be a positive whole number of đồng, not {self.amount!r}")


@dataclasses.dataclass(frozen=True)
class ReentrySlip:
    """A dossier marked "cần bổ sung" at a counter: what is missing, the last day to come back,
    and the re-entry code (as text and as ``qr_payload``, ``<public URL>/r/<code>``) that gives
    a ticket ahead of the plain queue when scanned at the kiosk by then."""

    centre_name: str
    number: str  # the ticket served when it was marked
    procedure: str
    note: str  # what is missing, as the officer typed it
    valid_until: dt.date
    code: str  # the re-entry code as printed (ABCD-EFGH-2345)
    qr_payload: str
    printed_at: dt.datetime
    counter: str = ""
    dossier_code: str | None = None
    footer: str = ""

    def __post_init__(self) -> None:
        check_qr_payload(self.qr_payload)
        if not self.code.strip():
            raise InvalidTicket("the re-entry code is empty")
        if not self.note.strip():
            raise InvalidTicket("the note of what is missing is empty")


Document = QueueTicket | CheckInSlip | DossierSlip | FeeReceipt | ReentrySlip
