"""The QR code on the front of a chip ID card (CCCD), read defensively (pure).

The code holds seven fields separated by ``|``::

    001099012345|187654321|Nguyễn Văn An|15031999|Nam|Thôn 1, xã Bình An, ...|20042021
    ID number   |old ID   |full name    |birth   |sex|address              |issued

The ID number has 12 digits: the province of birth registration (001–096), a digit for sex
and century (0/1: 1900s, 2/3: 2000s, 4/5: 2100s, 6/7: 2200s, 8/9: 1800s), the last two
digits of the birth year, then six digits. The old ID (CMND) is empty, 9 or 12 digits.
Every field is checked, so that a misread or a code that is not a card is refused with the
field named — but only the ID number is kept: the name, address and the rest are dropped
here, never shown and never sent anywhere. Messages never quote the ID number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

MAX_LENGTH = 600
FIELDS = ("id_number", "old_id", "name", "birth_date", "sex", "address", "issue_date")
_ID = re.compile(r"[0-9]{12}")
_OLD_ID = re.compile(r"(?:[0-9]{9}|[0-9]{12})?")
_DATE = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")
CENTURIES = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}
SEXES = ("Nam", "Nữ")


class CardInvalid(ValueError):
    """Not a readable ID card code; ``field`` names what is wrong (never the value)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclasses.dataclass(frozen=True)
class CitizenCard:
    """What is kept of a card: its ID number (held only until it is hashed)."""

    id_number: str = dataclasses.field(repr=False)
    birth_date: dt.date = dataclasses.field(repr=False)

    @property
    def masked(self) -> str:
        return mask_id(self.id_number)

    def __repr__(self) -> str:
        return f"CitizenCard({self.masked})"


def mask_id(id_number: str) -> str:
    """``•••••••••345``: the last three digits, enough for a citizen to recognise the card."""
    return "•" * max(0, len(id_number) - 3) + id_number[-3:]


def check_id_number(text: str) -> str:
    """The 12-digit ID number, checked as far as its digits allow; raises :class:`CardInvalid`."""
    if not isinstance(text, str) or not _ID.fullmatch(text):
        raise CardInvalid("id_number", "must be 12 digits")
    if not 1 <= int(text[:3]) <= 96:
        raise CardInvalid("id_number", "its first three digits are not a province code (001–096)")
    return text


def _date(name: str, text: str) -> dt.date:
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise CardInvalid(name, "must be a date written ddmmyyyy") from None


def parse_card(text: str, today: dt.date | None = None) -> CitizenCard:
    """The card in a scanned QR code's text; raises :class:`CardInvalid` for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise CardInvalid("card", "empty")
    if len(text) > MAX_LENGTH:
        raise CardInvalid("card", f"longer than {MAX_LENGTH} characters")
    text = unicodedata.normalize("NFC", text.strip())
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise CardInvalid("card", "holds control characters")
    parts = [part.strip() for part in text.split("|")]
    if len(parts) != len(FIELDS):
        raise CardInvalid("card", f"expected {len(FIELDS)} fields separated by '|', found {len(parts)}")
    values = dict(zip(FIELDS, parts, strict=True))
    id_number = check_id_number(values["id_number"])
    if not _OLD_ID.fullmatch(values["old_id"]):
        raise CardInvalid("old_id", "must be empty, 9 or 12 digits")
    if not values["name"] or any(ch.isdigit() for ch in values["name"]):
        raise CardInvalid("name", "must be a name")
    birth = _date("birth_date", values["birth_date"])
    if birth.year != CENTURIES[int(id_number[3])] + int(id_number[4:6]):
        raise CardInvalid("birth_date", "does not match the year in the ID number")
    if values["sex"] not in SEXES:
        raise CardInvalid("sex", "must be Nam or Nữ")
    if int(id_number[3]) % 2 != SEXES.index(values["sex"]):
        raise CardInvalid("sex", "does not match the ID number")
    if not values["address"]:
        raise CardInvalid("address", "missing")
    issued = _date("issue_date", values["issue_date"])
    if issued < birth or (today is not None and issued > today):
        raise CardInvalid("issue_date", "is not a possible date of issue")
    return CitizenCard(id_number, birth)


def looks_like_card(text: str) -> bool:
    """Cheap test for the scanner's classifier: 12 digits then ``|`` (a card, or a damaged one)."""
    return len(text) > 13 and text[:12].isdigit() and text[12] == "|"
