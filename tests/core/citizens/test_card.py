"""The chip ID card's QR code parsed defensively: realistic samples made for these tests, and
garbage — only the ID number is kept, and no message or repr ever quotes it."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.citizens.card import CardInvalid, check_id_number, looks_like_card, mask_id, parse_card

# Made for these tests in the card's format; no real person's numbers.
AN = "001099012345|187654321|Nguyễn Văn An|15031999|Nam|Thôn 1, xã Bình An, huyện Thạch Thất, Hà Nội|20042021"
BINH = "079301004567||Trần Thị Bình|02112001|Nữ|12 Lê Lợi, phường Bến Nghé, quận 1, TP. Hồ Chí Minh|10072022"
CUONG = "036085007788|036085007788|Lê Văn Cường|30121985|Nam|Xóm 3, xã Hải Phong, huyện Hải Hậu, Nam Định|01012022"
TODAY = dt.date(2026, 11, 23)


def test_realistic_cards_give_their_id_number_and_nothing_else() -> None:
    assert parse_card(AN, TODAY).id_number == "001099012345"
    binh = parse_card(BINH + "\r\n", TODAY)  # a scanner's line end
    assert (binh.id_number, binh.birth_date) == ("079301004567", dt.date(2001, 11, 2))
    assert parse_card(CUONG, TODAY).masked == "•••••••••788"
    assert "036085007788" not in repr(parse_card(CUONG, TODAY)) and "Cường" not in repr(parse_card(CUONG, TODAY))
    decomposed = unicodedata.normalize("NFD", BINH)  # NFD from some scanners' keyboard layouts
    assert decomposed != BINH
    assert parse_card(decomposed, TODAY).id_number == "079301004567"


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("", "card", "empty"),
        ("001099012345", "card", "expected 7 fields separated by '|', found 1"),
        (AN + "|extra", "card", "found 8"),
        (AN.replace("001099012345", "00109901234"), "id_number", "must be 12 digits"),
        (AN.replace("001099012345", "00109901234X"), "id_number", "must be 12 digits"),
        (AN.replace("001099012345", "099099012345"), "id_number", "not a province code"),
        (AN.replace("187654321", "18765432"), "old_id", "must be empty, 9 or 12 digits"),
        (AN.replace("Nguyễn Văn An", ""), "name", "must be a name"),
        (AN.replace("15031999", "31021999"), "birth_date", "ddmmyyyy"),
        (AN.replace("15031999", "15-03-1999"), "birth_date", "ddmmyyyy"),
        (AN.replace("20042021", "2004202"), "issue_date", "ddmmyyyy"),
        (AN.replace("15031999", "15031998"), "birth_date", "does not match the year"),
        (AN.replace("|Nam|", "|Male|"), "sex", "must be Nam or Nữ"),
        (AN.replace("|Nam|", "|Nữ|"), "sex", "does not match the ID number"),
        (AN.replace("Thôn 1, xã Bình An, huyện Thạch Thất, Hà Nội", " "), "address", "missing"),
        (AN.replace("20042021", "20041990"), "issue_date", "not a possible date"),
        (AN.replace("20042021", "20042027"), "issue_date", "not a possible date"),
        (AN.replace("Nguyễn", "Nguy\x00ễn"), "card", "control characters"),
        ("1" * 601, "card", "longer than 600"),
    ],
)
def test_a_malformed_card_is_refused_naming_the_field_never_the_number(text: str, field: str, message: str) -> None:
    with pytest.raises(CardInvalid) as info:
        parse_card(text, TODAY)
    assert info.value.field == field and message in info.value.message
    assert "001099012345" not in str(info.value)


@given(st.text(max_size=700))
def test_garbage_is_refused_cleanly(text: str) -> None:
    try:
        card = parse_card(text, TODAY)
    except CardInvalid as exc:
        assert exc.field in ("card", "id_number", "old_id", "name", "birth_date", "sex", "address", "issue_date")
    else:
        assert len(card.id_number) == 12


@given(st.lists(st.text(alphabet="0123456789|ANmaủữ ", max_size=20), min_size=7, max_size=7))
def test_pipe_separated_near_misses_are_refused_or_read(parts: list[str]) -> None:
    try:
        parse_card("|".join(parts), TODAY)
    except CardInvalid:
        pass


def test_the_classifier_test_and_the_mask() -> None:
    assert looks_like_card(AN) and not looks_like_card("000.00.16.H12-261120-0001") and not looks_like_card("001099012345")
    assert mask_id("001099012345") == "•••••••••345"


@pytest.mark.parametrize("number", ["001099012345", "096300000000"])
def test_an_id_number_of_a_province_from_001_to_096_is_taken_as_it_is(number: str) -> None:
    assert check_id_number(number) == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (1099012345, "must be 12 digits"),
        (None, "must be 12 digits"),
        ("00109901234", "must be 12 digits"),
        (" 001099012345", "must be 12 digits"),
        ("000099012345", "not a province code"),
        ("097099012345", "not a province code"),
    ],
)
def test_an_id_number_that_cannot_be_one_is_refused(value: object, message: str) -> None:
    with pytest.raises(CardInvalid) as info:
        check_id_number(value)  # type: ignore[arg-type]  # what a JSON message may hold
    assert info.value.field == "id_number" and message in info.value.message
