"""A dossier (hồ sơ) as the lobby knows it: values only, checked when made.

Personal data is kept out on purpose: a dossier has its receipt code, the procedure and its
field, the unit and officer handling it, its steps with their dates, when it is due and where
to collect the result — never the applicant's name, address or ID.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from queue_server.core.dossiers.errors import InvalidDossier

DOSSIER_PATH = "/d/"  # the phone page of a dossier: /d/CODE (the receipt's QR code)
MAX_TEXT = 200
MAX_STEPS = 100
MAX_VERSION = 2**62
_CODE = re.compile(r"[0-9A-Z][0-9A-Z._/-]{2,63}")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

DATE_FIELDS = ("received_date", "due_date", "result_date")
# one value each: CSV columns, and what [dossier_lookup.fields] may map
SCALAR_FIELDS = (
    "code", "procedure", "status", "department", "due_date", "collect_at",
    "field", "officer", "received_date", "result_date", "version",
)  # fmt: skip
FIELDS = (*SCALAR_FIELDS, "steps")
STEP_FIELDS = ("at", "status", "unit", "note")


class DossierStatus(enum.StrEnum):
    RECEIVED = "received"  # đã tiếp nhận
    PROCESSING = "processing"  # đang xử lý (at ``department``)
    SUPPLEMENT = "supplement"  # cần bổ sung giấy tờ
    READY = "ready"  # có kết quả, chờ trả
    COLLECTED = "collected"  # đã trả kết quả
    OVERDUE = "overdue"  # quá hạn (also derived from the due date)
    RETURNED = "returned"  # trả lại hồ sơ, không giải quyết (the reason is in the last step's note)


FINISHED = frozenset({DossierStatus.READY, DossierStatus.COLLECTED, DossierStatus.RETURNED})


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


def parse_date(value: Any, name: str = "due_date") -> dt.date | None:
    """``2026-11-30``, ``2026-11-30T17:00:00+07:00`` or ``30/11/2026``; empty: none."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InvalidDossier(name, f"must be a date, not {type(value).__name__}")
    text = value.strip()
    match = _DMY.fullmatch(text)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text).date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDossier(name, f"{text[:40]!r} is not a date (2026-11-30 or 30/11/2026)") from None


parse_due_date = parse_date


def parse_status(value: Any, name: str = "status") -> DossierStatus:
    try:
        return DossierStatus(str(value).strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in DossierStatus)
        raise InvalidDossier(name, f"{str(value)[:40]!r} is not one of {choices}") from None


def parse_version(value: Any) -> int | None:
    """A number that grows with every change of the dossier in the one-stop system."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_VERSION:
        raise InvalidDossier("version", f"must be a whole number from 0 to {MAX_VERSION}, not {str(value)[:40]!r}")
    return value


def _text(name: str, value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidDossier(name, f"must be text, not {type(value).__name__}")
    text = unicodedata.normalize("NFC", str(value)).strip()
    if len(text) > MAX_TEXT:
        raise InvalidDossier(name, f"at most {MAX_TEXT} characters ({len(text)} given)")
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise InvalidDossier(name, "must not hold control characters")
    return text


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of the dossier's way: received, at a unit, supplement asked, done, returned."""

    at: dt.date
    status: DossierStatus
    unit: str = ""
    note: str = ""

    @classmethod
    def from_mapping(cls, data: Any, index: int) -> Step:
        name = f"steps.{index}"
        if not isinstance(data, Mapping):
            raise InvalidDossier(name, f"must be an object with {', '.join(STEP_FIELDS)}")
        unknown = sorted(set(data) - set(STEP_FIELDS))
        if unknown:
            raise InvalidDossier(f"{name}.{unknown[0]}", f"unknown field (known: {', '.join(STEP_FIELDS)})")
        at = parse_date(data.get("at"), f"{name}.at")
        if at is None:
            raise InvalidDossier(f"{name}.at", "missing")
        return cls(
            at=at,
            status=parse_status(data.get("status"), f"{name}.status"),
            unit=_text(f"{name}.unit", data.get("unit")),
            note=_text(f"{name}.note", data.get("note")),
        )

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "status": self.status.value, "unit": self.unit, "note": self.note}


def _steps(value: Any) -> tuple[Step, ...]:
    if value is None or value == "":
        return ()
    if not isinstance(value, list | tuple):
        raise InvalidDossier("steps", "must be a list of steps")
    if len(value) > MAX_STEPS:
        raise InvalidDossier("steps", f"at most {MAX_STEPS} steps ({len(value)} given)")
    steps = tuple(Step.from_mapping(item, i) for i, item in enumerate(value))
    return tuple(sorted(steps, key=lambda s: s.at))  # stable: same-day steps keep their order


@dataclasses.dataclass(frozen=True)
class Dossier:
    code: str
    status: DossierStatus
    procedure: str = ""  # thủ tục
    department: str = ""  # the unit that has it now
    due_date: dt.date | None = None  # ngày hẹn trả kết quả
    collect_at: str = ""  # where to collect the result (a counter, a desk)
    field: str = ""  # lĩnh vực
    officer: str = ""  # the officer handling it
    received_date: dt.date | None = None  # ngày tiếp nhận
    result_date: dt.date | None = None  # the day the result was ready (or the dossier returned)
    steps: tuple[Step, ...] = ()
    version: int | None = None  # grows with every change in the one-stop system

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Dossier:
        """Check plain values (from JSON, CSV or the protocol) and make a dossier."""
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise InvalidDossier(unknown[0], f"unknown field (known: {', '.join(FIELDS)})")
        if "code" not in data or data["code"] in (None, ""):
            raise InvalidDossier("code", "missing")
        return cls(
            code=normalize_dossier_code(data["code"]),
            status=parse_status(data.get("status")),
            procedure=_text("procedure", data.get("procedure")),
            department=_text("department", data.get("department")),
            due_date=parse_date(data.get("due_date"), "due_date"),
            collect_at=_text("collect_at", data.get("collect_at")),
            field=_text("field", data.get("field")),
            officer=_text("officer", data.get("officer")),
            received_date=parse_date(data.get("received_date"), "received_date"),
            result_date=parse_date(data.get("result_date"), "result_date"),
            steps=_steps(data.get("steps")),
            version=parse_version(data.get("version")),
        )

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def finished_on(self) -> dt.date | None:
        """When the result was ready (or the dossier returned): ``result_date``, else the
        date of the last finishing step; None while unfinished or when nobody said."""
        if not self.finished:
            return None
        if self.result_date is not None:
            return self.result_date
        done = [s.at for s in self.steps if s.status in FINISHED]
        return done[-1] if done else None

    def is_overdue(self, today: dt.date) -> bool:
        if self.status is DossierStatus.OVERDUE:
            return True
        return not self.finished and self.due_date is not None and today > self.due_date

    def as_dict(self, today: dt.date | None = None) -> dict[str, Any]:
        def day(value: dt.date | None) -> str | None:
            return value.isoformat() if value else None

        view: dict[str, Any] = {
            "code": self.code,
            "procedure": self.procedure,
            "status": self.status.value,
            "department": self.department,
            "due_date": day(self.due_date),
            "collect_at": self.collect_at,
            "field": self.field,
            "officer": self.officer,
            "received_date": day(self.received_date),
            "result_date": day(self.result_date),
            "steps": [s.as_dict() for s in self.steps],
            "version": self.version,
        }
        if today is not None:
            view["overdue"] = self.is_overdue(today)
        return view
