"""Numbers and ticket labels read aloud, in Vietnamese and English."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voice.numbers import (
    MAX_NUMBER,
    SOUTH,
    english_words,
    read_en,
    read_label,
    read_vi,
    vietnamese_words,
)

CASES_VI = [
    (0, "không"),
    (1, "một"),
    (4, "bốn"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi tư"),
    (25, "hai mươi lăm"),
    (31, "ba mươi mốt"),
    (55, "năm mươi lăm"),
    (99, "chín mươi chín"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (104, "một trăm linh bốn"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (111, "một trăm mười một"),
    (115, "một trăm mười lăm"),
    (121, "một trăm hai mươi mốt"),
    (999, "chín trăm chín mươi chín"),
    (1000, "một nghìn"),
    (1001, "một nghìn không trăm linh một"),
    (1005, "một nghìn không trăm linh năm"),
    (1010, "một nghìn không trăm mười"),
    (1023, "một nghìn không trăm hai mươi ba"),
    (1100, "một nghìn một trăm"),
    (2024, "hai nghìn không trăm hai mươi tư"),
    (10000, "mười nghìn"),
    (15000, "mười lăm nghìn"),
    (21000, "hai mươi mốt nghìn"),
    (100000, "một trăm nghìn"),
    (1000000, "một triệu"),
    (1000005, "một triệu không trăm linh năm"),
    (2000000000, "hai tỷ"),
]


@pytest.mark.parametrize(("number", "words"), CASES_VI)
def test_vietnamese_numbers_read_naturally(number: int, words: str) -> None:
    assert " ".join(read_vi(number)) == words


@pytest.mark.parametrize(
    ("number", "words"), [(105, "một trăm lẻ năm"), (1000, "một ngàn"), (2024, "hai ngàn không trăm hai mươi tư")]
)
def test_the_southern_style_says_le_and_ngan(number: int, words: str) -> None:
    assert " ".join(read_vi(number, SOUTH)) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [(0, "zero"), (12, "twelve"), (21, "twenty one"), (105, "one hundred five"), (1023, "one thousand twenty three")],
)
def test_english_numbers(number: int, words: str) -> None:
    assert " ".join(read_en(number)) == words


@pytest.mark.parametrize(
    ("label", "words"),
    [
        ("A012", "a mười hai"),
        ("A1023", "a một nghìn không trăm hai mươi ba"),
        ("KQ0001", "ca quy một"),
        ("B105", "bê một trăm linh năm"),
        ("L021", "e lờ hai mươi mốt"),
        ("a-015", "a mười lăm"),
        ("D000", "dê không"),
    ],
)
def test_labels_are_read_letters_first_then_the_number(label: str, words: str) -> None:
    assert " ".join(read_label(label)) == words


def test_labels_in_english() -> None:
    assert read_label("KQ0012", "en") == ["K", "Q", "twelve"]


@pytest.mark.parametrize("bad", [-1, MAX_NUMBER + 1])
def test_numbers_out_of_range_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="numbers from 0"):
        read_vi(bad)
    with pytest.raises(ValueError):
        read_en(bad)


@pytest.mark.parametrize("bad", [True, 1.5, "12", None])
def test_non_integers_are_refused(bad: object) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        read_vi(bad)  # type: ignore[arg-type]


_VALUES = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
           "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}  # fmt: skip
_SCALES = {"nghìn": 1000, "triệu": 10**6, "tỷ": 10**9}


def _parse_vi(words: list[str]) -> int:
    """A listener: the number heard in Vietnamese words."""
    total = group = 0
    digit = None
    for word in words:
        if word in _VALUES:
            assert digit is None, f"two digits in a row in {words}"
            digit = _VALUES[word]
        elif word == "trăm":
            group += digit * 100  # type: ignore[operator]
            digit = None
        elif word == "mươi":
            group += digit * 10  # type: ignore[operator]
            digit = None
        elif word == "mười":
            group += 10
        elif word == "linh":
            assert group % 100 == 0 and digit is None
        elif word in _SCALES:
            total += (group + (digit or 0)) * _SCALES[word]
            group, digit = 0, None
        else:
            raise AssertionError(f"unexpected word {word!r}")
    return total + group + (digit or 0)


@given(st.integers(min_value=0, max_value=MAX_NUMBER))
def test_every_number_is_heard_as_itself(number: int) -> None:
    words = read_vi(number)
    assert _parse_vi(words) == number
    assert set(words) <= vietnamese_words()
    for before, word in zip(words, words[1:]):
        if word == "mốt":
            assert before == "mươi"
        if word == "lăm":
            assert before in ("mười", "mươi")
        if word == "linh":
            assert before == "trăm"


@given(st.integers(min_value=0, max_value=MAX_NUMBER))
def test_english_words_are_in_the_pack(number: int) -> None:
    assert set(read_en(number)) <= english_words()


@given(st.text(max_size=40) | st.text(alphabet="AKQ0123456789-", max_size=40))
def test_any_label_reads_without_error(label: str) -> None:
    words = read_label(label)
    assert set(words) <= vietnamese_words()
