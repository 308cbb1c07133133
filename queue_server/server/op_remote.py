"""A number from the phone (``/q``): take one, confirm it at the centre, rejoin once.

The number is issued by the same command as at a kiosk (``IssueTicket``): same numbering,
caps and opening hours, the same events to the boards. Its row in ``remote_tickets`` (and the
phone number left for messages) is written in the same transaction as its ``ticket.issued``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, commands
from queue_server.core.events import Event
from queue_server.core.model import TicketState
from queue_server.outreach.remote import RemoteRefused, RemoteTicket, phone_hash
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import (
    check_phone,
    checked_phone,
    own_or_given,
    ticket_for,
    ticket_for_issuer,
    with_new_code,
)
from queue_server.server.ops import Door, operation
from queue_server.server.session import Session
from queue_server.server.views import public_ticket
from queue_server.store import outbox
from queue_server.store.writer import Batch

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

SOURCE = "phone"
_DEVICE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _refused(exc: RemoteRefused) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode(exc.code), exc.message)


@operation(
    "remote.take",
    (Role.PUBLIC,),
    {
        "service": Field(str, max_length=20),
        "device": Field(str, max_length=64),
        "phone": Field(str, required=False, max_length=30),
        "consent": Field(bool, required=False),
    },
    door=Door.TAKE,
)
async def remote_take(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    if session.ticket_code is not None:
        raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "This connection follows a ticket already.")
    if not _DEVICE.fullmatch(args["device"]):
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, "device: 16 to 64 letters, digits, '-' or '_'.", field="device")
    phone = checked_phone(hub, args["phone"], args["consent"]) if args["phone"] else None
    service = hub.config.site.service(args["service"])
    day = hub.config.site.local(hub.now()).date().isoformat()
    hashed = phone_hash(hub.config.site.site_id, phone) if phone else None
    if phone is not None:
        check_phone(hub, phone)  # no await between this and the decision that keeps it (rows)
    if service is not None:
        try:
            hub.remote.check_take(service, args["device"], hashed, day)
        except RemoteRefused as exc:
            raise _refused(exc) from None
    created = outbox.utc(hub.now())

    def rows(events: list[Event]) -> dict[str, Any]:
        ticket_id = events[-1].data["ticket"]
        remote = RemoteTicket(ticket_id, day, args["service"], args["device"], hashed, created)
        hub.remote.tickets[ticket_id] = remote
        more: dict[str, Any] = {"remote": [remote.row()]}
        if phone is not None:
            hub.planner.phones[ticket_id] = phone
            more["phones"] = [{"ticket": ticket_id, "phone": phone, "created_at": created}]
            more["outbox"] = [d.row(created) for d in hub.planner.near(hub.lobby.state, events[-1].seq, only=[ticket_id])]
        return more

    async def issue(code: str) -> Any:
        cmd = commands.IssueTicket(now=hub.now(), service=args["service"], code=code, source=SOURCE)
        try:
            return await hub.execute(cmd, more=rows)
        except BaseException:
            _forget(hub, code)
            raise

    events = await with_new_code(issue, codes.TICKET_CODE_LENGTH)
    ticket = hub.lobby.state.tickets[events[-1].data["ticket"]]
    view = ticket_for_issuer(hub, ticket)
    view.pop("source", None)
    return {"ticket": view}


def _forget(hub: Hub, code: str) -> None:
    """A take that was not kept (refused, or the disk failed): no trace in memory either."""
    ticket_id = hub.lobby.state.codes.get(code)
    if ticket_id is not None:  # decided, then lost with the commit: the state is rebuilt anyway
        hub.remote.tickets.pop(ticket_id, None)
        hub.planner.phones.pop(ticket_id, None)


@operation("ticket.confirm", (Role.KIOSK, Role.PUBLIC), {"code": Field(str, required=False, max_length=20)})
async def ticket_confirm(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """At a kiosk: the ticket's QR code scanned (``code``); on the phone: "Tôi đã đến", a tap
    once called. A ticket not taken from a phone needs no confirmation: the reply is the same."""
    if session.role is Role.PUBLIC:
        ticket = hub.lobby.state.ticket(own_or_given(hub, session, None))
    else:
        if not args["code"] or not codes.is_ticket_code(args["code"]):
            raise ProtocolError(ProtocolErrorCode.BAD_FIELD, "code: a ticket's code (10 characters).", field="code")
        ticket = hub.lobby.state.ticket_by_code(args["code"])
    remote = hub.remote.tickets.get(ticket.id)
    if remote is not None and remote.confirmed_at is None:
        if session.role is Role.PUBLIC and ticket.state is not TicketState.CALLED:
            raise ProtocolError(
                ProtocolErrorCode.FORBIDDEN,
                "Khi đến trung tâm, quét mã của số tại ki-ốt, hoặc bấm xác nhận khi được gọi.",
            )
        if ticket.state in (TicketState.WAITING, TicketState.CALLED):
            confirmed = RemoteTicket(**{**remote.row(), "confirmed_at": outbox.utc(hub.now())})
            await hub.write(Batch(remote=[confirmed.row()]))
            hub.remote.tickets[ticket.id] = confirmed
    return {"ticket": ticket_for(hub, session, ticket), "remote": hub.remote.status(ticket, hub.now())}


@operation("ticket.rejoin", (Role.PUBLIC,))
async def ticket_rejoin(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """"Tôi cần thêm thời gian": a number taken from a phone, marked no-show, goes back to
    the end of its queue, once, within ``rejoin_minutes``."""
    ticket = hub.lobby.state.ticket(own_or_given(hub, session, None))
    try:
        hub.remote.check_rejoin(ticket, hub.now())
    except RemoteRefused as exc:
        raise _refused(exc) from None
    await hub.execute(commands.ReturnNoShow(now=hub.now(), ticket=ticket.id))
    return {"ticket": public_ticket(hub.lobby, ticket), "remote": hub.remote.status(ticket, hub.now())}


@operation("remote.status", (Role.PUBLIC,))
async def remote_status(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    ticket = hub.lobby.state.ticket(own_or_given(hub, session, None))
    return {"remote": hub.remote.status(ticket, hub.now()), "notify": ticket.id in hub.planner.phones}
