"""The websocket server: one connection, one session; requests in, replies and events out.

Each connection's requests are handled one after another, in order. The first request must
be ``hello``. Every failure is answered with a specific error code and the connection goes
on; only a frame over the hard limit closes it (websockets answers 1009).
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import logging
import math
import sys
import time
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from queue_server.core import codes
from queue_server.core.errors import DomainError
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field, Request, encode, error_reply, parse_request, reply, request_id_of, validate
from queue_server.config.settings import Role
from queue_server.store.writer import StoreUnavailable
from queue_server.server import views
from queue_server.server.auth import device_for_token
from queue_server.server.http import make_process_request
from queue_server.server.hub import SLOW_CLIENT_BYTES, Hub
from queue_server.server.ops import Operation, load
from queue_server.server.ratelimit import TokenBucket
from queue_server.server.session import Session

log = logging.getLogger(__name__)

SWITCH_SECONDS = 0.0005
GC_THRESHOLDS = (10_000, 10, 10)  # Python's default is (700, 10, 10)
HARD_FRAME_LIMIT = 1 << 20  # frames over this close the connection; over max_message_bytes get an error


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one connection may cost the server (docs/protocol.md, "Limits")."""

    public_rate: float = 2.0  # requests a second from a phone (or before hello), after…
    public_burst: float = 10.0  # …this many at once
    device_rate: float = 50.0  # the same for a device's connection: generous, but a flood stops
    device_burst: float = 200.0
    hello_seconds: float = 10.0  # a connection that has not said hello by then is closed (1008)
    open_seconds: float = 10.0  # the websocket handshake must be done by then
    ping_seconds: float = 20.0  # a ping after this much silence…
    pong_seconds: float = 20.0  # …unanswered for this long drops the connection
    close_seconds: float = 5.0  # a closing handshake the peer does not finish is cut after this
    unread_bytes: int = SLOW_CLIENT_BYTES  # events a client leaves unread before it is cut off

HELLO_FIELDS = {
    "token": Field(str, required=False, max_length=200),
    "ticket": Field(str, required=False, max_length=200),
    "since": Field(int, required=False, minimum=0),
}


class QueueServer:
    def __init__(self, hub: Hub, limits: Limits = Limits()) -> None:
        self.hub = hub
        self.limits = limits
        self.operations = load()
        self._closing: set[asyncio.Task[None]] = set()

    async def handle_connection(self, connection: ServerConnection) -> None:
        remote = connection.remote_address
        session = Session(remote=f"{remote[0]}:{remote[1]}" if remote else "?", connection=connection)
        session.bucket = TokenBucket(self.limits.public_rate, self.limits.public_burst)
        no_hello = asyncio.get_running_loop().call_later(self.limits.hello_seconds, self._no_hello, session)
        try:
            async for message in connection:
                response = await self.handle_message(session, message)
                self.hub.answer(session, encode(response))
        except ConnectionClosed:
            pass
        finally:
            no_hello.cancel()
            self.hub.unregister(session)

    def _no_hello(self, session: Session) -> None:
        if session.role is None and session.connection is not None:
            log.info("closing %s: no hello in %.0f s", session.remote, self.limits.hello_seconds)
            closing = asyncio.create_task(session.connection.close(1008, "say hello first"))
            self._closing.add(closing)  # the loop keeps only a weak reference to a task
            closing.add_done_callback(self._closing.discard)

    async def handle_message(self, session: Session, message: str | bytes) -> dict[str, Any]:
        started = time.perf_counter()
        if session.device is not None:
            self.hub.last_seen[session.device.id] = self.hub.now()
        op_name = "?"
        request_id = None
        try:
            wait = session.bucket.take(time.monotonic()) if session.bucket is not None else 0.0
            if wait > 0:
                request_id = request_id_of(message)
                self.hub.metrics.rate_limited += 1
                wait = math.ceil(wait * 10) / 10  # never "wait 0.0 s"
                raise ProtocolError(
                    ProtocolErrorCode.RATE_LIMITED, f"Too many requests: wait {wait:.1f} s.", retry_after=wait
                )
            if len(message) > self.hub.config.settings.max_message_bytes:
                raise ProtocolError(
                    ProtocolErrorCode.MESSAGE_TOO_LARGE,
                    f"A message is at most {self.hub.config.settings.max_message_bytes} bytes.",
                )
            try:
                request = parse_request(message)
            except ProtocolError:
                request_id = request_id_of(message)
                raise
            request_id = request.id
            op_name = request.op if request.op in self.operations or request.op == "hello" else "?"
            if not session.use_id(request.id):
                raise ProtocolError(
                    ProtocolErrorCode.DUPLICATE_ID, f"Request id {request.id!r} was used already on this connection."
                )
            result = await self.dispatch(session, request)
            outcome = "ok"
            return reply(request.id, result)
        except ProtocolError as exc:
            outcome = exc.code.value
            return error_reply(request_id, exc.code.value, exc.message, **exc.details)
        except DomainError as exc:
            outcome = exc.code.value
            return error_reply(request_id, exc.code.value, exc.message, **exc.details)
        except StoreUnavailable as exc:
            outcome = ProtocolErrorCode.STORE_UNAVAILABLE.value
            return error_reply(
                request_id, outcome, f"Nothing was done: the queue's database cannot be written ({exc})."
            )
        except Exception:
            log.exception("request %r (%s) failed", request_id, op_name)
            outcome = ProtocolErrorCode.INTERNAL_ERROR.value
            return error_reply(request_id, outcome, "The server failed on this request; it has been logged.")
        finally:
            self.hub.metrics.count_request(op_name, outcome, time.perf_counter() - started)

    async def dispatch(self, session: Session, request: Request) -> dict[str, Any]:
        if request.op == "hello":
            if session.role is not None:
                raise ProtocolError(ProtocolErrorCode.ALREADY_HELLO, "This connection has said hello already.")
            return await self.hello(session, validate(request.args, HELLO_FIELDS))
        operation = self.operations.get(request.op)
        if operation is None:
            raise ProtocolError(ProtocolErrorCode.UNKNOWN_OP, f"There is no operation {request.op!r}.", op=request.op)
        if session.role is None:
            raise ProtocolError(ProtocolErrorCode.HELLO_FIRST, 'Say "hello" with a token first.')
        if session.role not in operation.roles:
            raise ProtocolError(
                ProtocolErrorCode.FORBIDDEN,
                f"A {session.role.value} connection may not use {operation.name}.",
                op=operation.name,
            )
        args = validate(request.args, operation.fields)
        self.check_officer(session, operation)
        return await operation.handler(self.hub, session, args)

    def check_officer(self, session: Session, operation: Operation) -> None:
        if not operation.officer or session.role is not Role.COUNTER:
            return
        if session.officer is None:
            raise ProtocolError(ProtocolErrorCode.SIGN_IN_REQUIRED, "An officer must sign in at this counter first.")
        if session.officer_expires is not None and self.hub.now() >= session.officer_expires:
            session.officer = None
            raise ProtocolError(ProtocolErrorCode.SESSION_EXPIRED, "The sign-in has expired; sign in again.")
        counter = self.hub.lobby.state.counters.get(session.counter) if session.counter is not None else None
        if counter is None or counter.officer != session.officer:
            session.officer = None
            raise ProtocolError(
                ProtocolErrorCode.SIGN_IN_REQUIRED, "The officer is no longer signed in at this counter."
            )

    async def hello(self, session: Session, args: dict[str, Any]) -> dict[str, Any]:
        if args["token"] is not None:
            device = device_for_token(self.hub.config, args["token"])
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
        if role is Role.PUBLIC:
            session.bucket = TokenBucket(self.limits.public_rate, self.limits.public_burst)
        else:
            session.bucket = TokenBucket(self.limits.device_rate, self.limits.device_burst)
        result: dict[str, Any] = {
            "role": role.value,
            "device": device.id if device else None,
            "counter": device.counter if device else None,
            "seq": self.hub.lobby.seq,
        }
        if role is Role.PAD:  # the /rate tablet waits as long as its pad device says (or null)
            result["timeout_seconds"] = device.pad_timeout if device else None
        missed = self.hub.events_since(args["since"]) if args["since"] is not None else None
        if missed is None:
            result["snapshot"] = self.hub.snapshot(session)
        else:
            shaped = (views.shape(e, session, self.hub.lobby) for e in missed)
            result["events"] = [m for m in shaped if m is not None]
        if role is Role.PUBLIC and session.ticket_code is not None:
            update = views.position_update(session, self.hub.lobby)
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
    hub: Hub, host: str, port: int, tick_seconds: float = 5.0, limits: Limits = Limits()
) -> tuple[Server, asyncio.Task[None]]:
    """Start serving; returns the server and the clock task (cancel it when stopping)."""
    app = QueueServer(hub, limits)
    hub.slow_client_bytes = limits.unread_bytes
    tune_for_latency()
    await hub.tick()  # open the day (and raise due alarms) before the first request
    server = await serve(
        app.handle_connection,
        host,
        port,
        process_request=make_process_request(hub),
        max_size=HARD_FRAME_LIMIT,
        compression=None,  # small JSON frames on a LAN: deflating each one per client costs more than it saves
        open_timeout=limits.open_seconds,
        ping_interval=limits.ping_seconds,
        ping_timeout=limits.pong_seconds,
        close_timeout=limits.close_seconds,
        server_header="motcua-queue",
    )
    clock = asyncio.create_task(_background(hub, tick_seconds), name="clock")
    return server, clock


async def _background(hub: Hub, tick_seconds: float) -> None:
    """The clock, and the dossier pull when configured; cancelling this cancels both."""
    async with asyncio.TaskGroup() as group:
        group.create_task(hub.run_clock(tick_seconds), name="tick")
        if hub.config.dossier_pull is not None:
            from queue_server.server.dossier_sync import run_pulls

            group.create_task(run_pulls(hub), name="dossier-pull")
