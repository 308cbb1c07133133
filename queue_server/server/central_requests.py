"""The province page's requests, decided by this site with its own rules (docs/province.md,
"A number or a booking at any centre").

A request read from the central database (queue_server/shipping/remote_requests.py) is run
through the very operation the site's own phone pages call — ``remote.take`` for a number
(``/q``: hours, caps, the phone queue's limits per browser and phone number, its share of
each field), ``appointment.book`` for a booking (``/book``: the slot's hours and places),
``appointment.slots`` for the free slots — as a public connection from the phone's address,
within the same budgets per address as the site's own public doors.

Exactly once: a ticket or booking is written with the request's row (``central_requests``) in
its own transaction (the hub, :mod:`.request_origin`), a refusal is written alone; a request
read again — the site killed before its answer reached the central side, or the central side
before it kept it — is answered from that row, never decided again.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes
from queue_server.core.errors import DomainError
from queue_server.protocol.errors import ProtocolError
from queue_server.protocol.messages import validate
from queue_server.server.common import booking_url, follow_url
from queue_server.server.ops import Operation, load
from queue_server.server.request_origin import ASKED
from queue_server.server.session import Session
from queue_server.store.writer import Batch

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

OPERATION = {"take": "remote.take", "book": "appointment.book", "slots": "appointment.slots"}
ARGUMENTS = {  # what of the request's payload each operation takes
    "take": ("service", "device"),
    "book": ("service", "slot_start"),
    "slots": ("service", "day"),
}
# what of a ticket goes back to the phone (through the central database)
TICKET_KEYS = (
    "label", "number", "day", "state", "service", "service_name_vi", "service_name_en", "code",
    "people_ahead", "estimated_wait_minutes", "counters",
)  # fmt: skip
# the site's own words for the core's refusals, as its phone pages show them (web/static/mc.js)
REFUSALS_VI = {
    "service_unknown": "Trung tâm này không có lĩnh vực này.",
    "service_closed": "Lĩnh vực này hiện không nhận số (ngoài giờ làm việc).",
    "service_full": "Lĩnh vực này đã hết số hôm nay.",
    "slot_full": "Khung giờ này đã kín chỗ.",
    "slot_invalid": "Khung giờ này không đặt được.",
    "bad_field": "Thông tin chưa đúng.",
    "missing_field": "Còn thiếu thông tin.",
    "store_unavailable": "Máy chủ của trung tâm không ghi được dữ liệu; chưa có gì thay đổi. Vui lòng thử lại.",
}


class CentralRequests:
    """Decides the requests of the province for ``hub``, one at a time (the reader's thread
    hands them over to the event loop)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.operations = load()

    async def decide(self, request_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The answer for the phone: from this site's record of the request if it has one,
        else decided now (and recorded)."""
        if kind not in OPERATION:
            return _refusal("bad_field", f"Yêu cầu không hợp lệ ({kind!r}).")
        known = self.recorded(request_id)
        if known is not None:
            self.hub.metrics.province_requests[(kind, "recorded")] += 1
            return known
        operation = self.operations[OPERATION[kind]]
        args = {name: payload.get(name) for name in ARGUMENTS[kind]}
        session = Session(role=Role.PUBLIC, remote="province", address=f"province:{payload.get('address', '?')}")
        token = ASKED.set((request_id, kind) if kind != "slots" else None)  # a reading makes nothing to record
        try:
            result = await self._run(operation, session, args)
        except (ProtocolError, DomainError) as exc:
            answer = _refusal(str(exc.code), _vietnamese(str(exc.code), exc.message))
            if kind != "slots":  # kept, so that the phone is told the same whatever happens next
                row = {"id": request_id, "kind": kind, "ticket": None, "booking": None,
                       "answer": json.dumps(answer, ensure_ascii=False), "decided_at": self.hub.now().isoformat()}  # fmt: skip
                await self.hub.write(Batch(central_requests=[row]))
            self.hub.metrics.province_requests[(kind, "refused")] += 1
            return answer
        finally:
            ASKED.reset(token)
        self.hub.metrics.province_requests[(kind, "ok")] += 1
        if kind == "slots":
            return {"ok": True, "slots": result["slots"]}
        decided = self.recorded(request_id)
        if decided is None:  # cannot be: the row was written with the ticket or booking
            raise RuntimeError(f"request {request_id}: decided but not recorded")
        return decided

    async def _run(self, operation: Operation, session: Session, args: dict[str, Any]) -> dict[str, Any]:
        clean = validate(args, operation.fields)
        doors = self.hub.doors
        if operation.door is not None and doors is not None:
            return await doors.run(operation.door, session.address, lambda: operation.handler(self.hub, session, clean))
        return await operation.handler(self.hub, session, clean)

    def recorded(self, request_id: str) -> dict[str, Any] | None:
        """The answer to a request this site decided already, rebuilt from its record."""
        row = self.hub.reader.conn.execute(
            "SELECT ticket, booking, answer FROM central_requests WHERE id = ?", [request_id]
        ).fetchone()
        if row is None:
            return None
        ticket_id, booking, answer = row
        if answer is not None:
            return dict(json.loads(answer))
        site = {"site": self.hub.config.site.site_id, "site_name": self.hub.config.site.name}
        if ticket_id is not None:
            ticket = self.hub.lobby.state.tickets.get(ticket_id)
            if ticket is None:  # a day past: the number is no longer today's
                return _refusal("ticket_unknown", "Số này không còn hiệu lực (đã qua ngày lấy số).")
            full = self.hub.lobby.ticket_view(ticket)
            view = {key: full.get(key) for key in TICKET_KEYS}  # what the phone shows, no more
            url = follow_url(self.hub, ticket.code)
            return {"ok": True, "kind": "take", **site, "ticket": view, "url": url if self._public() else None}
        appointment = self.hub.lobby.state.appointments[booking]
        service = self.hub.config.site.service(appointment.service)
        booked = appointment.as_dict()
        view = {key: booked.get(key) for key in ("code", "service", "slot_start", "state")} | {
            "code_display": codes.format_booking_code(booking),
            "service_name_vi": service.name_vi if service else appointment.service,
            "slot_local": self.hub.config.site.local(appointment.slot_start).isoformat(),
        }
        url = booking_url(self.hub, booking)
        return {"ok": True, "kind": "book", **site, "appointment": view, "url": url if self._public() else None}

    def _public(self) -> bool:
        """Whether the site's pages have an address phones reach (else no link is given)."""
        host = urllib.parse.urlsplit(self.hub.config.settings.public_url).hostname or ""
        return host not in ("127.0.0.1", "localhost", "::1")


def _refusal(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


def _vietnamese(code: str, message: str) -> str:
    """The site's message if it is Vietnamese (the phone queue's limits are), else its words
    for the code."""
    if any(ord(ch) > 127 for ch in message):
        return message
    return REFUSALS_VI.get(code, f"Trung tâm từ chối yêu cầu ({message}).")
