"""The manager's operations on the fleet: enrolment codes, revocation, rotation, the list of
devices with how each is (docs/protocol.md, "Enrolment" and "The fleet")."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Device, Role
from queue_server.core.enrolment_qr import enrolment_text
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.protocol.version import software_version
from queue_server.server import enrolment
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.store.writer import Batch
from queue_server.web.qr import qr_svg

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

DEVICE = {"device": Field(str, max_length=64)}


def _device(hub: Hub, device_id: str) -> Device:
    device = hub.config.device(device_id)
    if device is None:
        raise ProtocolError(ProtocolErrorCode.DEVICE_UNKNOWN, enrolment.unknown_device(hub.config, device_id))
    return device


def _code_reply(hub: Hub, device: Device, code: str, expires_at: str) -> dict[str, Any]:
    """The code as text (typed on the device) and as its QR: the server's address and the code
    (``MOTCUA-ENROL:1:ws://…/:XXXX-XXXX``, scanned by a kiosk's first run)."""
    text = enrolment_text(hub.config.settings.server_url, code)
    svg = qr_svg.__wrapped__(text)  # not through its cache: a code is a secret, kept nowhere
    return {"device": device.id, "code": code, "expires_at": expires_at, "qr_text": text, "qr_svg": svg.decode()}


@operation("device.enrolment_code", (Role.MANAGER,), DEVICE)
async def enrolment_code(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    device = _device(hub, args["device"])
    code = enrolment.make_code()
    row = enrolment.code_row(code, device.id, hub.now())
    await hub.write(Batch(enrolment_codes=[row]))
    return _code_reply(hub, device, code, row["expires_at"])


@operation("device.revoke", (Role.MANAGER,), DEVICE)
async def revoke(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    device = _device(hub, args["device"])
    revoked_at = await enrolment.revoke(hub, device)
    return {"device": device.id, "revoked_at": revoked_at}


@operation("device.rotate", (Role.MANAGER,), DEVICE)
async def rotate(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    device = _device(hub, args["device"])
    code, expires_at = await enrolment.rotate(hub, device)
    return _code_reply(hub, device, code, expires_at)


@operation("device.list", (Role.MANAGER,))
async def fleet(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    now = hub.now()
    silent = dt.timedelta(minutes=hub.config.settings.silent_minutes)
    connected = {s.device.id for s in hub.sessions if s.device is not None}
    server_version = software_version()
    parts: dict[str, list[Any]] = {}
    for status in hub.lobby.state.devices.values():
        parts.setdefault(status.device, []).append(status)
    devices = []
    for device in hub.config.devices:
        version, address = hub.device_hellos.get(device.id, (None, None))
        last_seen = hub.last_seen.get(device.id)
        mine = sorted(parts.get(device.id, ()), key=lambda p: p.component)
        faults = [p for p in mine if not p.ok]
        last_fault = max(faults, key=lambda p: p.since, default=None)
        devices.append(
            {
                "id": device.id,
                "role": device.role.value,
                "name": device.name,
                "counter": device.counter,
                "version": version,
                "version_differs": version is not None and version != server_version,
                "address": address,
                "connected": device.id in connected,
                "last_seen": last_seen.isoformat() if last_seen is not None else None,
                "silent": device.id not in connected and (last_seen is None or now - last_seen >= silent),
                **hub.services.trust.status(device),
                "parts": [
                    {"component": p.component, "ok": p.ok, "detail": p.detail, "since": p.since.isoformat()} for p in mine
                ],
                "last_fault": (
                    {"component": last_fault.component, "detail": last_fault.detail, "since": last_fault.since.isoformat()}
                    if last_fault is not None
                    else None
                ),
            }
        )
    return {
        "now": now.isoformat(),  # the server's clock: the dashboard says "2 phút trước" and counts a code down by it
        "server_version": server_version,
        "silent_minutes": hub.config.settings.silent_minutes,
        "devices": devices,
    }
