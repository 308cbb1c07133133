"""Fixtures for the fault tests: real servers (in-process with chosen limits, on a thread of
their own, or as a separate process to kill), real SQLite files, real sockets."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.bootstrap import build_hub
from queue_server.config.settings import SiteConfig
from queue_server.server.app import Limits, start
from queue_server.server.hub import Hub
from tests.integration.sites import site_config


@contextlib.asynccontextmanager
async def serving(
    db_path: Path,
    limits: Limits = Limits(),
    config: SiteConfig | None = None,
    clock: Callable[[], float] = time.monotonic,
    sock: socket.socket | None = None,
    hub_clock: Callable[[], dt.datetime] | None = None,
) -> AsyncIterator[tuple[Hub, str]]:
    """A real server in this event loop with ``limits``, its budgets counted by ``clock`` (and
    its hub's time by ``hub_clock``), on 127.0.0.1 or on ``sock``; yields the hub and its
    ws:// URL (127.0.0.1)."""
    hub = build_hub(config or site_config(), db_path, clock=hub_clock)
    host, port = ("127.0.0.1", 0) if sock is None else (None, None)
    server, ticker = await start(hub, host, port, tick_seconds=3600, limits=limits, clock=clock, sock=sock)
    port = server.sockets[0].getsockname()[1]
    try:
        yield hub, f"ws://127.0.0.1:{port}/"
    finally:
        ticker.cancel()
        server.close()
        await server.wait_closed()
        hub.writer.stop()
        hub.reader.close()


class ThreadedServer:
    """A real server on an event loop of its own thread, so that a synchronous test (one
    driven by hypothesis) can talk to it with plain blocking clients."""

    def __init__(self, db_path: Path, limits: Limits = Limits()) -> None:
        self.db_path = db_path
        self.limits = limits
        self.loop = asyncio.new_event_loop()
        self.hub: Hub | None = None
        self.url = ""
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, name="threaded-server", daemon=True)
        self._served: concurrent.futures.Future[None] | None = None

    def run(self, coroutine: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        """Run ``coroutine`` on the server's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def __enter__(self) -> ThreadedServer:
        self._thread.start()
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()

        async def serve() -> None:
            self._stop = asyncio.Event()
            async with serving(self.db_path, self.limits) as (hub, url):
                self.hub, self.url = hub, url
                ready.set_result(None)
                await self._stop.wait()

        self._served = asyncio.run_coroutine_threadsafe(serve(), self.loop)
        ready.result(30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._stop is not None and self._served is not None
        self.loop.call_soon_threadsafe(self._stop.set)
        self._served.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()


@contextlib.contextmanager
def threaded_server(db_path: Path, limits: Limits = Limits()) -> Iterator[ThreadedServer]:
    with ThreadedServer(db_path, limits) as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lobby.db"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The long variants here (``slow``) stay out of a plain run (CI); ``-m slow`` runs them."""
    if "slow" in (config.option.markexpr or ""):
        return
    here = Path(__file__).parent
    slow = [i for i in items if i.get_closest_marker("slow") and here in Path(str(i.path)).parents]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [i for i in items if i not in slow]
