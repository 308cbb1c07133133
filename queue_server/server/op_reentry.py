"""Coming back with the missing papers: the counter marks a dossier "cần bổ sung" and the
citizen gets a re-entry code, on the counter's paper and/or by SMS/Zalo (``reentry.mark``);
the kiosk scans it within ``[policy] reentry_working_days`` working days for a ticket ahead of
the plain queue (``reentry.use``). The rules are the core's (:mod:`queue_server.core.reentries`).

The code is a bearer secret that lives for weeks: it is made here with :mod:`secrets`, its
SHA-256 alone goes into the log, and the code itself only onto the paper, into the outbox row
of its SMS (site-only, purged with the phone after ``retention_days``) and into the reply to
the counter that marked it (so that the officer can read it out if there is no paper).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.config.settings_outreach import Channel
from queue_server.core import codes, commands, phones
from queue_server.core.events import Event
from queue_server.core.model import ReentryState
from queue_server.outreach.plan import CITIZEN, Delivery
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import checked_phone, counter_of, ticket_for_issuer, with_new_code
from queue_server.server.dossier_views import calendar_for
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.store import outbox
from queue_server.web.pages import CONTENT_TYPES, Page, not_found
from queue_server.web.qr import qr_svg

if TYPE_CHECKING:
    from hardware.printer.documents import ReentrySlip
    from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

MARK_FIELDS = {
    "ticket": Field(int, required=False, minimum=1),  # the counter's current ticket: guards a stale screen
    "note": Field(str, max_length=300),
    "dossier": Field(str, required=False, max_length=40),
    "phone": Field(str, required=False, max_length=30),
    "consent": Field(bool, required=False),
    "print": Field(bool, required=False),  # default: print where the counter has a printer
}


def vietnamese_date(day: dt.date) -> str:
    return f"{WEEKDAYS_VI[day.weekday()]}, {day:%d/%m/%Y}"


def reentry_url(hub: Hub, code: str) -> str:
    return hub.config.settings.public_url.rstrip("/") + codes.REENTRY_PATH + code


@operation("reentry.mark", (Role.COUNTER,), MARK_FIELDS, officer=True)
async def reentry_mark(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Mark the counter's current citizen's dossier "cần bổ sung" and give a re-entry code."""
    number = counter_of(session)
    phone = _phone(hub, args) if args["phone"] else None
    today = hub.now().date()
    valid_until = calendar_for(hub).add_working_days(today, hub.config.site.policy.reentry_working_days)
    made: dict[str, str] = {}

    async def mark(code: str) -> list[Event]:
        made["code"] = code
        cmd = commands.MarkSupplement(
            now=hub.now(),
            counter=number,
            ticket=args["ticket"],
            code_hash=codes.reentry_hash(code),
            note=args["note"],
            valid_until=valid_until,
            dossier=args["dossier"],
        )
        more = (lambda events: {"outbox": [_message(hub, events[0], code, phone).row(outbox.utc(cmd.now))]}) if phone else None
        return await hub.execute(cmd, more=more)

    events = await with_new_code(mark, codes.REENTRY_CODE_LENGTH)
    if phone:
        hub.wake_deliverer()
    code = made["code"]
    reentry = hub.lobby.state.reentries[events[0].data["reentry"]]
    printed, print_error = False, None
    if args["print"] is not False:
        printed, print_error = await _print(hub, session, reentry, code)
    return {
        "reentry": {
            **reentry.as_dict(),
            "code": codes.format_reentry_code(code),
            "url": reentry_url(hub, code),
            "valid_until_text": vietnamese_date(reentry.valid_until),
        },
        "printed": printed,
        "print_error": print_error,
        "sent_to": phones.mask(phone) if phone else None,
    }


def _phone(hub: Hub, args: dict[str, Any]) -> str:
    phone = checked_phone(hub, args["phone"], args["consent"] is True)
    notifications = hub.config.outreach.notifications
    assert notifications is not None  # checked_phone refuses without them
    if notifications.channel == Channel.ZALO and (notifications.zalo is None or not notifications.zalo.template_reentry):
        raise ProtocolError(
            ProtocolErrorCode.NOTIFICATIONS_OFF,
            "Zalo ZNS chưa có mẫu tin cho mã quay lại (template_reentry): hãy in phiếu. "
            "Zalo ZNS has no re-entry template (template_reentry): print the slip.",
            field="phone",
        )
    return phone


def _message(hub: Hub, event: Event, code: str, phone: str) -> Delivery:
    """The SMS/Zalo message of a re-entry code (its key: one message per mark)."""
    assert hub.config.outreach.notifications is not None
    d = event.data
    service = hub.config.site.service(d["service"])
    name = service.name_vi if service else d["service"]
    until = vietnamese_date(dt.date.fromisoformat(d["valid_until"]))
    shown = codes.format_reentry_code(code)
    url = reentry_url(hub, code)
    text = (
        f"Một Cửa: hồ sơ {name} (số {d['label']}) cần bổ sung: {d['note']}. "
        f"Quay lại trước hết {until}; mở {url} và đưa mã QR vào máy lấy số để được ưu tiên. Mã: {shown}."
    )
    params = {"service": name, "ticket": d["label"], "note": d["note"], "valid_until": until, "code": shown, "url": url}
    key = f"{hub.config.site.site_id}:reentry:{d['reentry']}"
    channel = hub.config.outreach.notifications.channel
    return Delivery(key, channel, CITIZEN, event.seq, "reentry", None, phone, {"text": text, "params": params})


async def _print(hub: Hub, session: Session, reentry: Any, code: str) -> tuple[bool, str | None]:
    """Print the slip on the counter's own printer: (printed, why not)."""
    url = session.device.printer if session.device else None
    if url is None:
        return False, "Quầy này không có máy in. This counter has no printer."
    # the printer's stack only once a slip is printed (as fee.print)
    from hardware.printer.documents import ReentrySlip
    from hardware.printer.errors import PrinterError
    from hardware.urls import InvalidDeviceURL

    service = hub.config.site.service(reentry.service)
    slip = ReentrySlip(
        centre_name=hub.config.site.name,
        number=reentry.label,
        procedure=service.name_vi if service else reentry.service,
        note=reentry.note,
        valid_until=reentry.valid_until,
        code=codes.format_reentry_code(code),
        qr_payload=reentry_url(hub, code),
        printed_at=hub.now(),
        counter=str(reentry.counter),
        dossier_code=reentry.dossier,
    )
    try:
        await asyncio.to_thread(_print_slip, url, slip)
    except (PrinterError, InvalidDeviceURL, OSError) as exc:
        log.warning("re-entry slip for %s not printed: %s", reentry.label, exc)
        return False, f"Không in được phiếu: {exc}. The slip was not printed."
    return True, None


def _print_slip(url: str, slip: ReentrySlip) -> None:
    from hardware.printer.connect import printer_from_url

    with printer_from_url(url) as printer:
        printer.print(slip)


@operation("reentry.use", (Role.KIOSK, Role.MANAGER, Role.INTEGRATION), {"code": Field(str, max_length=40)})
async def reentry_use(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """A re-entry code scanned at the kiosk: a return-visit ticket, or the core's refusal
    (``reentry_used``, ``reentry_expired``, ``reentry_replaced``, ``reentry_unknown``)."""
    code = codes.normalize_code(args["code"])
    if not codes.is_reentry_code(code):
        raise ProtocolError(
            ProtocolErrorCode.BAD_FIELD, f"A re-entry code is {codes.REENTRY_CODE_LENGTH} letters and digits.", field="code"
        )
    source = session.device.id if session.device else None

    async def use(ticket_code: str) -> list[Event]:
        cmd = commands.UseReentry(now=hub.now(), code_hash=codes.reentry_hash(code), ticket_code=ticket_code, source=source)
        return await hub.execute(cmd)

    issued, used = await with_new_code(use, codes.TICKET_CODE_LENGTH)
    ticket = hub.lobby.state.tickets[issued.data["ticket"]]
    counter = hub.lobby.state.counters.get(used.data["counter"]) if used.data["counter"] is not None else None
    officer = hub.config.officer(used.data["officer"]) if used.data["officer"] else None
    return {
        "ticket": ticket_for_issuer(hub, ticket),
        "reentry": {
            "target": used.data["target"],
            "counter": used.data["counter"],
            "counter_name": counter.spec.name if counter else None,
            "officer_name": officer.name if officer else None,
        },
    }



QR_SVG = "/qr.svg"


def reentry_qr(hub: Hub, path: str) -> Page | None:
    """``/r/CODE/qr.svg``: the QR code of a re-entry code's page (``/r/CODE``, a static page of
    ``web/pages.py`` for any code of the right form, for a phone that got the code by SMS to show
    to the kiosk's scanner). Drawn only for a live code (not a general QR generator), under the
    per-address budget of drawn codes."""
    if not path.startswith(codes.REENTRY_PATH) or not path.endswith(QR_SVG):
        return None
    code = path.removeprefix(codes.REENTRY_PATH).removesuffix(QR_SVG)
    if not codes.is_reentry_code(code):
        return not_found()
    reentry_id = hub.lobby.state.reentry_hashes.get(codes.reentry_hash(code))
    if reentry_id is None or hub.lobby.state.reentries[reentry_id].state is not ReentryState.LIVE:
        return not_found()
    return Page(200, qr_svg(reentry_url(hub, code)), CONTENT_TYPES[".svg"], {"Cache-Control": "no-store"})
