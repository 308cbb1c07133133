"""Fixtures for the web pages' tests: a real queue server in a subprocess on the demo site,
a real headless Chromium (Debian's, driven by Selenium through Debian's chromedriver), and a
listener that follows the server's events with the project's own QueueClient."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.apps.browser import CHROMEDRIVER, CHROMIUM, chromium_options
from queue_server.config.settings import SiteConfig
from queue_server.protocol.client import QueueClient
from tests.support.demo import (
    demo_site,
)
from tests.support.ports import free_port
from tests.support.servers import ServerProcess, running_server

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts" / "web"


class Server:
    """``python -m queue_server.cli`` on the demo configuration, its public URL on its own port
    (so the port is chosen before it starts: the configuration names it)."""

    def __init__(self, tmp: Path, sim_dir: Path | None = None, timezone: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/"
        self.db = tmp / "lobby.db"
        self.config = tmp / "site.toml"
        text = demo_site(public_url=self.url, timezone=timezone)
        if sim_dir is not None:
            text = text.replace('pad = "sim://pads"', f'pad = "sim://pads?dir={sim_dir}"')
        self.config.write_text(text, encoding="utf-8")
        self.log_path = tmp / "server.log"
        self.child = ServerProcess(self.config, self.db, self.port, log=self.log_path)
        self.start()

    @property
    def process(self) -> subprocess.Popen[str] | None:
        return self.child.process

    def start(self) -> None:
        self.child.start()

    def stop(self) -> None:
        self.child.stop()


class InProcessServer:
    """running_server on its own thread and event loop, with the test's clock if given (the
    tests that move the server's time: test_console_expiry, test_fleet) and the test's site."""

    def __init__(self, config: SiteConfig, db: Path, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._server = running_server(config, db, clock=clock)
        self.running = self.call(self._server.__aenter__())
        self.url = f"http://127.0.0.1:{self.running.port}"
        self.ws_url = f"ws://127.0.0.1:{self.running.port}/"

    def call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def stop(self) -> None:
        self.call(self._server.__aexit__(None, None, None))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Listener:
    """A QueueClient on its own thread and event loop, collecting the events it receives."""

    def __init__(self, url: str, token: str | None = None, **hello: Any) -> None:
        self.events: list[dict[str, Any]] = []
        self.snapshots: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.client = QueueClient(url, token=token, on_event=self._event, on_snapshot=self.snapshots.append, **hello)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.task = asyncio.run_coroutine_threadsafe(self.client.run(), self.loop)
        asyncio.run_coroutine_threadsafe(self.client.wait_connected(10), self.loop).result(15)

    def _event(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(event)

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        return asyncio.run_coroutine_threadsafe(self.client.request(op, **fields), self.loop).result(15)

    def wait_for(self, ev: str, timeout: float = 10, **match: Any) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                for event in self.events:
                    if event["ev"] == ev and all(event.get(k) == v for k, v in match.items()):
                        return event
            time.sleep(0.05)
        raise AssertionError(f"no {ev} {match} within {timeout} s; saw {[e['ev'] for e in self.events]}")

    def count(self, ev: str, **match: Any) -> int:
        with self._lock:
            return sum(1 for e in self.events if e["ev"] == ev and all(e.get(k) == v for k, v in match.items()))

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.client.close(), self.loop).result(10)
        with contextlib.suppress(Exception):
            self.task.result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = Server(tmp_path)
    yield running
    running.stop()


@pytest.fixture
def midday_server(tmp_path: Path) -> Iterator[Server]:
    """The demo server in a zone where it is now mid-day (tests/integration/sites.midday_zone):
    for the tests that book the next free slot on the real clock."""
    from tests.integration.sites import midday_zone

    running = Server(tmp_path, timezone=midday_zone())
    yield running
    running.stop()


@pytest.fixture
def listeners() -> Iterator[list[Listener]]:
    opened: list[Listener] = []
    yield opened
    for listener in opened:
        listener.close()


def new_browser(download_dir: Path | None = None, width: int = 1600, height: int = 1000):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed (make setup installs them)")
    options, profile = chromium_options(webdriver.ChromeOptions(), width, height, "motcua-chromium")
    if download_dir is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(download_dir), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    driver.motcua_profile = profile  # type: ignore[attr-defined]
    return driver


@pytest.fixture
def browsers() -> Iterator[list[Any]]:
    opened: list[Any] = []
    yield opened
    for driver in opened:
        with contextlib.suppress(Exception):
            driver.quit()
        shutil.rmtree(driver.motcua_profile, ignore_errors=True)


def screenshot(driver: Any, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
