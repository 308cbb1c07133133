"""The public doors' budgets per address, across connections (docs/protocol.md, "Limits").

- An operation marked with a :class:`~queue_server.server.ops.Door` costs a public connection's
  address: a number from a phone or a booking when it is made (reserved before, given back if
  refused), a look-up of a code when it fails. The takes and the bookings also have a budget
  for all addresses together. Past a budget: ``rate_limited`` with ``retry_after``, in
  Vietnamese for the phone pages.
- Open connections are counted per address from the TCP connection to its loss; one past
  ``connections_per_address`` is answered 503 at its handshake (websocket or plain HTTP).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from queue_server.core.errors import DomainError
from queue_server.protocol.budgets import DAY, HOUR, AddressBudgets, Allowance, DoorBudget, OpenConnections
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.loop import Limits
from queue_server.protocol.ratelimit import address_key
from queue_server.server.metrics import Metrics
from queue_server.server.ops import Door

log = logging.getLogger(__name__)

T = TypeVar("T")

REFUSED = {
    Door.TAKE: "Địa chỉ mạng này đã lấy nhiều số từ điện thoại; vui lòng thử lại sau {wait} hoặc lấy số tại ki-ốt. "
    "Too many numbers from this address.",
    Door.BOOKING: "Địa chỉ mạng này đã đặt nhiều lịch hẹn; vui lòng thử lại sau {wait}. "
    "Too many bookings from this address.",
    Door.LOOKUP: "Địa chỉ mạng này đã tra nhiều mã không đúng; vui lòng thử lại sau {wait}. "
    "Too many unknown codes from this address.",
    Door.HELP: "Địa chỉ mạng này đã gọi hỗ trợ nhiều lần; vui lòng thử lại sau {wait}, hoặc bấm \"Cần hỗ trợ\" tại ki-ốt. "
    "Too many help requests from this address.",
}


def _wait_vi(seconds: float) -> str:
    if seconds < 60:
        return f"{math.ceil(seconds)} giây"
    if seconds < 3600:
        return f"{math.ceil(seconds / 60)} phút"
    return f"{math.ceil(seconds / 3600)} giờ"


class PublicDoors:
    def __init__(self, limits: Limits, clock: Callable[[], float], metrics: Metrics) -> None:
        self.limits = limits
        self.clock = clock
        self.metrics = metrics
        self.budgets = {
            Door.TAKE: DoorBudget(Allowance(limits.takes_per_address, DAY), Allowance(limits.takes_an_hour, HOUR)),
            Door.BOOKING: DoorBudget(Allowance(limits.bookings_per_address, DAY), Allowance(limits.bookings_an_hour, HOUR)),
            Door.HELP: DoorBudget(Allowance(limits.helps_per_address, HOUR), Allowance(limits.helps_an_hour, HOUR)),
        }
        per = limits.failed_lookup_burst / limits.failed_lookup_rate
        self.lookups = AddressBudgets(Allowance(limits.failed_lookup_burst, per))
        self.connections = OpenConnections()

    def _refused(self, door: Door, wait: float) -> ProtocolError:
        self.metrics.door_refused[door.value] += 1
        wait = math.ceil(wait * 10) / 10  # never "wait 0.0 s"
        return ProtocolError(ProtocolErrorCode.RATE_LIMITED, REFUSED[door].format(wait=_wait_vi(wait)), retry_after=wait)

    async def run(self, door: Door, address: str, call: Callable[[], Awaitable[T]]) -> T:
        """``call()`` within ``address``'s budget of ``door``."""
        if door is Door.LOOKUP:
            wait = self.lookups.wait(address, self.clock())
            if wait > 0:
                raise self._refused(door, wait)
            try:
                return await call()
            except (ProtocolError, DomainError):
                self.lookups.charge(address, self.clock())
                raise
        budget = self.budgets[door]
        wait = budget.take(address, self.clock())
        if wait > 0:
            raise self._refused(door, wait)
        try:
            return await call()
        except BaseException:
            budget.refund(address)  # nothing was made
            raise

    def connection_class(self) -> type[ServerConnection]:
        """websockets' connection, counted per address while its TCP connection is open."""
        connections = self.connections

        class CountedConnection(ServerConnection):
            address_key = "?"

            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                peer = transport.get_extra_info("peername")
                self.address_key = address_key(peer[0]) if peer else "?"
                connections.opened(self.address_key)
                super().connection_made(transport)

            def connection_lost(self, exc: Exception | None) -> None:
                connections.closed(self.address_key)
                super().connection_lost(exc)

        return CountedConnection

    def guard(self, process_request: Callable[[ServerConnection, Request], Awaitable[Response | None]]) -> Any:
        """``process_request`` behind the cap of open connections per address."""
        cap = self.limits.connections_per_address

        async def guarded(connection: ServerConnection, request: Request) -> Response | None:
            key = getattr(connection, "address_key", "?")
            if self.connections.count(key) > cap:
                self.metrics.connections_refused += 1
                response = connection.respond(503, f"Too many open connections from this address (at most {cap}).\n")
                response.headers["Retry-After"] = "5"
                response.headers["Connection"] = "close"
                return response
            return await process_request(connection, request)

        return guarded
