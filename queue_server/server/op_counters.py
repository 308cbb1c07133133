"""Operations of a counter: officers signing in and out, opening, pausing, closing."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import commands, pins
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import counter_of
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.server.sign_in_rules import MIN_MINUTES

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


@operation(
    "officer.sign_in",
    (Role.COUNTER,),
    {"user": Field(str, max_length=64), "pin": Field(str, max_length=64)},
)
async def sign_in(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    counter = counter_of(session)
    now = hub.now()
    keys = (f"user:{args['user']}", f"remote:{session.address}")  # the address: IPv4, or an IPv6 /64
    locked = hub.pin_throttle.reserve(keys, now)  # counted before the check: sign-ins in flight at once add up
    if locked is not None:
        raise ProtocolError(
            ProtocolErrorCode.PIN_LOCKED,
            f"Too many wrong PINs: try again after {locked:%H:%M:%S}.",
            retry_after=int((locked - now).total_seconds()) + 1,
        )
    officer = hub.config.officer(args["user"])
    pin_hash = officer.pin_hash if officer else hub.dummy_pin_hash
    hub.metrics.pin_checks += 1
    ok = await asyncio.get_running_loop().run_in_executor(hub.services.officers, pins.verify_pin, args["pin"], pin_hash)
    if officer is None or not ok or (officer.counters and counter not in officer.counters):
        # the same answer, counted the same, for a wrong user, PIN or counter: no sign that the PIN was right
        raise ProtocolError(ProtocolErrorCode.BAD_PIN, "The user or the PIN is wrong.")
    hub.pin_throttle.succeeded(keys)
    await hub.execute(commands.SignIn(now=hub.now(), counter=counter, officer=officer.user))
    session.officer = officer.user
    session.officer_expires = sign_in_ends(hub, counter, hub.now())  # signing in again extends it
    hub.sign_ins[counter] = session.officer_expires
    return {
        "officer": {"user": officer.user, "name": officer.name},
        "counter": _counter(hub, counter),
        "expires_at": session.officer_expires.isoformat(),
    }


@operation("officer.sign_out", (Role.COUNTER,), officer=True)
async def sign_out(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    counter = counter_of(session)
    await hub.execute(commands.SignOut(now=hub.now(), counter=counter))
    hub.sign_ins.pop(counter, None)
    session.officer = None
    session.officer_expires = None
    return {"counter": _counter(hub, counter)}


FALLBACK_MINUTES = 480  # a sign-in after the day's last closing (or on a closed day) lasts this long


def sign_in_ends(hub: Hub, counter: int, now: dt.datetime) -> dt.datetime:
    """When a sign-in made ``now`` at ``counter`` ends: at the close of its working day — the
    latest closing today of the fields the counter serves (each field's hours, else the site's)
    — or ``MIN_MINUTES`` from now if that is later, and no later than ``session_minutes`` from
    now when the site sets it."""
    local = hub.config.site.local(now)
    spec = hub.config.site.counter(counter)
    codes = spec.services if spec is not None else {}
    ends = [
        dt.datetime.combine(local.date(), r.end, local.tzinfo) if r.end != dt.time.max
        else dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), local.tzinfo)
        for service in hub.config.site.services if service.code in codes
        for r in service.hours.ranges_on(local.weekday())
    ]  # fmt: skip
    closing = max((end for end in ends if end > local), default=local + dt.timedelta(minutes=FALLBACK_MINUTES))
    closing = max(closing, local + dt.timedelta(minutes=MIN_MINUTES))
    cap = hub.config.settings.session_minutes
    return min(closing, local + dt.timedelta(minutes=cap)) if cap is not None else closing


def _counter_state(name: str, command: type[commands.OpenCounter | commands.CloseCounter]) -> None:
    @operation(name, (Role.COUNTER,), officer=True)
    async def change(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
        counter = counter_of(session)
        await hub.execute(command(now=hub.now(), counter=counter))
        return {"counter": _counter(hub, counter)}


_counter_state("counter.open", commands.OpenCounter)
_counter_state("counter.close", commands.CloseCounter)


@operation("counter.pause", (Role.COUNTER,), {"reason": Field(str, required=False, max_length=32)}, officer=True)
async def pause(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Stop new calls, with the reason the officer picked (a code of the site's pause reasons)."""
    counter = counter_of(session)
    await hub.execute(commands.PauseCounter(now=hub.now(), counter=counter, reason=args["reason"]))
    return {"counter": _counter(hub, counter)}


def _counter(hub: Hub, number: int) -> dict[str, Any]:
    return next(c for c in hub.lobby.counters_view() if c["number"] == number)
