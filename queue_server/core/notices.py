"""Deciding on what the lobby is told: the boards' ticker and the state of devices."""

from __future__ import annotations

from queue_server.core.commands import ReportDevice, SetAnnouncement
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.state import LobbyState

MAX_ANNOUNCEMENT = 500
COMPONENTS = ("printer", "scanner", "camera", "pad", "display", "audio", "network")


def set_announcement(state: LobbyState, cmd: SetAnnouncement) -> list[Event]:
    text = (cmd.text_vi.strip(), cmd.text_en.strip())
    if any(len(t) > MAX_ANNOUNCEMENT for t in text):
        raise DomainError(ErrorCode.TEXT_TOO_LONG, f"An announcement is at most {MAX_ANNOUNCEMENT} characters.")
    if text == state.announcement:
        return []
    return [Event(EventType.ANNOUNCEMENT_CHANGED, cmd.now, {"text_vi": text[0], "text_en": text[1]})]


def report_device(state: LobbyState, cmd: ReportDevice) -> list[Event]:
    if cmd.component not in COMPONENTS:
        raise DomainError(
            ErrorCode.COMPONENT_UNKNOWN,
            f"A device part is one of {', '.join(COMPONENTS)}, not {cmd.component!r}.",
        )
    known = state.devices.get((cmd.device, cmd.component))
    if known is not None and (known.ok, known.detail) == (cmd.ok, cmd.detail):
        return []
    return [
        Event(
            EventType.DEVICE_STATUS,
            cmd.now,
            {"device": cmd.device, "component": cmd.component, "ok": cmd.ok, "detail": cmd.detail},
        )
    ]
