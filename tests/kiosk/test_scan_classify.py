"""The one place that says what a scanned code is."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.core.scans import (
    ClassifiedCode,
    CodeClassifier,
    CodeKind,
    RejectedCode,
    RejectReason,
)

SITE = "https://hcc.example.gov.vn/queue"
classifier = CodeClassifier([SITE])


@pytest.mark.parametrize(
    "text, kind, value",
    [
        (f"{SITE}/t/ABCDEFGH23", CodeKind.TICKET, "ABCDEFGH23"),
        (f"{SITE}/t/ABCDEFGH23/", CodeKind.TICKET, "ABCDEFGH23"),
        (f"{SITE}/t/ABCDEFGH23?lang=en", CodeKind.TICKET, "ABCDEFGH23"),
        ("HTTPS://HCC.EXAMPLE.GOV.VN/queue/t/ABCDEFGH23", CodeKind.TICKET, "ABCDEFGH23"),
        ("ABCDEFGH23", CodeKind.TICKET, "ABCDEFGH23"),
        ("abcde-fgh23", CodeKind.TICKET, "ABCDEFGH23"),
        (f"{SITE}/b/ABCD2345", CodeKind.BOOKING, "ABCD2345"),
        (f"{SITE}/b/abcd-2345", CodeKind.BOOKING, "ABCD2345"),
        ("ABCD-2345", CodeKind.BOOKING, "ABCD2345"),
        (" abcd 2345 ", CodeKind.BOOKING, "ABCD2345"),
        ("000.00.16.H12-221122-0001", CodeKind.DOSSIER, "000.00.16.H12-221122-0001"),
        ("H12.22-221122-0001", CodeKind.DOSSIER, "H12.22-221122-0001"),
        ("h12.22-221122-000123", CodeKind.DOSSIER, "H12.22-221122-000123"),
        # the receipt's QR code and the kiosk's slip: the link with its check (for phones)
        (f"{SITE}/d/000.00.16.H57-261201-0002?k=K3X7Q2M5ZA", CodeKind.DOSSIER, "000.00.16.H57-261201-0002"),
        (f"{SITE}/d/000.00.16.h57-261201-0002/?k=k3x7q2m5za", CodeKind.DOSSIER, "000.00.16.H57-261201-0002"),
        (f"{SITE}/d/000.00.16.H57-261201-0002", CodeKind.DOSSIER, "000.00.16.H57-261201-0002"),
    ],
)
def test_accepted_codes(text: str, kind: CodeKind, value: str) -> None:
    assert classifier.classify(text) == ClassifiedCode(kind, value, text)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", RejectReason.EMPTY),
        ("   ", RejectReason.EMPTY),
        ("Hồ sơ 123", RejectReason.NOT_ASCII),
        ("AB\x00CD", RejectReason.UNREADABLE),
        ("A" * 600, RejectReason.TOO_LONG),
        ("https://evil.example.com/t/ABCDEFGH23", RejectReason.OTHER_SITE),
        ("http://hcc.example.gov.vn/queue/t/ABCDEFGH23", RejectReason.OTHER_SITE),
        ("https://hcc.example.gov.vn/other/t/ABCDEFGH23", RejectReason.OTHER_SITE),
        (f"{SITE}/x/ABCDEFGH23", RejectReason.UNKNOWN_LINK),
        (f"{SITE}", RejectReason.UNKNOWN_LINK),
        (f"{SITE}/t/ABCDEFGH2", RejectReason.BAD_TICKET_CODE),
        (f"{SITE}/t/ABCDEFGH20", RejectReason.BAD_TICKET_CODE),  # 0 is not in the alphabet
        (f"{SITE}/b/ABCD234", RejectReason.BAD_BOOKING_CODE),
        (f"{SITE}/d/ABCDEFGH23?k=K3X7Q2M5ZA", RejectReason.BAD_DOSSIER_CODE),
        ("https://evil.example.com/d/000.00.16.H57-261201-0002?k=K3X7Q2M5ZA", RejectReason.OTHER_SITE),
        ("ftp://hcc.example.gov.vn/t/ABCDEFGH23", RejectReason.UNKNOWN_FORMAT),
        ("ABCD2340", RejectReason.UNKNOWN_FORMAT),
        ("8934567890123", RejectReason.UNKNOWN_FORMAT),
        ("H12-2211-0001", RejectReason.UNKNOWN_FORMAT),
    ],
)
def test_rejected_codes_say_why(text: str, reason: RejectReason) -> None:
    result = classifier.classify(text)
    assert isinstance(result, RejectedCode)
    assert result.reason is reason
    assert result.message and result.message == reason.message


def test_every_reason_has_a_message() -> None:
    assert all(reason.message for reason in RejectReason)


def test_without_public_urls_any_site_is_accepted() -> None:
    any_site = CodeClassifier()
    assert any_site.classify("http://192.168.1.10:8765/t/ABCDEFGH23") == ClassifiedCode(
        CodeKind.TICKET, "ABCDEFGH23", "http://192.168.1.10:8765/t/ABCDEFGH23"
    )


def test_the_dossier_pattern_is_configurable() -> None:
    custom = CodeClassifier(dossier_pattern=r"HS\d{8}")
    assert custom.classify("HS20240001") == ClassifiedCode(CodeKind.DOSSIER, "HS20240001", "HS20240001")
    assert isinstance(custom.classify("H12.22-221122-0001"), RejectedCode)


def test_a_bad_public_url_is_refused_at_configuration() -> None:
    with pytest.raises(ValueError):
        CodeClassifier(["hcc.example.gov.vn"])


@given(st.text(max_size=200))
def test_any_text_gets_an_answer(text: str) -> None:
    assert isinstance(classifier.classify(text), (ClassifiedCode, RejectedCode))
