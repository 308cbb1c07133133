"""A dossier (hồ sơ) as the kiosk shows it: values only, checked when made.

Personal data is kept out on purpose: a dossier has its receipt code, the procedure, where it
is, when it is due and where to collect it — never the applicant's name, address or ID.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from .errors import InvalidDossier

MAX_TEXT = 200
_CODE = re.compile(r"[0-9A-Z][0-9A-Z._/-]{2,63}")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

FIELDS = ("code", "procedure", "status", "department", "due_date", "collect_at")


class DossierStatus(enum.StrEnum):
    RECEIVED = "received"  # đã tiếp nhận
    PROCESSING = "processing"  # đang xử lý (at ``department``)
    SUPPLEMENT = "supplement"  # cần bổ sung giấy tờ
    READY = "ready"  # có kết quả, chờ trả
    COLLECTED = "collected"  # đã trả kết quả
    OVERDUE = "overdue"  # quá hạn (also derived from the due date)


def normalize_dossier_code(text: str) -> str:
    """Upper case, no surrounding spaces; raises :class:`InvalidDossier` for other forms."""
    if not isinstance(text, str):
        raise InvalidDossier("code", "must be text")
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise InvalidDossier(
            "code", f"{text[:80]!r} is not a receipt code (3–64 of A–Z, 0–9, '.', '-', '/', '_')"
        )
    return code


def parse_due_date(value: Any) -> dt.date | None:
    """``2026-11-30``, ``2026-11-30T17:00:00+07:00`` or ``30/11/2026``; empty: none."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidDossier("due_date", f"must be a date, not {type(value).__name__}")
    text = value.strip()
    match = _DMY.fullmatch(text)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDossier("due_date", f"{text[:40]!r} is not a date (2026-11-30 or 30/11/2026)") from None


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int):
        raise InvalidDossier(name, f"must be text, not {type(value).__name__}")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > MAX_TEXT:
        raise InvalidDossier(name, f"at most {MAX_TEXT} characters ({len(text)} given)")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise InvalidDossier(name, "must not hold control characters")
    return text


@dataclasses.dataclass(frozen=True)
class Dossier:
    code: str
    status: DossierStatus
    procedure: str = ""
    department: str = ""  # the department that has it now
    due_date: dt.date | None = None  # ngày hẹn trả kết quả
    collect_at: str = ""  # where to collect the result (a counter, a desk)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Dossier:
        """Check plain values (from JSON, CSV or the protocol) and make a dossier."""
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise InvalidDossier(unknown[0], f"unknown field (known: {', '.join(FIELDS)})")
        if "code" not in data or data["code"] in (None, ""):
            raise InvalidDossier("code", "missing")
        status = data.get("status")
        try:
            parsed_status = DossierStatus(str(status).strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in DossierStatus)
            raise InvalidDossier("status", f"{str(status)[:40]!r} is not one of {choices}") from None
        return cls(
            code=normalize_dossier_code(data["code"]),
            status=parsed_status,
            procedure=_text("procedure", data.get("procedure")),
            department=_text("department", data.get("department")),
            due_date=parse_due_date(data.get("due_date")),
            collect_at=_text("collect_at", data.get("collect_at")),
        )

    def is_overdue(self, today: dt.date) -> bool:
        if self.status is DossierStatus.OVERDUE:
            return True
        finished = self.status in (DossierStatus.READY, DossierStatus.COLLECTED)
        return not finished and self.due_date is not None and today > self.due_date

    def as_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        view: dict[str, Any] = {
            "code": self.code,
            "procedure": self.procedure,
            "status": self.status.value,
            "department": self.department,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "collect_at": self.collect_at,
        }
        if today is not None:
            view["overdue"] = self.is_overdue(today)
        return view
