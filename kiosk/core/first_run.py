"""What the kiosk's first run and its refused screen decide, without I/O: which enrolment a
scan or a typed code means (or which words say why not), and which refusals of the server are
shown full screen instead of "Tạm ngưng phục vụ".

    enrolment_from_scan(classifier.classify(text), known_server)   # Enrolment(...) or a text key
    enrolment_from_typed("abcd efgh", "ws://10.0.0.2:8765/")        # Enrolment(server, "ABCD-EFGH")
"""

from __future__ import annotations

import dataclasses

from kiosk.core.scans import ClassifiedCode, CodeKind, RejectedCode, RejectReason
from queue_server.core.enrolment_qr import normalize_enrolment_code, parse_enrolment_text

__all__ = ["REENROL", "REFUSALS", "Enrolment", "enrolment_from_scan", "enrolment_from_typed", "refusal_shown"]

#: The server's refusals of a hello that the kiosk shows full screen (each has its catalogue
#: title ``refused.<code>``): the kiosk cannot work until staff act; it keeps trying, slowly.
REFUSALS = frozenset({"device_revoked", "protocol_unsupported", "bad_token"})
#: The refusals a new enrolment code cures: the refused screen takes an enrolment QR.
REENROL = frozenset({"device_revoked", "bad_token"})


@dataclasses.dataclass(frozen=True)
class Enrolment:
    server: str
    code: str  # XXXX-XXXX

    def __repr__(self) -> str:  # the code stays out of logs
        return f"Enrolment(server={self.server!r}, code='***')"


def enrolment_from_scan(result: ClassifiedCode | RejectedCode, server: str | None) -> Enrolment | str:
    """A scan on the first-run screen: the enrolment, or the catalogue key of why not. A bare
    code (it reads as a booking's: the same form) is taken when the server's address is known."""
    if isinstance(result, RejectedCode):
        if result.reason is RejectReason.NEWER_ENROLMENT:
            return "firstrun.newer_qr"
        if result.reason is RejectReason.BAD_ENROLMENT:
            return "firstrun.bad_qr"
        return "firstrun.not_enrolment"
    if result.kind is CodeKind.ENROLMENT:
        found = parse_enrolment_text(result.value)
        return Enrolment(found.server, found.code)
    if result.kind is CodeKind.BOOKING and server is not None:
        return enrolment_from_typed(result.value, server)
    return "firstrun.not_enrolment"


def enrolment_from_typed(typed: str, server: str | None) -> Enrolment | str:
    """A code typed on the keypad: the enrolment with the known server, or why not."""
    code = normalize_enrolment_code(typed)
    if code is None:
        return "firstrun.too_short"
    if server is None:
        return "firstrun.no_server"
    return Enrolment(server, code)


def refusal_shown(code: str | None) -> bool:
    return code in REFUSALS
