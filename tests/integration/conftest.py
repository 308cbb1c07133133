"""Fixtures: a real queue server on a free port, a real SQLite file, real websocket clients."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from queue_server.config.settings import SiteConfig
from queue_server.server.hub import Hub
from tests.integration.client import Client
from tests.integration.sites import TOKENS, TZ, site_config
from tests.support.servers import running_server


class Clock:
    """A clock the test moves by hand; starts on a Monday at 09:00 in Hanoi time."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


class Lobby:
    """A running server and ways to reach it."""

    def __init__(self, hub: Hub, url: str, port: int) -> None:
        self.hub = hub
        self.url = url
        self.port = port
        self.clients: list[Client] = []

    async def client(self, device: str | None = None, since: int | None = None, **hello: Any) -> Client:
        client = await Client.open(self.url)
        self.clients.append(client)
        if device is not None:
            hello["token"] = TOKENS[device]
        if since is not None:
            hello["since"] = since
        if hello:
            client.hello = await client.ok("hello", **hello)  # type: ignore[attr-defined]
        return client

    async def officer(self, device: str = "counter-1", user: str = "lan", open_counter: bool = True) -> Client:
        from tests.integration.sites import PIN

        client = await self.client(device)
        await client.ok("officer.sign_in", user=user, pin=PIN)
        if open_counter:
            await client.ok("counter.open")
        return client


@contextlib.asynccontextmanager
async def running_lobby(
    db_path: Path,
    config: SiteConfig | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    busy_timeout_ms: int = 5000,
) -> AsyncIterator[Lobby]:
    async with running_server(config or site_config(), db_path, clock=clock, busy_timeout_ms=busy_timeout_ms) as running:
        lobby = Lobby(running.hub, running.url, running.port)
        try:
            yield lobby
        finally:
            for client in lobby.clients:
                await client.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lobby.db"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)
