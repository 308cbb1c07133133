"""Operations on appointments: free slots, booking, cancelling, checking in at a kiosk."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, commands
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.protocol.periods import parse_day, parse_moment
from queue_server.server.common import booking_url, ticket_for_helper, with_new_code
from queue_server.server.ops import Door, operation
from queue_server.server.session import Session
from queue_server.server.slot_loads import slot_loads

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

BOOKERS = (Role.PUBLIC, Role.KIOSK, Role.MANAGER, Role.INTEGRATION)
BOOKING = Field(str, max_length=20)


@operation("appointment.slots", BOOKERS, {"service": Field(str, max_length=20), "day": Field(str, max_length=10)})
async def slots(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    day = parse_day(args["day"], "day")
    views = hub.lobby.slots_view(args["service"], day, hub.now())
    await slot_loads(hub, args["service"], day, views)
    return {"slots": views}


@operation(
    "appointment.book",
    BOOKERS,
    {
        "service": Field(str, max_length=20),
        "slot_start": Field(str, max_length=40),
        "name": Field(str, required=False, max_length=100),
        "phone": Field(str, required=False, max_length=20),
        "id_number": Field(str, required=False, max_length=12),
    },
    door=Door.BOOKING,
)
async def book(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    slot = parse_moment(args["slot_start"], "slot_start")
    if args["phone"] is not None and not all(ch.isdigit() or ch in "+ " for ch in args["phone"]):
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, '"phone" may hold digits, spaces and "+".', field="phone")

    id_hash = hub.services.citizens.hash(args["id_number"]) if args["id_number"] is not None else None

    async def run(code: str) -> Any:
        contacts = []
        if args["name"] or args["phone"] or id_hash:
            contacts = [
                {"booking": code, "name": args["name"], "phone": args["phone"], "created_at": hub.now().isoformat(),
                 "id_hash": id_hash}  # fmt: skip
            ]
        cmd = commands.BookAppointment(now=hub.now(), service=args["service"], slot_start=slot, code=code)
        await hub.execute(cmd, contacts=contacts)
        return code

    code = await with_new_code(run, codes.BOOKING_CODE_LENGTH)
    appointment = hub.lobby.state.appointments[code]
    return {
        "appointment": appointment.as_dict() | {"code_display": codes.format_booking_code(code)},
        "url": booking_url(hub, code),
    }


@operation("appointment.cancel", (Role.PUBLIC, Role.MANAGER, Role.INTEGRATION), {"booking": BOOKING}, door=Door.LOOKUP)
async def cancel(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    code = codes.normalize_code(args["booking"])
    await hub.execute(commands.CancelAppointment(now=hub.now(), code=code))
    return {"appointment": hub.lobby.state.appointments[code].as_dict()}


@operation("appointment.check_in", (Role.KIOSK, Role.VOLUNTEER), {"booking": BOOKING})
async def check_in(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    booking = codes.normalize_code(args["booking"])
    source = session.device.id if session.device else None

    async def run(code: str) -> Any:
        cmd = commands.CheckIn(now=hub.now(), booking=booking, ticket_code=code, source=source)
        return await hub.execute(cmd)

    events = await with_new_code(run, codes.TICKET_CODE_LENGTH)
    ticket = hub.lobby.state.tickets[events[-1].data["ticket"]]
    return {"ticket": ticket_for_helper(hub, session, ticket), "late": events[0].data["late"]}
