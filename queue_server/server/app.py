"""The site's websocket server: one connection, one session; requests in, replies and events out.

The request loop (hello first, budgets, request ids, errors to replies) is the protocol's,
shared with the province's server (:mod:`queue_server.protocol.loop`); this module gives it
the site's hello and operations. Only a frame over the hard limit closes a connection
(websockets answers 1009).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve

from queue_server.config.device_view import VIEW_ROLES
from queue_server.config.settings import Device, Role
from queue_server.core import codes
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.loop import (
    DEFAULT_LIMITS,
    Application,
    Limits,
    RequestLoop,
    serve_options,
)
from queue_server.protocol.messages import Field, validate
from queue_server.protocol.origins import page_allowed
from queue_server.protocol.version import PROTOCOL, SUPPORTED, unsupported_message
from queue_server.server import enrolment, views
from queue_server.server.doors import PublicDoors
from queue_server.server.http import make_process_request
from queue_server.server.http_budget import DEFAULT_HTTP_LIMITS, HttpBudget, HttpLimits
from queue_server.server.hub import Hub
from queue_server.server.ops import Operation, load
from queue_server.server.reconfig import config_for
from queue_server.server.session import Session
from queue_server.server.sign_in_rules import FINISHING
from queue_server.store.writer import StoreUnavailable

log = logging.getLogger(__name__)

SWITCH_SECONDS = 0.0005
GC_THRESHOLDS = (10_000, 10, 10)  # Python's default is (700, 10, 10)

HELLO_FIELDS = {
    "token": Field(str, required=False, max_length=200),
    "ticket": Field(str, required=False, max_length=200),
    "since": Field(int, required=False, minimum=0),
    "enrol": Field(str, required=False, max_length=40),  # a one-time enrolment code, instead of a token
    # with enrol: the role of the machine that enrols (a code of another role's device is refused, not used)
    "role": Field(str, required=False, choices=enrolment.ENROLLING_ROLES),
    "version": Field(str, required=False, max_length=40),  # the device's software version (the fleet shows it)
    "protocol": Field(int, required=False, minimum=0, maximum=1_000_000),  # missing: 1 (protocol/version.py)
}

__all__ = ["Limits", "QueueServer", "start"]


class QueueServer:
    def __init__(self, hub: Hub, limits: Limits = DEFAULT_LIMITS, clock: Callable[[], float] = time.monotonic) -> None:
        self.hub = hub
        self.limits = limits
        self.operations = load()
        app: Application[Session, Operation] = Application(
            hello=self.hello,
            hello_fields=HELLO_FIELDS,
            operations=self.operations,
            run=self.run,
            unavailable=(StoreUnavailable,),
            unavailable_message=lambda exc: f"Nothing was done: the queue's database cannot be written ({exc}).",
        )
        self.loop = RequestLoop(app, limits, hub.config.settings.max_message_bytes, self._count, clock)
        self.doors = PublicDoors(limits, clock, hub.metrics)  # budgets per address, across connections

    async def handle_connection(self, connection: ServerConnection) -> None:
        session = Session(connection=connection)
        try:
            await self.loop.serve(connection, session, self.hub.answer)
        finally:
            self.hub.unregister(session)

    def _count(self, op: str, outcome: str, seconds: float) -> None:
        self.hub.metrics.count_request(op, outcome, seconds)
        if outcome == "rate_limited":
            self.hub.metrics.rate_limited += 1

    async def run(self, session: Session, operation: Operation, args: Mapping[str, Any]) -> dict[str, Any]:
        if session.device is not None:
            self.hub.last_seen[session.device.id] = self.hub.now()
        if session.role not in operation.roles:
            raise ProtocolError(
                ProtocolErrorCode.FORBIDDEN,
                f"A {session.role.value if session.role else 'stranger'} connection may not use {operation.name}.",
                op=operation.name,
            )
        clean = validate(args, operation.fields)
        self.check_officer(session, operation)
        if operation.door is not None and session.role is Role.PUBLIC:
            return await self.doors.run(operation.door, session.address, lambda: operation.handler(self.hub, session, clean))
        return await operation.handler(self.hub, session, clean)

    def check_officer(self, session: Session, operation: Operation) -> None:
        if not operation.officer or session.role is not Role.COUNTER:
            return
        if session.officer is None:
            raise ProtocolError(ProtocolErrorCode.SIGN_IN_REQUIRED, "An officer must sign in at this counter first.")
        counter = self.hub.lobby.state.counters.get(session.counter) if session.counter is not None else None
        if session.officer_expires is not None and self.hub.now() >= session.officer_expires:
            finishing = counter is not None and counter.officer == session.officer and counter.current is not None
            if finishing and operation.name in FINISHING:
                return  # the sign-in ended while serving: that ticket may be finished (housekeeping)
            if not finishing:
                session.officer = None
            raise ProtocolError(
                ProtocolErrorCode.SESSION_EXPIRED,
                "The sign-in has expired: finish the current ticket, or sign in again with the PIN."
                if finishing
                else "The sign-in has expired; sign in again.",
            )
        if counter is None or counter.officer != session.officer:
            session.officer = None
            raise ProtocolError(
                ProtocolErrorCode.SIGN_IN_REQUIRED, "The officer is no longer signed in at this counter."
            )

    def check_origin(self, session: Session) -> None:
        """A web page of another origin may not speak for a browser role (or any): ``bad_origin``."""
        connection = session.connection
        origin = connection.request.headers.get("Origin") if connection.request is not None else None
        settings = self.hub.config.settings
        if not page_allowed(origin, (settings.public_url, *settings.origins), connection.local_address):
            log.info("hello refused from %s: a page of %r, not of this site", session.remote, origin)
            raise ProtocolError(
                ProtocolErrorCode.BAD_ORIGIN,
                "This server takes connections from its own web pages only (public_url, [site] origins).",
                origin=origin,
            )

    async def hello(self, session: Session, args: dict[str, Any]) -> dict[str, Any]:
        self.check_origin(session)
        version = args["protocol"] if args["protocol"] is not None else 1
        if version not in SUPPORTED:
            raise ProtocolError(
                ProtocolErrorCode.PROTOCOL_UNSUPPORTED, unsupported_message(version), supported=sorted(SUPPORTED)
            )
        token = None
        device: Device | None
        if args["role"] is not None and args["enrol"] is None:
            raise ProtocolError(ProtocolErrorCode.BAD_FIELD, 'The field "role" goes with "enrol".', field="role")
        if args["enrol"] is not None:
            wanted = Role(args["role"]) if args["role"] is not None else None
            device, token, session.token_hash = await enrolment.enrol(self.hub, args["enrol"], wanted)
            role = device.role
        elif args["token"] is not None:
            device, session.token_hash = self.hub.services.trust.device_for(self.hub.config, args["token"])
            if device is None:
                raise ProtocolError(ProtocolErrorCode.BAD_TOKEN, "The token is not one of this site's devices.")
            role = device.role
        elif args["ticket"] is not None:
            device = None
            role = Role.PUBLIC
            code = args["ticket"].rsplit(codes.TICKET_PATH, 1)[-1]
            code = codes.normalize_code(code)
            if not codes.is_ticket_code(code) or code not in self.hub.lobby.state.codes:
                raise ProtocolError(ProtocolErrorCode.BAD_TOKEN, "No ticket today has this code.")
            session.ticket_code = code
        else:
            device = None
            role = Role.PUBLIC
        await self.hub.settled()
        # from here to the end no await: the catch-up and the registration see the same seq
        session.device = device
        session.role = role
        if device is not None:
            self.hub.last_seen[device.id] = self.hub.now()
            self.hub.device_hellos[device.id] = (args["version"], session.remote.rsplit(":", 1)[0])
        session.trusted = role is not Role.PUBLIC  # a device's budget of requests…
        own = self.hub.config.limits.get(role)
        session.budget = (own.rate, own.burst) if own is not None else None  # …or its role's ([limits.<role>])
        result: dict[str, Any] = {
            "role": role.value,
            "device": device.id if device else None,
            "counter": device.counter if device else None,
            "seq": self.hub.lobby.seq,
            "protocol": PROTOCOL,
        }
        if token is not None:
            result["token"] = token  # its own, once: the server keeps only its hash
        if device is not None and role in VIEW_ROLES:  # the device's configuration (device_view.py)
            result["config"] = config_for(self.hub, device)
        if role is Role.PAD:  # the /rate tablet waits as long as its pad device says (or null)
            result["timeout_seconds"] = device.pad_timeout if device else None
        missed = self.hub.events_since(args["since"]) if args["since"] is not None else None
        if missed is None:
            result["snapshot"] = self.hub.snapshot(session)
        else:
            shaped = (views.shape(e, session, self.hub.lobby) for e in missed)
            result["events"] = [m for m in shaped if m is not None]
        if role is Role.PUBLIC and session.ticket_code is not None:
            update = views.position_update(session, self.hub.lobby, self.hub.now())
            session.last_position = update["people_ahead"] if update else None
        self.hub.register(session)
        return result


def tune_for_latency() -> None:
    """Process settings for short pauses (the measurements are in docs/performance.md).

    - The writer thread hands each commit back through the GIL; with Python's default 5 ms
      switch interval a busy event loop keeps it waiting that long.
    - The cyclic garbage collector stops everything while it scans; with a thousand
      connections a full scan took 30–80 ms, every few seconds. Collections are made rarer
      (each young one a little longer).
    """
    sys.setswitchinterval(SWITCH_SECONDS)
    gc.set_threshold(*GC_THRESHOLDS)


async def start(
    hub: Hub,
    host: str | None,
    port: int | None,
    tick_seconds: float = 5.0,
    limits: Limits = DEFAULT_LIMITS,
    clock: Callable[[], float] = time.monotonic,
    sock: socket.socket | None = None,
    http_limits: HttpLimits = DEFAULT_HTTP_LIMITS,
) -> tuple[Server, asyncio.Task[None]]:
    """Start serving; returns the server and the clock task (cancel it when stopping).
    ``clock`` (seconds, monotonic) is the one the budgets of requests (and the health probe's
    window) are counted by. ``sock``: a listening socket to serve on instead of ``host`` and
    ``port`` (both None)."""
    app = QueueServer(hub, limits, clock)
    hub.doors = app.doors  # the province's requests (central_requests.py) count against the same budgets
    hub.housekeeping.clock = clock
    hub.slow_client_bytes = limits.unread_bytes
    tune_for_latency()
    await hub.tick()  # open the day (and raise due alarms) before the first request
    server = await serve(
        app.handle_connection,
        host,
        port,
        process_request=app.doors.guard(make_process_request(hub, HttpBudget(http_limits, clock))),
        create_connection=app.doors.connection_class(),  # open connections counted per address
        compression=None,  # small JSON frames on a LAN: deflating each one per client costs more than it saves
        server_header="motcua-queue",
        sock=sock,
        **serve_options(limits),
    )
    ticker = asyncio.create_task(_background(hub, tick_seconds), name="clock")
    return server, ticker


async def _background(hub: Hub, tick_seconds: float) -> None:
    """The clock, and the dossier pull when configured; cancelling this cancels both."""
    async with asyncio.TaskGroup() as group:
        group.create_task(hub.run_clock(tick_seconds), name="tick")
        if hub.config.dossier_pull is not None:
            from queue_server.server.dossier_sync import run_pulls

            group.create_task(run_pulls(hub), name="dossier-pull")
