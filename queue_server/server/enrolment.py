"""The devices' trust: enrolment by one-time code, revocation and rotation (docs/protocol.md,
"Enrolment").

A device is declared in the site file without a token. The manager (or ``motcua-server
enrol``) makes a code ``XXXX-XXXX``, valid 15 minutes and bound to that device; the device
says ``hello {"enrol": CODE}`` and gets its own random token, kept here as its SHA-256 hash
only. The tokens are written by this server alone, so it keeps their hashes in memory
(:class:`Trust`); codes may be made by another process while it runs, so a code is read from
the store at the hello that gives it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Device, Role, SiteConfig
from queue_server.core import commands
from queue_server.core.codes import ALPHABET
from queue_server.core.enrolment_qr import CODE_LENGTH, normalize_enrolment_code
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.role_words import ROLE_WORDS
from queue_server.server.trust import REVOKED_WORDS as REVOKED_WORDS
from queue_server.store import enrolment as store
from queue_server.store.enrolment import digest

if TYPE_CHECKING:
    import sqlite3

    from queue_server.server.hub import Hub
    from queue_server.server.session import Session

CODE_ALPHABET = ALPHABET  # the codes' alphabet: no 0/O, 1/I/L, read aloud or typed, never mistaken
CODE_LIFETIME = dt.timedelta(minutes=15)
TOKEN_BYTES = 32
CLOSE_REVOKED = 4003  # the close code a revoked device's connection gets
BAD_CODE_WORDS = "Mã đăng ký sai, đã dùng hoặc đã hết hạn — xin cấp mã mới (Wrong, used or expired enrolment code)."
# the machines that enrol by a code, as hello's "role" names them
ENROLLING_ROLES = (Role.KIOSK.value, Role.DISPLAY.value, Role.PAD.value, Role.COUNTER.value, Role.VOLUNTEER.value)


def wrong_role_words(device: Device, wanted: Role) -> str:
    """A code of ``device`` given by a machine of the role ``wanted``: Vietnamese first."""
    (vi, en), (vi_wanted, en_wanted) = ROLE_WORDS[device.role], ROLE_WORDS[wanted]
    return (
        f"Mã này dành cho thiết bị khác ({vi} {device.id}), không phải {vi_wanted} — mã vẫn dùng được trên "
        f"thiết bị đó. (This code is for another device ({en} {device.id}), not a {en_wanted}; it still works "
        f"on that device.)"
    )


def make_code() -> str:
    chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{chars[:4]}-{chars[4:]}"


def normalize_code(text: str) -> str | None:
    """A code as typed or scanned (any case, with or without its dash or spaces), or None if
    it cannot be one (its form is the core's: the enrolment QR carries it)."""
    return normalize_enrolment_code(text)


def code_row(code: str, device: str, now: dt.datetime) -> dict[str, Any]:
    """The store's row of a new code (its hash, never the code)."""
    now = now.astimezone(dt.UTC)
    return {
        "code_hash": digest(code),
        "device": device,
        "created_at": now.isoformat(),
        "expires_at": (now + CODE_LIFETIME).isoformat(),
    }


def new_code(conn: sqlite3.Connection, config: SiteConfig, device_id: str, now: dt.datetime) -> tuple[str, str]:
    """A code for ``device_id`` written on ``conn`` (``motcua-server enrol``): (code, expires_at)."""
    if config.device(device_id) is None:
        raise LookupError(unknown_device(config, device_id))
    code = make_code()
    row = code_row(code, device_id, now)
    store.add_code(conn, row)
    return code, row["expires_at"]


def unknown_device(config: SiteConfig, device_id: str) -> str:
    known = ", ".join(d.id for d in config.devices) or "none"
    return f"No [[device]] of the site file has the id {device_id!r} (the devices: {known})."


def _revocation_rows(hub: Hub, device: Device, at: str) -> dict[str, Any]:
    """The batch's rows that revoke every token of ``device`` (a site file's one too)."""
    rows = []
    if device.token and digest(device.token) not in hub.services.trust.tokens:
        rows.append({"token_hash": digest(device.token), "device": device.id, "enrolled_at": None, "revoked_at": at})
    return {"revocations": [(device.id, at)], "device_tokens": rows}


async def enrol(hub: Hub, text: str, wanted: Role | None = None) -> tuple[Device, str, str]:
    """Use an enrolment code: (the device, its new token, the token's hash). A wrong, used or
    expired code is ``bad_token`` (counted in the address's budget of failed hellos). A good
    code of a device whose role is not ``wanted`` (the role of the machine that gives it) is
    ``enrol_wrong_role``: the code is not used and no token is touched. It is not counted as a
    failed hello: only a sender who holds a live code gets it, and that sender could enrol with
    it anyway; every guess of a code is counted as ``bad_token`` before the role is looked at."""
    trust = hub.services.trust
    code = normalize_code(text)
    found = store.find_code(hub.reader.conn, digest(code)) if code is not None else None
    now = hub.now()
    at = now.astimezone(dt.UTC).isoformat()
    device = hub.config.device(found.device) if found is not None else None
    if (
        found is None
        or device is None
        or found.used_at is not None
        or found.code_hash in trust.used_codes
        or dt.datetime.fromisoformat(found.expires_at) <= now
    ):
        raise ProtocolError(ProtocolErrorCode.BAD_TOKEN, BAD_CODE_WORDS)
    if wanted is not None and device.role is not wanted:
        raise ProtocolError(
            ProtocolErrorCode.ENROL_WRONG_ROLE, wrong_role_words(device, wanted), device=device.id, role=device.role.value
        )
    trust.used_codes.add(found.code_hash)  # no await since it was read: one hello only uses it
    token = secrets.token_urlsafe(TOKEN_BYTES)
    token_hash = digest(token)
    replaced = trust.active(device.id)
    if device.token and digest(device.token) not in trust.tokens:
        replaced.append(digest(device.token))
    revoking = _revocation_rows(hub, device, at)
    new = {"token_hash": token_hash, "device": device.id, "enrolled_at": at, "revoked_at": None}
    try:
        await hub.execute(
            commands.EnrolDevice(now=now, device=device.id, replaced=bool(replaced)),
            more=lambda events: {
                "revocations": revoking["revocations"],
                "device_tokens": [*revoking["device_tokens"], new],
                "codes_used": [(found.code_hash, at)],
            },
        )
    except BaseException:
        trust.used_codes.discard(found.code_hash)  # nothing was kept: the code may be used again
        raise
    trust.update(revoking["device_tokens"])
    trust.revoke(device.id, at)
    trust.update([new])
    close_sessions(hub, lambda s: s.token_hash in replaced, "token replaced")
    return device, token, token_hash


_CLOSING: set[asyncio.Task[None]] = set()  # the loop keeps only a weak reference to a task


def close_sessions(hub: Hub, which: Callable[[Session], bool], reason: str) -> int:
    """Close the connections ``which(session)`` picks (4003), at once: they get no event more
    and may do nothing more while their close handshake runs."""
    closing = [s for s in hub.sessions if which(s)]
    for session in closing:
        hub.unregister(session)
        session.role = None
        session.device = None
        if session.connection is not None:
            task = asyncio.create_task(session.connection.close(CLOSE_REVOKED, reason))
            _CLOSING.add(task)
            task.add_done_callback(_CLOSING.discard)
    return len(closing)


async def revoke(hub: Hub, device: Device) -> str:
    at = hub.now().astimezone(dt.UTC).isoformat()
    rows = _revocation_rows(hub, device, at)
    await hub.execute(commands.RevokeDevice(now=hub.now(), device=device.id), more=lambda events: rows)
    trust = hub.services.trust
    trust.update(rows["device_tokens"])
    trust.revoke(device.id, at)
    close_sessions(hub, lambda s: s.device is not None and s.device.id == device.id, "device revoked")
    return at


async def rotate(hub: Hub, device: Device) -> tuple[str, str]:
    code = make_code()
    row = code_row(code, device.id, hub.now())
    await hub.execute(
        commands.RotateDevice(now=hub.now(), device=device.id, expires_at=row["expires_at"]),
        more=lambda events: {"enrolment_codes": [row]},
    )
    return code, row["expires_at"]
