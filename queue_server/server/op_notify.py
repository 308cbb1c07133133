"""A citizen's phone number for notifications ("còn N người nữa", "mời bạn đến quầy …"),
and the outbox's state for the manager (dead letters included, phones masked)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import phones
from queue_server.core.model import TicketState
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import check_phone, checked_phone, own_or_given
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.store import outbox
from queue_server.store.writer import Batch

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

log = logging.getLogger(__name__)


async def leave_phone(hub: Hub, ticket_id: int, phone: str) -> None:
    """Keep ``phone`` for the ticket, and send "near" at once if it is near already."""
    check_phone(hub, phone, ticket_id)  # no await between this and keeping it
    hub.planner.phones[ticket_id] = phone
    deliveries = hub.planner.near(hub.lobby.state, hub.lobby.seq, only=[ticket_id])
    ticket = hub.lobby.state.tickets[ticket_id]
    if ticket.state is TicketState.CALLED and ticket.counter is not None:
        deliveries.append(hub.planner.called(ticket, ticket.counter, hub.lobby.seq))
    created = outbox.utc(hub.now())
    batch = Batch(
        phones=[{"ticket": ticket_id, "phone": phone, "created_at": created}],
        outbox=[d.row(created) for d in deliveries],
    )
    try:
        await hub.write(batch)
    except BaseException:
        hub.planner.phones.pop(ticket_id, None)  # nothing was kept: the phone is not known
        hub.planner.told_near.discard(ticket_id)
        raise
    if deliveries:
        hub.wake_deliverer()


@operation(
    "ticket.notify",
    (Role.PUBLIC, Role.KIOSK, Role.INTEGRATION),
    {"ticket": Field(int, required=False, minimum=1), "phone": Field(str, max_length=30), "consent": Field(bool)},
)
async def ticket_notify(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    phone = checked_phone(hub, args["phone"], args["consent"])
    ticket = hub.lobby.state.ticket(own_or_given(hub, session, args["ticket"]))
    if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
        raise ProtocolError(ProtocolErrorCode.FORBIDDEN, f"Ticket {ticket.label} is {ticket.state.value}: nothing to tell.")
    await leave_phone(hub, ticket.id, phone)
    return {"notify": {"ticket": ticket.id, "phone": phones.mask(phone)}}


@operation("outbox.status", (Role.MANAGER, Role.INTEGRATION))
async def outbox_status(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return {"outbox": await asyncio.to_thread(_status, hub)}


def _status(hub: Hub) -> dict[str, Any]:
    db = hub.services.open_database("NORMAL")
    try:
        status = outbox.status(db.conn)
    finally:
        db.close()
    for letter in status["dead"]:  # stored in UTC; told in the site's time, as events are
        if letter["at"]:
            letter["at"] = dt.datetime.fromisoformat(letter["at"]).astimezone(hub.config.site.tz).isoformat()
    return status
