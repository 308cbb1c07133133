"""The codes citizens carry: ticket codes, booking codes and re-entry codes.

Both use one alphabet with no look-alike characters (no 0/O, 1/I/L, no lower case), so a
code read aloud, typed on the kiosk keypad or scanned gives the same thing. The codes are
secrets: a ticket code lets a phone follow that one ticket, a booking code checks in that
one appointment. The edge makes them with :mod:`secrets`; the core only checks their form.

A re-entry code (mã quay lại bổ sung) is given when an officer marks a dossier "cần bổ sung":
it brings its holder back ahead of the plain queue within N working days, so it is a bearer
secret that lives for weeks, not a day. The log keeps only its SHA-256 (:func:`reentry_hash`):
a copy of the log or a backup cannot be turned into priority tickets. 12 characters (31**12 ≈
7.9e17, about 2**59.5) make both guessing at the kiosk and inverting the hash hopeless; no salt
is needed for a code drawn uniformly at random.

QR codes carry ASCII only: ``<public URL>/t/<ticket code>`` on a ticket and
``<public URL>/b/<booking code>`` on a booking, ``<public URL>/r/<re-entry code>`` on a
re-entry slip.
"""

from __future__ import annotations

import hashlib
import re

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_CODE_LENGTH = 10  # 31**10 ≈ 8e14: not guessable from a phone page
BOOKING_CODE_LENGTH = 8  # 31**8 ≈ 8.5e11, and check-in attempts are rate-limited
REENTRY_CODE_LENGTH = 12  # 31**12 ≈ 7.9e17: lives for weeks, and only its hash is kept

TICKET_PATH = "/t/"
BOOKING_PATH = "/b/"
REENTRY_PATH = "/r/"

_ticket_re = re.compile(f"[{ALPHABET}]{{{TICKET_CODE_LENGTH}}}")
_booking_re = re.compile(f"[{ALPHABET}]{{{BOOKING_CODE_LENGTH}}}")
_reentry_re = re.compile(f"[{ALPHABET}]{{{REENTRY_CODE_LENGTH}}}")
_hash_re = re.compile("[0-9a-f]{64}")


def normalize_code(text: str) -> str:
    """Upper-case, drop spaces and hyphens people put in when they type a code."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def is_ticket_code(text: str) -> bool:
    return _ticket_re.fullmatch(text) is not None


def is_booking_code(text: str) -> bool:
    return _booking_re.fullmatch(text) is not None


def format_booking_code(code: str) -> str:
    """``ABCD2345`` → ``ABCD-2345``: easier to read out and type."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def is_reentry_code(text: str) -> bool:
    return _reentry_re.fullmatch(text) is not None


def reentry_hash(code: str) -> str:
    """What the log keeps of a re-entry code: its SHA-256, in hex."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def is_reentry_hash(text: str) -> bool:
    return _hash_re.fullmatch(text) is not None


def format_reentry_code(code: str) -> str:
    """``ABCD2345EFGH`` → ``ABCD-2345-EFGH``: easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
