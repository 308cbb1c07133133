"""Deciding on the devices' trust: each enrolment, revocation and rotation is an event.

The tokens themselves and the one-time codes never reach the core (nor the log): the server
keeps their hashes in the store. These events carry the device's id alone.
"""

from __future__ import annotations

from queue_server.core.commands import EnrolDevice, RevokeDevice, RotateDevice
from queue_server.core.events import Event, EventType
from queue_server.core.state import LobbyState


def enrol(state: LobbyState, cmd: EnrolDevice) -> list[Event]:
    return [Event(EventType.DEVICE_ENROLLED, cmd.now, {"device": cmd.device, "replaced": cmd.replaced})]


def revoke(state: LobbyState, cmd: RevokeDevice) -> list[Event]:
    return [Event(EventType.DEVICE_REVOKED, cmd.now, {"device": cmd.device})]


def rotate(state: LobbyState, cmd: RotateDevice) -> list[Event]:
    return [Event(EventType.DEVICE_ROTATED, cmd.now, {"device": cmd.device, "expires_at": cmd.expires_at})]
