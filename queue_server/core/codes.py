"""The codes citizens carry: ticket codes and booking codes.

Both use one alphabet with no look-alike characters (no 0/O, 1/I/L, no lower case), so a
code read aloud, typed on the kiosk keypad or scanned gives the same thing. The codes are
secrets: a ticket code lets a phone follow that one ticket, a booking code checks in that
one appointment. The edge makes them with :mod:`secrets`; the core only checks their form.

QR codes carry ASCII only: ``<public URL>/t/<ticket code>`` on a ticket and
``<public URL>/b/<booking code>`` on a booking.
"""

from __future__ import annotations

import re

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_CODE_LENGTH = 10  # 31**10 ≈ 8e14: not guessable from a phone page
BOOKING_CODE_LENGTH = 8  # 31**8 ≈ 8.5e11, and check-in attempts are rate-limited

TICKET_PATH = "/t/"
BOOKING_PATH = "/b/"

_ticket_re = re.compile(f"[{ALPHABET}]{{{TICKET_CODE_LENGTH}}}")
_booking_re = re.compile(f"[{ALPHABET}]{{{BOOKING_CODE_LENGTH}}}")


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
