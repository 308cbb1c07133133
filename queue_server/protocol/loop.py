"""One request loop for every server of the protocol: the site's and the province's.

A connection's messages are handled one after another, in order, each answered once:

1. its budget, a token bucket (a stranger's until ``hello`` names a device or a manager):
   over it, ``rate_limited`` with ``retry_after``;
2. its size and its JSON: ``message_too_large``, ``bad_json``, ``bad_message``;
3. its id, unique on the connection: ``duplicate_id``;
4. ``hello`` first and once: ``hello_first``, ``already_hello``; failed hellos (``bad_token``)
   are counted per address across connections, and past that budget a hello is answered
   ``rate_limited`` without being tried;
5. the application's operation. Its refusals (:class:`ProtocolError`, :class:`DomainError`)
   are answered with their own code, its store away with ``store_unavailable``, anything
   else with ``internal_error`` (and logged); the connection goes on.

A connection that has not said hello within ``hello_seconds`` is closed (1008).

The loop knows nothing of the applications: each gives its hello, its operations and how to
run one, and the exceptions that mean its store is away (:class:`Application`). The time of
the budgets comes from one clock, ``time.monotonic`` unless a test gives its own.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, TypeVar

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from queue_server.core.errors import DomainError
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import (
    Field,
    encode,
    error_reply,
    parse_request,
    reply,
    request_id_of,
    validate,
)
from queue_server.protocol.ratelimit import FailedHellos, TokenBucket, address_key

log = logging.getLogger(__name__)

HARD_FRAME_LIMIT = 1 << 20  # frames over this close the connection; over max_message_bytes get an error
REMEMBERED_IDS = 1024


@dataclasses.dataclass(frozen=True)
class Limits:
    """What one connection may cost a server (docs/protocol.md, "Limits")."""

    public_rate: float = 2.0  # requests a second from a phone (or before hello), after…
    public_burst: float = 10.0  # …this many at once
    device_rate: float = 50.0  # the same for a device's (or a manager's) connection
    device_burst: float = 200.0
    hello_seconds: float = 10.0  # a connection that has not said hello by then is closed (1008)
    failed_hello_burst: float = 10.0  # failed hellos from one address at once, then…
    failed_hello_rate: float = 0.2  # …this many a second (one every 5 s)
    open_seconds: float = 10.0  # the websocket handshake must be done by then
    ping_seconds: float = 20.0  # a ping after this much silence…
    pong_seconds: float = 20.0  # …unanswered for this long drops the connection
    close_seconds: float = 5.0  # a closing handshake the peer does not finish is cut after this
    unread_bytes: int = 1 << 20  # the site's: events a client leaves unread before it is cut off
    # the public doors, per address (IPv4, IPv6 /64) across connections (docs/protocol.md, "Limits")
    takes_per_address: int = 4  # numbers from phones one address may take at once, and as many more a day…
    takes_an_hour: int = 120  # …and all addresses together an hour
    bookings_per_address: int = 4  # bookings from phones, the same
    bookings_an_hour: int = 60
    helps_per_address: int = 3  # help requests from phones ("Cần hỗ trợ" on /q) at once, and as many more an hour…
    helps_an_hour: int = 60  # …and all addresses together an hour
    failed_lookup_burst: float = 10.0  # codes not found (bookings, tickets) from one address at once, then…
    failed_lookup_rate: float = 0.2  # …this many a second (one every 5 s)
    connections_per_address: int = 256  # open at once; one more is answered 503 at its handshake


DEFAULT_LIMITS = Limits()


def serve_options(limits: Limits) -> dict[str, Any]:
    """The arguments of ``websockets.serve`` that carry ``limits``."""
    return {
        "max_size": HARD_FRAME_LIMIT,
        "open_timeout": limits.open_seconds,
        "ping_interval": limits.ping_seconds,
        "ping_timeout": limits.pong_seconds,
        "close_timeout": limits.close_seconds,
    }


@dataclasses.dataclass(eq=False)
class Peer:
    """What the loop keeps of one connection; each application's session extends it."""

    remote: str = "?"  # address:port, for the logs
    address: str = "?"  # whose budget of failed hellos: an IPv4 address or an IPv6 /64
    greeted: bool = False  # hello succeeded
    trusted: bool = False  # set by the application's hello: a device's or a manager's budget
    budget: tuple[float, float] | None = None  # …(rate, burst) of its own, set by the hello; None: the Limits'
    bucket: TokenBucket | None = None
    _ids: collections.OrderedDict[int | str, None] = dataclasses.field(default_factory=collections.OrderedDict)

    def use_id(self, request_id: int | str) -> bool:
        """Remember ``request_id``; False if this connection used it already."""
        if request_id in self._ids:
            return False
        self._ids[request_id] = None
        if len(self._ids) > REMEMBERED_IDS:
            self._ids.popitem(last=False)
        return True


P = TypeVar("P", bound=Peer)
Op = TypeVar("Op")  # an application's operation


@dataclasses.dataclass(frozen=True)
class Application(Generic[P, Op]):
    """What a server gives the loop.

    ``hello`` gets the validated ``hello_fields`` and raises :class:`ProtocolError`
    ``bad_token`` for a token (or ticket) it does not know; ``run`` gets an operation of
    ``operations`` and the request's fields, unvalidated (the roles are checked first)."""

    hello: Callable[[P, dict[str, Any]], Awaitable[dict[str, Any]]]
    hello_fields: Mapping[str, Field]
    operations: Mapping[str, Op]
    run: Callable[[P, Op, Mapping[str, Any]], Awaitable[dict[str, Any]]]
    unavailable: tuple[type[Exception], ...] = ()  # the store is away: ``store_unavailable``
    unavailable_message: Callable[[Exception], str] = str


class RequestLoop(Generic[P, Op]):
    def __init__(
        self,
        app: Application[P, Op],
        limits: Limits,
        max_message_bytes: int,
        count: Callable[[str, str, float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.limits = limits
        self.max_message_bytes = max_message_bytes
        self.count = count  # (op, outcome, seconds) of every request
        self.clock = clock
        self.failed_hellos = FailedHellos(limits.failed_hello_rate, limits.failed_hello_burst)
        self._closing: set[asyncio.Task[None]] = set()

    async def serve(
        self, connection: ServerConnection, peer: P, send: Callable[[P, bytes], Awaitable[None] | None]
    ) -> None:
        """Answer ``connection``'s requests until it closes; ``send`` writes a reply (UTF-8 JSON)."""
        remote = connection.remote_address
        if remote:
            peer.remote, peer.address = f"{remote[0]}:{remote[1]}", address_key(remote[0])
        peer.bucket = TokenBucket(self.limits.public_rate, self.limits.public_burst)
        no_hello = asyncio.get_running_loop().call_later(self.limits.hello_seconds, self._no_hello, peer, connection)
        try:
            async for message in connection:
                sent = send(peer, encode(await self.handle_message(peer, message)))
                if sent is not None:
                    await sent
        except ConnectionClosed as exc:
            if exc.rcvd is None:  # the peer went without a close frame: a line, not a traceback
                log.info("%s dropped without a close frame", peer.remote)
        finally:
            no_hello.cancel()

    def _no_hello(self, peer: P, connection: ServerConnection) -> None:
        if not peer.greeted:
            log.info("closing %s: no hello in %.0f s", peer.remote, self.limits.hello_seconds)
            closing = asyncio.create_task(connection.close(1008, "say hello first"))
            self._closing.add(closing)  # the loop keeps only a weak reference to a task
            closing.add_done_callback(self._closing.discard)

    async def handle_message(self, peer: P, message: str | bytes) -> dict[str, Any]:
        started = time.perf_counter()
        op_name = "?"
        outcome = "cancelled"
        request_id = None
        try:
            wait = peer.bucket.take(self.clock()) if peer.bucket is not None else 0.0
            if wait > 0:
                request_id = request_id_of(message)
                raise _rate_limited("Too many requests", wait)
            if len(message) > self.max_message_bytes:
                raise ProtocolError(
                    ProtocolErrorCode.MESSAGE_TOO_LARGE, f"A message is at most {self.max_message_bytes} bytes."
                )
            try:
                request = parse_request(message)
            except ProtocolError:
                request_id = request_id_of(message)
                raise
            request_id = request.id
            operations = self.app.operations
            op_name = request.op if request.op in operations or request.op == "hello" else "?"
            if not peer.use_id(request.id):
                raise ProtocolError(
                    ProtocolErrorCode.DUPLICATE_ID, f"Request id {request.id!r} was used already on this connection."
                )
            if request.op == "hello":
                result = await self._hello(peer, request.args)
            else:
                operation = operations.get(request.op)
                if operation is None:
                    raise ProtocolError(
                        ProtocolErrorCode.UNKNOWN_OP, f"There is no operation {request.op!r}.", op=request.op
                    )
                if not peer.greeted:
                    raise ProtocolError(ProtocolErrorCode.HELLO_FIRST, 'Say "hello" with a token first.')
                result = await self.app.run(peer, operation, request.args)
            outcome = "ok"
            return reply(request.id, result)
        except (ProtocolError, DomainError) as exc:
            outcome = exc.code.value
            return error_reply(request_id, outcome, exc.message, **exc.details)
        except Exception as exc:
            if isinstance(exc, self.app.unavailable):
                outcome = ProtocolErrorCode.STORE_UNAVAILABLE.value
                return error_reply(request_id, outcome, self.app.unavailable_message(exc))
            log.exception("request %r (%s) failed", request_id, op_name)
            outcome = ProtocolErrorCode.INTERNAL_ERROR.value
            return error_reply(request_id, outcome, "The server failed on this request; it has been logged.")
        finally:
            if self.count is not None:
                self.count(op_name, outcome, time.perf_counter() - started)

    async def _hello(self, peer: P, args: Mapping[str, Any]) -> dict[str, Any]:
        if peer.greeted:
            raise ProtocolError(ProtocolErrorCode.ALREADY_HELLO, "This connection has said hello already.")
        wait = self.failed_hellos.wait(peer.address, self.clock())
        if wait > 0:
            raise _rate_limited("Too many failed hellos from this address", wait)
        try:
            result = await self.app.hello(peer, validate(args, self.app.hello_fields))
        except ProtocolError as exc:
            if exc.code is ProtocolErrorCode.BAD_TOKEN:
                self.failed_hellos.failed(peer.address, self.clock())
            raise
        peer.greeted = True
        if peer.trusted:
            rate, burst = peer.budget or (self.limits.device_rate, self.limits.device_burst)
            peer.bucket = TokenBucket(rate, burst)
        else:
            peer.bucket = TokenBucket(self.limits.public_rate, self.limits.public_burst)
        return result


def _rate_limited(what: str, wait: float) -> ProtocolError:
    wait = math.ceil(wait * 10) / 10  # never "wait 0.0 s"
    return ProtocolError(ProtocolErrorCode.RATE_LIMITED, f"{what}: wait {wait:.1f} s.", retry_after=wait)
