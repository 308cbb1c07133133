"""Vietnamese mobile numbers: checked, written one way inside (``84…``), masked outside."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s.()-]")
_MOBILE = re.compile(r"84[35789][0-9]{8}")


class BadPhone(ValueError):
    """Not a Vietnamese mobile number."""


def normalize(phone: str) -> str:
    """``0912 345 678``, ``+84912345678``, ``84-912-345-678`` → ``84912345678``."""
    if not isinstance(phone, str):
        raise BadPhone("a phone number is text")
    digits = _SEPARATORS.sub("", phone.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not digits.isascii() or not _MOBILE.fullmatch(digits):
        raise BadPhone("Số điện thoại di động không đúng (10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09).")
    return digits


def local(phone: str) -> str:
    """``84912345678`` → ``0912345678``."""
    return "0" + phone[2:]


def mask(phone: str | None) -> str:
    """What logs, the dashboard and every listing show: ``091****678``."""
    if not phone:
        return ""
    shown = local(phone) if phone.startswith("84") else phone
    return shown[:3] + "*" * max(0, len(shown) - 6) + shown[-3:]
