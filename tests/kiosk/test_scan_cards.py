"""A chip ID card's QR code through the scanner's pure parts: the one non-ASCII code a line
may hold (UTF-8 after 12 digits and '|', split across reads), and its kind in the classifier."""

from __future__ import annotations

import pytest

from hardware.scanner.lines import DiscardReason, LineParser, LineSettings
from kiosk.core.scans import CodeClassifier, CodeKind, RejectedCode, RejectReason

CARD = "079301004567||Trần Thị Bình|02112001|Nữ|12 Lê Lợi, phường Bến Nghé, quận 1, TP. Hồ Chí Minh|10072022"


def test_a_card_s_utf8_line_is_read_whole_even_split_inside_a_character() -> None:
    data = CARD.encode("utf-8") + b"\r\n"
    parser = LineParser(LineSettings())
    cut = data.index("ầ".encode()) + 1  # in the middle of a two-byte character
    parser.receive_data(data[:cut])
    parser.receive_data(data[cut:])
    assert [c.text for c in parser.codes_received()] == [CARD]
    assert not parser.discards


@pytest.mark.parametrize(
    "line",
    [
        "Việt 079301004567|x".encode(),  # not a card's start
        b"079301004567|\xff\xfe",  # a card's start, then bytes that are not UTF-8
        "07930100456|Trần".encode(),  # 11 digits
    ],
)
def test_other_non_ascii_lines_are_still_discarded(line: bytes) -> None:
    parser = LineParser(LineSettings())
    parser.receive_data(line + b"\rGOOD\r")
    assert [c.text for c in parser.codes_received()] == ["GOOD"]
    assert parser.discards == {DiscardReason.NOT_ASCII: 1}


def test_the_classifier_gives_cards_their_own_kind() -> None:
    classifier = CodeClassifier(public_urls=("http://hcc.test",))
    result = classifier.classify(CARD)
    assert result.kind is CodeKind.CITIZEN_CARD and result.value == CARD  # type: ignore[union-attr]
    damaged = classifier.classify("079301004567|Trần")
    assert damaged.kind is CodeKind.CITIZEN_CARD  # type: ignore[union-attr]  # read on, refused by the card parser
    other = classifier.classify("Hồ sơ 123")
    assert isinstance(other, RejectedCode) and other.reason is RejectReason.NOT_ASCII
