"""The one place that says what a scanned code is: a ticket, a booking or a dossier.

    classifier = CodeClassifier(public_urls=("https://hcc.example.gov.vn",))
    classifier.classify("https://hcc.example.gov.vn/t/ABCDEFGH23")
    # ClassifiedCode(kind=CodeKind.TICKET, value="ABCDEFGH23", raw=...)
    classifier.classify("https://example.com/t/ABCDEFGH23")
    # RejectedCode(reason=RejectReason.OTHER_SITE, message="...", raw=...)

Accepted forms:

- ticket: ``<public URL>/t/<ticket code>`` (the QR code on a ticket) or a bare ticket code;
- booking: ``<public URL>/b/<booking code>`` or a bare booking code (``ABCD-2345``: hyphens
  and spaces are tolerated, letters may be lower case);
- re-entry: ``<public URL>/r/<re-entry code>`` (the QR code of the slip a counter prints when a
  dossier is marked "cần bổ sung") or a bare re-entry code (``ABCD-EFGH-2345``, as the SMS
  gives it);
- a device's enrolment QR (``MOTCUA-ENROL:1:ws://…/:XXXX-XXXX``, the manager's screen; only
  the first-run screen takes it, :mod:`kiosk.core.first_run`): the value is the QR's text as the
  server writes it, its server and code checked;
- dossier: a receipt code matching a configurable pattern, by default the one-stop receipt
  form ``000.00.16.H12-221122-0001`` or ``H12.22-221122-0001``; or its link with its check,
  ``<public URL>/d/<receipt code>?k=<check>`` (the receipt's QR code, the kiosk's slip): the
  value is the code (the kiosk is a trusted device and asks for it with its own token).

Everything else is a :class:`RejectedCode` with a :class:`RejectReason` and a message.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import urllib.parse
from collections.abc import Iterable

from queue_server.core.citizens.card import looks_like_card
from queue_server.core.codes import (
    BOOKING_CODE_LENGTH,
    BOOKING_PATH,
    REENTRY_CODE_LENGTH,
    REENTRY_PATH,
    TICKET_CODE_LENGTH,
    TICKET_PATH,
    is_booking_code,
    is_reentry_code,
    is_ticket_code,
    normalize_code,
)
from queue_server.core.dossiers.model import DOSSIER_PATH
from queue_server.core.enrolment_qr import (
    EnrolmentTextError,
    Problem,
    enrolment_text,
    looks_like_enrolment,
    parse_enrolment_text,
)

__all__ = [
    "DEFAULT_DOSSIER_PATTERN",
    "ClassifiedCode",
    "CodeClassifier",
    "CodeKind",
    "RejectReason",
    "RejectedCode",
]

#: One-stop receipt numbers: an agency code of letters, digits and dots, the date (yymmdd)
#: and a serial number, e.g. ``000.00.16.H12-221122-0001``.
DEFAULT_DOSSIER_PATTERN = r"[0-9A-Z][0-9A-Z.]*-\d{6}-\d{3,6}"
MAX_CODE_LENGTH = 512


class CodeKind(enum.Enum):
    TICKET = "ticket"
    BOOKING = "booking"
    DOSSIER = "dossier"
    CITIZEN_CARD = "citizen-card"  # a chip ID card's QR code: value is its text, to parse at once and forget
    ENROLMENT = "enrolment"  # a device's enrolment QR: value is its text (server and code checked)
    REENTRY = "reentry"  # a re-entry code ("cần bổ sung"): value is the bare code


class RejectReason(enum.Enum):
    """Why a scanned code was refused; :attr:`message` is the English explanation."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    NOT_ASCII = "not-ascii"
    TOO_LONG = "too-long"
    OTHER_SITE = "other-site"
    UNKNOWN_LINK = "unknown-link"
    BAD_TICKET_CODE = "bad-ticket-code"
    BAD_BOOKING_CODE = "bad-booking-code"
    BAD_REENTRY_CODE = "bad-reentry-code"
    BAD_DOSSIER_CODE = "bad-dossier-code"
    UNKNOWN_FORMAT = "unknown-format"
    BAD_ENROLMENT = "bad-enrolment"
    NEWER_ENROLMENT = "newer-enrolment"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    RejectReason.EMPTY: "nothing was read",
    RejectReason.UNREADABLE: "the code holds control characters: it was misread",
    RejectReason.NOT_ASCII: "the code holds characters outside ASCII; our codes never do",
    RejectReason.TOO_LONG: f"the code is longer than {MAX_CODE_LENGTH} characters",
    RejectReason.OTHER_SITE: "the link belongs to another site, not this centre",
    RejectReason.UNKNOWN_LINK: "the link is this centre's but is neither a ticket, a booking nor a dossier",
    RejectReason.BAD_DOSSIER_CODE: "the dossier link does not end in a receipt code",
    RejectReason.BAD_TICKET_CODE: "the ticket link does not end in a valid ticket code",
    RejectReason.BAD_BOOKING_CODE: "the booking link does not end in a valid booking code",
    RejectReason.BAD_REENTRY_CODE: "the re-entry link does not end in a valid re-entry code",
    RejectReason.UNKNOWN_FORMAT: "not a ticket, booking or dossier receipt code",
    RejectReason.BAD_ENROLMENT: "an enrolment QR without a valid server address or code",
    RejectReason.NEWER_ENROLMENT: "an enrolment QR of another version: this kiosk's software must be updated",
}


@dataclasses.dataclass(frozen=True)
class ClassifiedCode:
    """An accepted code: ``value`` is the normalised ticket or booking code, or the receipt code."""

    kind: CodeKind
    value: str
    raw: str


@dataclasses.dataclass(frozen=True)
class RejectedCode:
    reason: RejectReason
    raw: str

    @property
    def message(self) -> str:
        return self.reason.message


@dataclasses.dataclass(frozen=True)
class _Origin:
    scheme: str
    netloc: str
    path: str  # without the trailing slash

    @classmethod
    def parse(cls, url: str) -> _Origin:
        split = urllib.parse.urlsplit(url.strip())
        if split.scheme.lower() not in ("http", "https") or not split.netloc:
            raise ValueError(f"{url!r} is not an http(s) URL")
        return cls(split.scheme.lower(), split.netloc.lower(), split.path.rstrip("/"))


class CodeClassifier:
    """Classifies scanned text; configured once from the site configuration.

    ``public_urls`` are the centre's public addresses (the prefix of the links in its QR
    codes). With none given, links of any site are accepted (tests, demos).
    """

    def __init__(
        self,
        public_urls: Iterable[str] = (),
        *,
        dossier_pattern: str = DEFAULT_DOSSIER_PATTERN,
    ) -> None:
        self._origins = tuple(_Origin.parse(url) for url in public_urls)
        self._dossier = re.compile(dossier_pattern)

    def classify(self, text: str) -> ClassifiedCode | RejectedCode:
        raw = text
        text = text.strip()
        if not text:
            return RejectedCode(RejectReason.EMPTY, raw)
        if len(text) > MAX_CODE_LENGTH:
            return RejectedCode(RejectReason.TOO_LONG, raw)
        if looks_like_card(text):
            return ClassifiedCode(CodeKind.CITIZEN_CARD, text, raw)
        if not text.isascii():
            return RejectedCode(RejectReason.NOT_ASCII, raw)
        if not text.isprintable():
            return RejectedCode(RejectReason.UNREADABLE, raw)
        if looks_like_enrolment(text):
            return _classify_enrolment(text, raw)
        if "://" in text:
            return self._classify_link(text, raw)
        if self._dossier.fullmatch(text.upper()):
            return ClassifiedCode(CodeKind.DOSSIER, text.upper(), raw)
        code = normalize_code(text)
        if is_ticket_code(code):
            return ClassifiedCode(CodeKind.TICKET, code, raw)
        if is_booking_code(code):
            return ClassifiedCode(CodeKind.BOOKING, code, raw)
        if is_reentry_code(code):
            return ClassifiedCode(CodeKind.REENTRY, code, raw)
        return RejectedCode(RejectReason.UNKNOWN_FORMAT, raw)

    def _classify_link(self, text: str, raw: str) -> ClassifiedCode | RejectedCode:
        split = urllib.parse.urlsplit(text)
        scheme, netloc, path = split.scheme.lower(), split.netloc.lower(), split.path
        if scheme not in ("http", "https") or not netloc:
            return RejectedCode(RejectReason.UNKNOWN_FORMAT, raw)
        rest = self._path_after_origin(scheme, netloc, path)
        if rest is None:
            return RejectedCode(RejectReason.OTHER_SITE, raw)
        for marker, kind, check, length, bad in (
            (TICKET_PATH, CodeKind.TICKET, is_ticket_code, TICKET_CODE_LENGTH, RejectReason.BAD_TICKET_CODE),
            (BOOKING_PATH, CodeKind.BOOKING, is_booking_code, BOOKING_CODE_LENGTH, RejectReason.BAD_BOOKING_CODE),
            (REENTRY_PATH, CodeKind.REENTRY, is_reentry_code, REENTRY_CODE_LENGTH, RejectReason.BAD_REENTRY_CODE),
        ):  # fmt: skip
            if rest.startswith(marker):
                code = normalize_code(urllib.parse.unquote(rest[len(marker) :]).rstrip("/"))
                if len(code) == length and check(code):
                    return ClassifiedCode(kind, code, raw)
                return RejectedCode(bad, raw)
        if rest.startswith(DOSSIER_PATH):  # the query (?k=, the check) is for phones; the kiosk needs the code
            code = urllib.parse.unquote(rest[len(DOSSIER_PATH) :]).rstrip("/").upper()
            if self._dossier.fullmatch(code):
                return ClassifiedCode(CodeKind.DOSSIER, code, raw)
            return RejectedCode(RejectReason.BAD_DOSSIER_CODE, raw)
        return RejectedCode(RejectReason.UNKNOWN_LINK, raw)

    def _path_after_origin(self, scheme: str, netloc: str, path: str) -> str | None:
        """The path below the centre's public URL, or ``None`` for another site's link."""
        if not self._origins:
            # Any site: the code is what follows the last /t/, /b/, /d/ or /r/.
            cut = max(path.rfind(p) for p in (TICKET_PATH, BOOKING_PATH, DOSSIER_PATH, REENTRY_PATH))
            return path[cut:] if cut >= 0 else path
        for origin in self._origins:
            if netloc != origin.netloc or scheme != origin.scheme:
                continue
            if path == origin.path or path.startswith(origin.path + "/"):
                return path[len(origin.path) :]
        return None


def _classify_enrolment(text: str, raw: str) -> ClassifiedCode | RejectedCode:
    try:
        found = parse_enrolment_text(text)
    except EnrolmentTextError as exc:
        reason = RejectReason.NEWER_ENROLMENT if exc.problem is Problem.NEWER_VERSION else RejectReason.BAD_ENROLMENT
        return RejectedCode(reason, raw)
    return ClassifiedCode(CodeKind.ENROLMENT, enrolment_text(found.server, found.code), raw)
