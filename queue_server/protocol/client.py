"""A client of the queue server for the lobby's apps (kiosk, display board, counter tools).

    client = QueueClient(url, token=..., on_event=..., on_snapshot=..., on_status=...)
    task = asyncio.create_task(client.run())          # connects, reconnects, catches up
    reply = await client.request("ticket.issue", service="HT")

``run()`` keeps a connection: on connect it says ``hello`` with the last ``seq`` it saw, so it
gets the events it missed (or a fresh snapshot); when the server is gone it retries with
exponential backoff (0.25 s doubling to 2 s, ±20 %: :func:`.backoff.near`) until ``close()``, so a restarted
server has every client back within about two seconds. ``request`` raises
:class:`RequestFailed` with the server's error code, or :class:`NotConnected` when there is no
connection (nothing is queued to be sent later: the server is the only source of numbers).
Callbacks run in the event loop; they must not block.
"""

from __future__ import annotations

import asyncio
import enum
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from queue_server.protocol.backoff import near as backoff_near
from queue_server.protocol.version import PROTOCOL, software_version

log = logging.getLogger(__name__)


class ConnectionStatus(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class NotConnected(Exception):
    """There is no connection to the server now; nothing was sent."""


class RequestFailed(Exception):
    """The server refused the request; ``code`` is its error code (docs/protocol.md)."""

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details = details or {}


Callback = Callable[[dict[str, Any]], None]


class QueueClient:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        ticket: str | None = None,
        on_event: Callback | None = None,
        on_snapshot: Callback | None = None,
        on_status: Callable[[ConnectionStatus], None] | None = None,
        request_timeout: float = 10.0,
        backoff: tuple[float, float] = (0.25, 2.0),
        local_address: str | None = None,
        on_config: Callback | None = None,
    ) -> None:
        self.url = url
        # connect from this address (a benchmark standing in for many machines on loopback)
        self.local_address = local_address
        self.token = token
        self.ticket = ticket
        self.on_event = on_event or (lambda event: None)
        self.on_snapshot = on_snapshot or (lambda snapshot: None)
        self.on_status = on_status or (lambda status: None)
        # a kiosk's, board's or pad's configuration: from hello, then each config.changed
        self.on_config = on_config or (lambda config: None)
        self.refused: RequestFailed | None = None  # the server's last refusal of hello (words to show)
        self.request_timeout = request_timeout
        self.backoff = backoff
        self.seq: int | None = None  # the last event seen
        self.hello: dict[str, Any] | None = None  # the last hello reply
        self.status = ConnectionStatus.DISCONNECTED
        self._connection: ClientConnection | None = None
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._closing = False
        self._connected = asyncio.Event()
        self._held: list[dict[str, Any]] | None = None

    async def run(self) -> None:
        """Stay connected until :meth:`close`."""
        failures = 0
        while not self._closing:
            self._set_status(ConnectionStatus.CONNECTING)
            try:
                local: dict[str, Any] = {"local_addr": (self.local_address, 0)} if self.local_address else {}
                async with connect(self.url, open_timeout=5, close_timeout=2, **local) as connection:
                    self._connection = connection
                    reader = asyncio.create_task(self._read(connection))
                    try:
                        await self._hello()
                        failures = 0
                        self._set_status(ConnectionStatus.CONNECTED)
                        self._connected.set()
                        await reader
                    finally:
                        reader.cancel()
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, RequestFailed) as exc:
                log.warning("queue server %s: %s", self.url, exc)
            except InvalidURI:
                raise
            finally:
                self._connection = None
                self._connected.clear()
                self._fail_pending()
                self._set_status(ConnectionStatus.DISCONNECTED)
            if self._closing:
                break
            failures += 1
            await asyncio.sleep(backoff_near(failures, *self.backoff))

    async def wait_connected(self, timeout: float | None = None) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def close(self) -> None:
        self._closing = True
        if self._connection is not None:
            await self._connection.close()

    async def resync(self) -> None:
        """Connect again for a fresh snapshot (a board told to show other counters or fields)."""
        self.seq = None
        if self._connection is not None:
            await self._connection.close()

    async def request(self, op: str, **args: Any) -> dict[str, Any]:
        """Send one request and return the reply's result; raises RequestFailed or NotConnected."""
        reply = await self._send(op, args)
        if not reply.get("ok"):
            error = reply.get("error", {})
            raise RequestFailed(error.get("code", "?"), error.get("message", ""), error.get("details"))
        return {k: v for k, v in reply.items() if k not in ("re", "ok")}

    async def _send(self, op: str, args: dict[str, Any]) -> dict[str, Any]:
        connection = self._connection
        if connection is None:
            raise NotConnected("not connected to the queue server")
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await connection.send(json.dumps({"id": request_id, "op": op, **args}, ensure_ascii=False))
            return await asyncio.wait_for(future, self.request_timeout)
        except (ConnectionClosed, ConnectionError) as exc:
            raise NotConnected(f"the connection to the queue server closed: {exc}") from None
        finally:
            self._pending.pop(request_id, None)

    async def _hello(self) -> None:
        args: dict[str, Any] = {"version": software_version()}
        if self.token is not None:
            args["token"] = self.token
        if self.ticket is not None:
            args["ticket"] = self.ticket
        if self.seq is not None:
            args["since"] = self.seq
        args["protocol"] = PROTOCOL
        self._held = []  # pushes that come before the hello's catch-up is delivered
        try:
            try:
                hello = await self.request("hello", **args)
            except RequestFailed as exc:
                self.refused = exc
                raise
            self.refused = None
            self.hello = hello
            if "config" in hello:
                self._configure(hello["config"])
            if "snapshot" in hello:
                self.seq = hello["snapshot"]["seq"]
                self.on_snapshot(hello["snapshot"])
            for event in hello.get("events", []):
                self._deliver(event)
            self.seq = max(self.seq or 0, hello["seq"])
        finally:
            held, self._held = self._held, None
        for event in held or ():
            self._deliver(event)

    async def _read(self, connection: ClientConnection) -> None:
        async for raw in connection:
            try:
                message = json.loads(raw)
            except ValueError:
                log.error("unreadable message from the server: %.80r", raw)
                continue
            if "ev" in message and self._held is not None:
                self._held.append(message)  # after the catch-up, or it would look seen already
            elif "ev" in message:
                self._deliver(message)
            elif message.get("re") in self._pending:
                future = self._pending[message["re"]]
                if not future.done():
                    future.set_result(message)

    def _configure(self, config: dict[str, Any]) -> None:
        try:
            self.on_config(config)
        except Exception:
            log.exception("configuration handler failed")

    def _deliver(self, event: dict[str, Any]) -> None:
        if event["ev"] == "config.changed":  # not in the log: no seq
            self._configure(event["config"])
            return
        seq = event.get("seq", 0)
        if event["ev"] != "ticket.position":
            if self.seq is not None and seq <= self.seq:
                return  # seen already (a catch-up overlapping a push)
            self.seq = seq
        try:
            self.on_event(event)
        except Exception:
            log.exception("event handler failed on %s", event.get("ev"))

    def _fail_pending(self) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("disconnected"))

    def _set_status(self, status: ConnectionStatus) -> None:
        if status is not self.status:
            self.status = status
            try:
                self.on_status(status)
            except Exception:
                log.exception("status handler failed")
