"""The codes citizens carry: one alphabet with no look-alikes, fixed lengths."""

from __future__ import annotations

import pytest

from queue_server.core import codes
from tests.core.conftest import Codes


@pytest.mark.parametrize("look_alike", ["0", "O", "1", "I", "L"])
def test_the_alphabet_has_no_look_alike_characters(look_alike):
    assert look_alike not in codes.ALPHABET


def test_the_alphabet_is_upper_case_letters_and_digits_only():
    assert codes.ALPHABET.isupper() and codes.ALPHABET.isalnum() and codes.ALPHABET.isascii()
    assert len(set(codes.ALPHABET)) == len(codes.ALPHABET) == 31


@pytest.mark.parametrize(
    ("text", "normalized"),
    [("abcd-2345", "ABCD2345"), (" ab cd\t23 45 ", "ABCD2345"), ("ABCD2345", "ABCD2345")],
)
def test_typed_codes_are_upper_cased_and_lose_spaces_and_hyphens(text, normalized):
    assert codes.normalize_code(text) == normalized


@pytest.mark.parametrize(
    ("text", "valid"),
    [
        ("ABCDEFGH23", True),
        ("ABCDEFGH2", False),  # too short
        ("ABCDEFGH234", False),  # too long
        ("ABCDEFGH20", False),  # 0 is not in the alphabet
        ("abcdefgh23", False),  # normalise first
    ],
)
def test_a_ticket_code_is_ten_characters_of_the_alphabet(text, valid):
    assert codes.is_ticket_code(text) is valid


@pytest.mark.parametrize(
    ("text", "valid"),
    [("ABCD2345", True), ("ABCD234", False), ("ABCD23456", False), ("ABCD234O", False), ("ABCD-2345", False)],
)
def test_a_booking_code_is_eight_characters_of_the_alphabet(text, valid):
    assert codes.is_booking_code(text) is valid


def test_a_booking_code_is_shown_in_two_halves():
    assert codes.format_booking_code("ABCD2345") == "ABCD-2345"
    assert codes.normalize_code(codes.format_booking_code("ABCD2345")) == "ABCD2345"


def test_the_test_helper_gives_valid_unique_codes():
    made = Codes()
    tickets = [made.ticket() for _ in range(500)]
    bookings = [made.booking() for _ in range(500)]
    assert len(set(tickets)) == 500 and all(map(codes.is_ticket_code, tickets))
    assert len(set(bookings)) == 500 and all(map(codes.is_booking_code, bookings))
