"""A recording websocket relay: a real websockets server that a device connects to instead of
the queue server, forwarding every frame both ways and keeping each one, to see exactly what
reached the device.

    async with RecordingRelay("ws://127.0.0.1:8765/") as relay:   # relay.url for the device
        ...
    relay.received    # every frame the server sent to the device (text), in order
    relay.sent        # every frame the device sent
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from websockets.asyncio.client import connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed


class RecordingRelay:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.received: list[str] = []
        self.sent: list[str] = []
        self.connections = 0
        self._server: Server | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"ws://127.0.0.1:{self._server.sockets[0].getsockname()[1]}/"

    async def __aenter__(self) -> RecordingRelay:
        self._server = await serve(self._relay, "127.0.0.1", 0, compression=None, max_size=None)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _relay(self, device: ServerConnection) -> None:
        self.connections += 1
        path = device.request.path if device.request is not None else "/"
        try:
            server = await connect(self.upstream + path, compression=None, max_size=None)
        except OSError:
            await device.close(1011, "the queue server is not there")
            return
        async with server:
            await _both(self._pipe(device, server, self.sent), self._pipe(server, device, self.received))
            await device.close()

    @staticmethod
    async def _pipe(source: Any, target: Any, record: list[str]) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in source:
                record.append(frame if isinstance(frame, str) else frame.decode("utf-8", "replace"))
                await target.send(frame)


async def _both(*coroutines: Any) -> None:
    """Run both directions until either ends (a side closed), then stop the other."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
