"""Numbers and ticket labels as spoken words, in Vietnamese (first) and English.

    read_vi(1023)      -> ["một", "nghìn", "không", "trăm", "hai", "mươi", "ba"]
    read_label("A012") -> ["a", "mười", "hai"]          (prefix letters, then the number)

Vietnamese rules: 1 after "mươi" is "mốt" (21 "hai mươi mốt") but "một" after "mười" (11);
5 after "mười"/"mươi" is "lăm" (15, 25) but "năm" after "linh" (105); 4 after "mươi" is "tư"
(24, in the usual style); 10 is "mười", tens from 20 are "… mươi"; a zero ten before a unit is
"linh" (or "lẻ" in the southern style); inner groups keep "không trăm" (1023). Each returned
word is one clip of a voice pack (see :mod:`display_board.voice`) or, on the kiosk, a word espeak-ng says.
"""

from __future__ import annotations

import dataclasses
import unicodedata

_DIGITS_VI = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")

# How letters are read when a label is spelled out (the Vietnamese alphabet's names, plus
# F, J, W, Z as commonly read).
LETTERS_VI: dict[str, str] = {
    "A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê",
    "H": "hát", "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o",
    "P": "pê", "Q": "quy", "R": "e rờ", "S": "ét", "T": "tê", "U": "u", "V": "vê", "W": "vê kép",
    "X": "ích", "Y": "i dài", "Z": "dét",
}  # fmt: skip

_ONES_EN = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_TENS_EN = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
LETTERS_EN: dict[str, str] = {letter: letter for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}

MAX_NUMBER = 999_999_999_999


@dataclasses.dataclass(frozen=True)
class VietnameseStyle:
    """Regional choices: northern by default ("linh", "nghìn", "tư")."""

    zero_ten: str = "linh"  # or "lẻ"
    thousand: str = "nghìn"  # or "ngàn"
    four_after_tens: str = "tư"  # or "bốn"


NORTH = VietnameseStyle()
SOUTH = VietnameseStyle(zero_ten="lẻ", thousand="ngàn", four_after_tens="tư")


def read_vi(number: int, style: VietnameseStyle = NORTH) -> list[str]:
    """The words of ``number`` (0 … 999 999 999 999) in Vietnamese."""
    _check(number)
    if number == 0:
        return ["không"]
    groups: list[int] = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    scales = ("", style.thousand, "triệu", "tỷ")
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        leading = index == len(groups) - 1
        words += _three_digits_vi(group, full=not leading, style=style)
        if scales[index]:
            words.append(scales[index])
    return words


def _three_digits_vi(number: int, *, full: bool, style: VietnameseStyle) -> list[str]:
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS_VI[hundreds], "trăm"]
    if tens == 0:
        if ones:
            if words:
                words.append(style.zero_ten)
            words.append(_DIGITS_VI[ones])
        return words
    if tens == 1:
        words.append("mười")
        if ones:
            words.append("lăm" if ones == 5 else _DIGITS_VI[ones])
        return words
    words += [_DIGITS_VI[tens], "mươi"]
    if ones == 1:
        words.append("mốt")
    elif ones == 4:
        words.append(style.four_after_tens)
    elif ones == 5:
        words.append("lăm")
    elif ones:
        words.append(_DIGITS_VI[ones])
    return words


def read_en(number: int) -> list[str]:
    """The words of ``number`` in English ("one thousand twenty-three" as separate words)."""
    _check(number)
    if number == 0:
        return ["zero"]
    words: list[str] = []
    for scale, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand"), (1, "")):
        group, number = divmod(number, scale)
        if group:
            words += _three_digits_en(group)
            if name:
                words.append(name)
    return words


def _three_digits_en(number: int) -> list[str]:
    hundreds, rest = divmod(number, 100)
    words = [_ONES_EN[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS_EN[tens])
        if ones:
            words.append(_ONES_EN[ones])
    elif rest:
        words.append(_ONES_EN[rest])
    return words


def _check(number: int) -> None:
    if isinstance(number, bool) or not isinstance(number, int):
        raise TypeError(f"a number to read must be an int, not {type(number).__name__}")
    if not 0 <= number <= MAX_NUMBER:
        raise ValueError(f"cannot read {number}: numbers from 0 to {MAX_NUMBER:,} only")


def read_label(label: str, language: str = "vi", style: VietnameseStyle = NORTH) -> list[str]:
    """A ticket label aloud: its letters one by one, its digits as a number ("A012" → a, mười hai).

    Characters that are neither letters nor digits (a hyphen, a space) are skipped; a run of
    digits too long to be a number is read digit by digit.
    """
    letters, read = (LETTERS_VI, lambda n: read_vi(n, style)) if language == "vi" else (LETTERS_EN, read_en)
    words: list[str] = []
    digits = ""
    for char in unicodedata.normalize("NFC", label).upper() + " ":
        if char.isdigit() and char.isascii():
            digits += char
            continue
        if digits:
            value = int(digits)
            words += read(value) if value <= MAX_NUMBER else [w for d in digits for w in read(int(d))]
            digits = ""
        if char in letters:
            words.append(letters[char])
    return words


def vietnamese_words(style: VietnameseStyle = NORTH) -> frozenset[str]:
    """Every word :func:`read_vi` and :func:`read_label` can say (a voice pack's number clips)."""
    return frozenset(
        [*_DIGITS_VI, "mốt", "tư", "lăm", "mười", "mươi", "trăm", "triệu", "tỷ", style.zero_ten, style.thousand]
        + list(LETTERS_VI.values())
    )


def english_words() -> frozenset[str]:
    return frozenset([*_ONES_EN, *_TENS_EN[2:], "hundred", "thousand", "million", "billion", *LETTERS_EN.values()])
