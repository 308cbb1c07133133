"""What the kiosk prints, made from the server's replies; and printer faults as report details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from hardware.printer import (
    CheckInSlip,
    CoverOpen,
    DossierSlip,
    PaperOut,
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrinterTimeout,
    QueueTicket,
)
from kiosk.core.texts import Catalogue, Language
from queue_server.core.codes import format_booking_code
from queue_server.core.reentries import RETURN_VISIT
from queue_server.core.site import PriorityCategory, Site


def ticket_mark(ticket: Mapping[str, Any], priorities: Iterable[PriorityCategory], texts: Catalogue) -> str | None:
    """The line under the printed "ƯU TIÊN · PRIORITY" band, in both languages like the rest of
    the ticket: the appointment, or the priority category (``Người cao tuổi · Elderly``)."""
    if ticket.get("appointment"):
        return f"{texts.text('ticket.appointment', Language.VI)} · {texts.text('ticket.appointment', Language.EN)}"
    code = ticket.get("priority")
    if not code:
        return None
    category = next((p for p in (*priorities, RETURN_VISIT) if p.code == code), None)
    return f"{category.name_vi} · {category.name_en}" if category else code


def wait_line(site: Site, service: str | None, texts: Catalogue, language: Language = Language.VI) -> str:
    """Where to wait, as the ticket prints it (Vietnamese) and says it: the field's own
    ``wait_line``, else the site's, else the usual "Mời ngồi chờ tại khu vực chờ…". A centre's
    line is Vietnamese only: in English the usual line is said."""
    field = site.service(service) if service else None
    own = (field.wait_line if field is not None else None) or site.wait_line
    if own and language is Language.VI:
        return own
    return texts.text("ticket.wait_line", language)


def queue_ticket(
    centre: str, ticket: Mapping[str, Any], mark: str | None, footer: str = "", wait: str = ""
) -> QueueTicket:
    """The paper ticket for an issued (or checked-in) ticket; its QR code is the ticket's ``url``."""
    return QueueTicket(
        centre_name=centre,
        number=ticket["label"],
        service_vi=ticket.get("service_name_vi") or ticket["service"],
        service_en=ticket.get("service_name_en") or "",
        issued_at=dt.datetime.fromisoformat(ticket["issued_at"]),
        people_ahead=int(ticket.get("people_ahead") or 0),
        estimated_wait_minutes=_minutes(ticket.get("estimated_wait_minutes")),
        counters=[str(n) for n in ticket.get("counters") or ()],
        qr_payload=ticket["url"],
        priority=mark,
        footer=footer,
        go_now=called_at(ticket),
        wait_line=wait,
    )


def called_at(ticket: Mapping[str, Any]) -> str | None:
    """The counter calling (or serving) this number right now, if one is: a pick-up ticket taken
    again after it was called, or a number called as it was issued. The citizen goes there now."""
    if ticket.get("state") in ("called", "serving") and ticket.get("counter") is not None:
        return str(ticket["counter"])
    return None


def issued_document(
    centre: str,
    ticket: Mapping[str, Any],
    mark: str | None,
    footer: str = "",
    tz: dt.tzinfo | None = None,
    wait: str = "",
) -> QueueTicket | CheckInSlip:
    """What an issued ticket prints: a checked-in appointment's slip (the number with the
    appointment's time and booking code, so the citizen sees it was their booking), else the
    queue ticket."""
    if not (ticket.get("appointment") and ticket.get("slot_start")):
        return queue_ticket(centre, ticket, mark, footer, wait)
    slot = dt.datetime.fromisoformat(ticket["slot_start"])
    return CheckInSlip(
        centre_name=centre,
        number=ticket["label"],
        procedure_vi=ticket.get("service_name_vi") or ticket["service"],
        procedure_en=ticket.get("service_name_en") or "",
        booking_code=format_booking_code(ticket["appointment"]),
        appointment_time=slot.astimezone(tz) if tz is not None else slot,
        issued_at=dt.datetime.fromisoformat(ticket["issued_at"]),
        counters=[str(n) for n in ticket.get("counters") or ()],
        qr_payload=ticket["url"],
        footer=footer,
        wait_line=wait,
    )


def ticket_footer(ticket: Mapping[str, Any], texts: Catalogue) -> str:
    """The line under a ticket: the dossier of a pick-up ticket (Vietnamese, as the paper is)."""
    return texts.text("pickup.footer", Language.VI, code=ticket["dossier"]) if ticket.get("dossier") else ""


def _minutes(value: Any) -> int | None:
    return None if value is None else max(0, round(value))


def dossier_slip(centre: str, dossier: Mapping[str, Any], now: dt.datetime, texts: Catalogue) -> DossierSlip:
    status = dossier.get("status", "received")
    if dossier.get("overdue"):
        status = "overdue"
    due = dossier.get("due_date")
    return DossierSlip(
        centre_name=centre,
        dossier_code=dossier["code"],
        procedure=dossier.get("procedure") or "",
        status=texts.text(f"status.{status}", Language.VI),
        department=dossier.get("department") or "",
        due_date=dt.date.fromisoformat(due) if due else None,
        # no place given: the slip says to ask, never a blank line
        collect_at=dossier.get("collect_at") or texts.text("dossier.collect_ask", Language.VI),
        printed_at=now,
        qr_payload=dossier.get("url") or None,  # its phone page with the check: the applicant's link
    )


def fault_detail(error: PrinterError) -> str:
    """A printer failure as ``device.report``'s ``detail`` (and a catalogue key ``printer.<detail>``)."""
    if isinstance(error, PaperOut):
        return "paper_out"
    if isinstance(error, CoverOpen):
        return "cover_open"
    if isinstance(error, PrinterOffline):
        return "offline"
    if isinstance(error, PrinterTimeout):
        return "timeout"
    if isinstance(error, PrinterNotFound):
        return "not_found"
    return "failed"
