"""Operations on tickets: issue at a kiosk, act at a counter, cancel, rate."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, commands
from queue_server.core.events import EventType
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import counter_of, own_or_given, ticket_for, ticket_for_helper, with_new_code
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

TICKET = Field(int, required=False, minimum=1)


@operation(
    "ticket.issue",
    (Role.KIOSK, Role.MANAGER, Role.VOLUNTEER),
    {"service": Field(str, max_length=20), "priority": Field(str, required=False, max_length=40)},
)
async def ticket_issue(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    source = session.device.id if session.device else None

    async def issue(code: str) -> Any:
        cmd = commands.IssueTicket(
            now=hub.now(), service=args["service"], code=code, priority=args["priority"], source=source
        )
        return await hub.execute(cmd)

    events = await with_new_code(issue, codes.TICKET_CODE_LENGTH)
    ticket = hub.lobby.state.tickets[events[-1].data["ticket"]]
    return {"ticket": ticket_for_helper(hub, session, ticket)}


async def _at_counter(hub: Hub, session: Session, command: commands.Command) -> dict[str, Any]:
    events = await hub.execute(command)
    if not events:
        return {}
    ticket_id = events[-1].data.get("new_ticket") or events[-1].data["ticket"]
    result: dict[str, Any] = {"ticket": ticket_for(hub, session, hub.lobby.state.tickets[ticket_id])}
    if events[-1].type is EventType.TICKET_TRANSFERRED:
        result["transferred_from"] = events[-1].data["ticket"]
    return result


@operation("ticket.call_next", (Role.COUNTER,), officer=True)
async def call_next(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return await _at_counter(hub, session, commands.CallNext(now=hub.now(), counter=counter_of(session)))


@operation("ticket.call", (Role.COUNTER,), {"ticket": Field(int, minimum=1)}, officer=True)
async def call(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    cmd = commands.CallTicket(now=hub.now(), counter=counter_of(session), ticket=args["ticket"])
    return await _at_counter(hub, session, cmd)


def _counter_action(name: str, command: type[commands.CounterAction]) -> None:
    @operation(name, (Role.COUNTER,), {"ticket": TICKET}, officer=True)
    async def act(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
        cmd = command(now=hub.now(), counter=counter_of(session), ticket=args["ticket"])
        return await _at_counter(hub, session, cmd)


_counter_action("ticket.recall", commands.Recall)
_counter_action("ticket.serve", commands.StartServing)
_counter_action("ticket.no_show", commands.MarkNoShow)
_counter_action("ticket.complete", commands.Complete)


@operation(
    "ticket.transfer",
    (Role.COUNTER,),
    {
        "ticket": TICKET,
        "service": Field(str, required=False, max_length=20),
        "counter": Field(int, required=False, minimum=1),
        "note": Field(str, required=False, max_length=200),
    },
    officer=True,
)
async def transfer(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    cmd = commands.Transfer(
        now=hub.now(),
        counter=counter_of(session),
        ticket=args["ticket"],
        to_service=args["service"],
        to_counter=args["counter"],
        note=args["note"] or "",
    )
    return await _at_counter(hub, session, cmd)


@operation("ticket.return", (Role.COUNTER, Role.MANAGER), {"ticket": Field(int, minimum=1)}, officer=True)
async def return_no_show(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    return await _at_counter(hub, session, commands.ReturnNoShow(now=hub.now(), ticket=args["ticket"]))


@operation(
    "ticket.cancel",
    (Role.COUNTER, Role.MANAGER, Role.PUBLIC),
    {"ticket": TICKET, "reason": Field(str, required=False, max_length=100)},
    officer=True,
)
async def cancel(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    ticket_id = own_or_given(hub, session, args["ticket"])
    reason = args["reason"] or ("citizen_left" if session.role is Role.PUBLIC else "cancelled")
    return await _at_counter(hub, session, commands.CancelTicket(now=hub.now(), ticket=ticket_id, reason=reason))


@operation(
    "rating.submit",
    (Role.PAD, Role.COUNTER, Role.PUBLIC),
    {"ticket": TICKET, "score": Field(int, minimum=-1000, maximum=1000)},
)
async def rating_submit(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    ticket_id = own_or_given(hub, session, args["ticket"])
    ticket = hub.lobby.state.ticket(ticket_id)
    if session.role in (Role.PAD, Role.COUNTER) and ticket.counter != session.counter:
        raise ProtocolError(
            ProtocolErrorCode.FORBIDDEN, f"Ticket {ticket.label} was not served at this device's counter."
        )
    source = session.device.id if session.device else "public"
    events = await hub.execute(
        commands.SubmitRating(now=hub.now(), ticket=ticket_id, score=args["score"], source=source)
    )
    return {"rating": {"ticket": ticket_id, "score": events[-1].data["score"]}}
