"""The first run's pure decisions: the enrolment QR classified among the kiosk's scans, which
enrolment a scan or a typed code means (or the words of why not), and which refusals are shown."""

from __future__ import annotations

import pytest

from kiosk.core.decisions import ScanKind, scan_action
from kiosk.core.first_run import Enrolment, enrolment_from_scan, enrolment_from_typed, refusal_shown
from kiosk.core.scans import ClassifiedCode, CodeClassifier, CodeKind, RejectedCode, RejectReason

SERVER = "ws://10.0.0.2:8765/"
classifier = CodeClassifier(["https://hcc.example.gov.vn"])


def test_the_enrolment_qr_is_classified_as_the_server_wrote_it() -> None:
    scanned = " motcua-enrol:1:ws://10.0.0.2:8765/:abcd-efgh\r\n"
    assert classifier.classify(scanned) == ClassifiedCode(CodeKind.ENROLMENT, f"MOTCUA-ENROL:1:{SERVER}:ABCD-EFGH", scanned)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("MOTCUA-ENROL:2:ws://10.0.0.2:8765/:ABCD-EFGH", RejectReason.NEWER_ENROLMENT),
        ("MOTCUA-ENROL:1:http://10.0.0.2:8765/:ABCD-EFGH", RejectReason.BAD_ENROLMENT),
        ("MOTCUA-ENROL:1:ws://10.0.0.2:8765/:ABCD-EF", RejectReason.BAD_ENROLMENT),
    ],
)
def test_a_damaged_or_newer_enrolment_qr_is_refused_with_its_reason(text: str, reason: RejectReason) -> None:
    assert classifier.classify(text) == RejectedCode(reason, text)


@pytest.mark.parametrize(
    "text, server, found",
    [
        (f"MOTCUA-ENROL:1:{SERVER}:ABCD-EFGH", None, Enrolment(SERVER, "ABCD-EFGH")),
        (f"MOTCUA-ENROL:1:{SERVER}:ABCD-EFGH", "ws://elsewhere:1/", Enrolment(SERVER, "ABCD-EFGH")),  # the QR's own
        ("abcd-efgh", SERVER, Enrolment(SERVER, "ABCD-EFGH")),  # a bare code, the server known
        ("abcd-efgh", None, "firstrun.not_enrolment"),
        ("ABCDEFGH23", SERVER, "firstrun.not_enrolment"),  # a ticket's code
        ("https://hcc.example.gov.vn/t/ABCDEFGH23", SERVER, "firstrun.not_enrolment"),
        ("MOTCUA-ENROL:2:ws://h/:ABCD-EFGH", SERVER, "firstrun.newer_qr"),
        ("MOTCUA-ENROL:1:ws://h/:ABCD", SERVER, "firstrun.bad_qr"),
        ("", SERVER, "firstrun.not_enrolment"),
    ],
)
def test_a_scan_on_the_first_run_screen(text: str, server: str | None, found: Enrolment | str) -> None:
    assert enrolment_from_scan(classifier.classify(text), server) == found


@pytest.mark.parametrize(
    "typed, server, found",
    [
        ("ABCDEFGH", SERVER, Enrolment(SERVER, "ABCD-EFGH")),
        ("ABCDEFG", SERVER, "firstrun.too_short"),
        ("ABCDEFGH", None, "firstrun.no_server"),
    ],
)
def test_a_typed_code(typed: str, server: str | None, found: Enrolment | str) -> None:
    assert enrolment_from_typed(typed, server) == found


def test_an_enrolled_kiosk_tells_a_citizen_an_enrolment_qr_is_not_theirs() -> None:
    for text in (f"MOTCUA-ENROL:1:{SERVER}:ABCD-EFGH", "MOTCUA-ENROL:9:x"):
        action = scan_action(classifier.classify(text))
        assert action.kind is ScanKind.REJECT and action.notice is not None and action.notice.key == "scan.enrolment"


def test_the_refusals_shown_full_screen_and_the_code_out_of_logs() -> None:
    assert all(refusal_shown(code) for code in ("device_revoked", "protocol_unsupported", "bad_token"))
    assert not refusal_shown("rate_limited") and not refusal_shown(None)
    assert "EFGH" not in repr(Enrolment(SERVER, "ABCD-EFGH"))
