"""Operations that read the lobby: services, snapshots, tickets, the day's figures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.protocol.periods import parse_day
from queue_server.server.common import ticket_for
from queue_server.server.ops import ALL_ROLES, operation
from queue_server.server.session import Session
from queue_server.store import reader

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

STAFF = (Role.KIOSK, Role.COUNTER, Role.MANAGER, Role.INTEGRATION)


@operation("services.list", ALL_ROLES)
async def services_list(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return {"services": hub.lobby.services_view(hub.now())}


@operation("queue.snapshot", ALL_ROLES)
async def queue_snapshot(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    await hub.settled()
    return {"snapshot": hub.snapshot(session)}


@operation(
    "ticket.get",
    ALL_ROLES - {Role.DISPLAY, Role.PAD, Role.VOLUNTEER},
    {"ticket": Field(int, required=False, minimum=1), "code": Field(str, required=False, max_length=40)},
)
async def ticket_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    state = hub.lobby.state
    if session.role is Role.PUBLIC:
        if args["ticket"] is not None or (args["code"] is not None and args["code"] != session.ticket_code):
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "A public connection may read only its own ticket.")
        if session.ticket_code is None:
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "This connection follows no ticket.")
        ticket = state.ticket_by_code(session.ticket_code)
    elif args["ticket"] is not None:
        ticket = state.ticket(args["ticket"])
    elif args["code"] is not None:
        ticket = state.ticket_by_code(codes.normalize_code(args["code"]))
    else:
        raise ProtocolError(ProtocolErrorCode.MISSING_FIELD, 'Give "ticket" (an id) or "code".', field="ticket")
    return {"ticket": ticket_for(hub, session, ticket)}


@operation(
    "stats.summary",
    (Role.MANAGER, Role.INTEGRATION),
    {"from": Field(str, required=False, max_length=10), "to": Field(str, required=False, max_length=10)},
)
async def stats_summary(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    today = hub.now().date()
    first = _day(args["from"], "from") or today
    last = _day(args["to"], "to") or first
    if last < first:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, '"to" is before "from".', field="to")
    if (last - first).days > 366:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, "A summary covers at most a year.", field="to")
    await hub.settled()
    scale = [level.score for level in hub.config.site.policy.rating_scale]
    summary = reader.summary(hub.reader, first, last, scale)
    summary["counters_open"] = sum(1 for c in hub.lobby.state.counters.values() if c.state.value == "open")
    return {"summary": summary}


def _day(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    return parse_day(text, field)


