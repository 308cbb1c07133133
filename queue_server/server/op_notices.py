"""Operations for what the lobby is told: the boards' ticker, devices reporting faults."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import commands
from queue_server.core.notices import MAX_ANNOUNCEMENT
from queue_server.protocol.messages import Field
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

MAX_FIELD = 4 * MAX_ANNOUNCEMENT
DEVICES = (Role.KIOSK, Role.DISPLAY, Role.COUNTER, Role.PAD)


@operation(
    "announcement.set",
    (Role.MANAGER,),
    # the core says how long an announcement may be (500: text_too_long); this bounds the frame
    {"text_vi": Field(str, max_length=MAX_FIELD), "text_en": Field(str, required=False, max_length=MAX_FIELD)},
)
async def set_announcement(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    await hub.execute(commands.SetAnnouncement(now=hub.now(), text_vi=args["text_vi"], text_en=args["text_en"] or ""))
    return {"announcement": hub.lobby.announcement_view()}


@operation(
    "device.report",
    DEVICES,
    {
        "component": Field(str, max_length=20),
        "ok": Field(bool),
        "detail": Field(str, required=False, max_length=200),
    },
)
async def report(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    assert session.device is not None  # every role here is a configured device
    cmd = commands.ReportDevice(
        now=hub.now(), device=session.device.id, component=args["component"], ok=args["ok"], detail=args["detail"] or ""
    )
    await hub.execute(cmd)
    return {}
