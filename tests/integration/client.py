"""A test client: real websocket connections, requests matched to replies, events queued."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed


class Client:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._replies: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._unmatched: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._ids = itertools.count(1)
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, url: str, **kwargs: Any) -> Client:
        return cls(await connect(url, **kwargs))

    async def _read(self) -> None:
        try:
            async for raw in self.connection:
                message = json.loads(raw)
                if "ev" in message:
                    self.events.put_nowait(message)
                elif message.get("re") in self._replies:
                    self._replies.pop(message["re"]).set_result(message)
                else:
                    self._unmatched.put_nowait(message)
        except ConnectionClosed:
            pass
        finally:
            for future in self._replies.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed before the reply"))

    async def send_raw(self, text: str | bytes) -> dict[str, Any]:
        """Send anything; return the next reply that matches no request of ours."""
        await self.connection.send(text)
        return await asyncio.wait_for(self._unmatched.get(), 5)

    async def call(self, op: str, **args: Any) -> dict[str, Any]:
        request_id = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._replies[request_id] = future
        await self.connection.send(json.dumps({"id": request_id, "op": op, **args}))
        return await asyncio.wait_for(future, 10)

    async def ok(self, op: str, **args: Any) -> dict[str, Any]:
        reply = await self.call(op, **args)
        assert reply["ok"], reply
        return reply

    async def error(self, op: str, code: str, **args: Any) -> dict[str, Any]:
        reply = await self.call(op, **args)
        assert not reply["ok"], reply
        assert reply["error"]["code"] == code, reply
        return reply["error"]

    async def next_event(self, kind: str | None = None, timeout: float = 5) -> dict[str, Any]:
        while True:
            event = await asyncio.wait_for(self.events.get(), timeout)
            if kind is None or event["ev"] == kind:
                return event

    def drain(self) -> list[dict[str, Any]]:
        out = []
        while not self.events.empty():
            out.append(self.events.get_nowait())
        return out

    async def close(self) -> None:
        await self.connection.close()
        self._reader.cancel()
