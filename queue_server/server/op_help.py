"""Help for citizens who need it: "Cần hỗ trợ" at a kiosk or on a phone (``/q``), and the
volunteers' phones (role ``volunteer``, page ``/volunteer``) that take and close the requests
(docs/protocol.md "Help requests"; docs/web.md "The volunteers' page").

A kiosk's place is the kiosk itself; a phone's is its browser's id (the one ``remote.take``
counts by), kept only as a hash. One open request per place (the core's rule), and a phone's
requests are budgeted per address like the other public doors (``Door.HELP``).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import commands
from queue_server.core.help import MAX_NOTE
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.ops import Door, operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

ASKED_VI = "Đã gọi người hỗ trợ, xin chờ trong giây lát"
ASKED_EN = "Someone is coming to help you, please wait a moment"
PHONE_NAME = "Điện thoại"
PHONE = {"device": Field(str, required=False, max_length=64)}
REQUEST = {"request": Field(int, minimum=1)}


def _place(session: Session, device: str | None) -> tuple[str, str, str]:
    """(place, place_name, kind) of the asking connection."""
    if session.role is Role.KIOSK:
        assert session.device is not None  # a kiosk is a device
        return session.device.id, session.device.name or session.device.id, "kiosk"
    if not device:
        raise ProtocolError(ProtocolErrorCode.MISSING_FIELD, 'A phone asks with its "device" (the page\'s id).', field="device")
    return "phone-" + hashlib.sha256(device.encode()).hexdigest()[:16], PHONE_NAME, "phone"


def _answer(hub: Hub, place: str) -> dict[str, Any]:
    request = hub.lobby.state.open_help_at(place)
    if request is None:
        return {"request": None}
    return {
        "request": {
            "id": request.id,
            "asked_at": request.asked_at.isoformat(),
            "taken": request.taken_by is not None,
            "ahead": hub.lobby.state.help_ahead(request),
        },
        "words_vi": ASKED_VI,
        "words_en": ASKED_EN,
    }


@operation(
    "help.ask",
    (Role.KIOSK, Role.PUBLIC),
    {**PHONE, "note": Field(str, required=False, max_length=MAX_NOTE * 2)},
    door=Door.HELP,
)
async def ask(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    place, name, kind = _place(session, args["device"])
    note = args["note"] or ""
    await hub.execute(commands.AskHelp(now=hub.now(), place=place, place_name=name, kind=kind, note=note))
    return _answer(hub, place)


@operation("help.status", (Role.KIOSK, Role.PUBLIC), PHONE)
async def status(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    place, _, _ = _place(session, args["device"])
    return _answer(hub, place)


@operation("help.list", (Role.VOLUNTEER, Role.MANAGER))
async def help_list(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    requests = hub.lobby.help_view(hub.now())
    if session.role is Role.VOLUNTEER:
        requests = [{k: v for k, v in r.items() if k != "place"} for r in requests]
    return {"help": requests}


def _volunteer(session: Session) -> str:
    assert session.device is not None  # a volunteer is a device
    return session.device.id


@operation("help.take", (Role.VOLUNTEER,), REQUEST)
async def take(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    await hub.execute(commands.TakeHelp(now=hub.now(), request=args["request"], volunteer=_volunteer(session)))
    return {"request": args["request"], "taken_by": _volunteer(session)}


@operation("help.close", (Role.VOLUNTEER,), REQUEST)
async def close(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    events = await hub.execute(commands.CloseHelp(now=hub.now(), request=args["request"], volunteer=_volunteer(session)))
    return {"request": args["request"], "closed_by": _volunteer(session), "waited_seconds": events[0].data["waited_seconds"]}
