"""A real queue server for a test, written once: in this process on port 0, or as a
``motcua-server`` child on port 0 that reports the port it was given.

    async with running_server(config, db) as running:        # running.hub, running.port
        ...

    server = ServerProcess(config, db).start()               # server.port, server.url
    server.kill(); server.start()                            # the same database, the same port
    server.stop()                                            # SIGTERM; its exit code
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from queue_server.bootstrap import build_hub
from queue_server.config.settings import SiteConfig
from queue_server.server.app import start
from queue_server.server.http_budget import DEFAULT_HTTP_LIMITS, HttpLimits
from queue_server.server.hub import Hub

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"^motcua-server: .* listening on ws://([0-9.]+):(\d+)")


@dataclass
class Running:
    hub: Hub
    port: int

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def running_server(
    config: SiteConfig,
    db: Path,
    port: int = 0,
    clock: Callable[[], dt.datetime] | None = None,
    busy_timeout_ms: int = 5000,
    http_limits: HttpLimits = DEFAULT_HTTP_LIMITS,
) -> AsyncIterator[Running]:
    """A real server (real SQLite file) in this event loop, on ``port`` (0: any free one); stopping
    it closes every connection."""
    hub = build_hub(config, db, clock=clock, busy_timeout_ms=busy_timeout_ms)
    server, ticker = await start(hub, "127.0.0.1", port, tick_seconds=3600, http_limits=http_limits)
    try:
        yield Running(hub, server.sockets[0].getsockname()[1])
    finally:
        ticker.cancel()
        server.close()
        await server.wait_closed()
        if hub.deliverer is not None:
            hub.deliverer.stop()
        hub.writer.stop()
        hub.reader.close()


class ServerFailed(AssertionError):
    """The server process did not come up, or died."""


class ServerProcess:
    """``python -m queue_server.cli`` (``motcua-server``) as a child. It starts on ``port`` (0 by
    default) and the port is read from the line it prints once it listens; a restart after
    ``kill()`` or ``stop()`` takes that same port again, so that clients find it where it was."""

    def __init__(
        self,
        config: Path,
        db: Path,
        port: int = 0,
        log: Path | None = None,
        startup_timeout: float = 30,
        preexec: Callable[[], None] | None = None,  # run in the child before it starts (resource limits)
    ) -> None:
        self.config, self.db, self.port = config, db, port
        self.preexec = preexec
        self.log_path = log or db.with_name(db.name + ".server.log")
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "queue_server.cli", "--config", str(self.config), "--db", str(self.db),
                   "--port", str(self.port)]  # fmt: skip
        log = self.log_path.open("a")
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True, preexec_fn=self.preexec)
        log.close()
        ports: queue.Queue[int] = queue.Queue()
        threading.Thread(target=self._follow, args=(self.process, ports), daemon=True).start()
        try:
            self.port = ports.get(timeout=self.startup_timeout)
        except queue.Empty:
            self.kill()
            raise ServerFailed(f"the server said nowhere that it listens:\n{self.log_tail()}") from None
        if self.port == 0:
            raise ServerFailed(f"the server exited with {self.process.wait()}:\n{self.log_tail()}")
        deadline = time.monotonic() + self.startup_timeout
        while not self.writable():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise ServerFailed(f"the server's /healthz never said writable:\n{self.log_tail()}")
            time.sleep(0.02)
        return self

    def _follow(self, process: subprocess.Popen[str], ports: queue.Queue[int]) -> None:
        """Read the child's standard output: hand over the port it listens on (0 if it ends
        first) and keep the pipe drained (into the log) so that the child never blocks on it."""
        assert process.stdout is not None
        told = False
        with process.stdout, self.log_path.open("a") as log:
            for line in process.stdout:
                log.write(line)
                log.flush()
                found = LISTENING.match(line)
                if found and not told:
                    told = True
                    ports.put(int(found.group(2)))
        if not told:
            ports.put(0)

    def health(self) -> tuple[int, dict]:  # type: ignore[type-arg]
        """(HTTP status, body) of /healthz; (0, {}) when nothing answers."""
        try:
            with urllib.request.urlopen(f"{self.http_url}/healthz", timeout=1) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            return error.code, {}
        except (OSError, ValueError):
            return 0, {}

    def writable(self) -> bool:
        status, body = self.health()
        return status == 200 and bool(body.get("writable"))

    def stop(self, timeout: float = 10) -> int | None:
        """SIGTERM and wait (SIGKILL after ``timeout``); the exit code (None if it never ran)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:  # killed: its code says so (-9)
            self.process.kill()
            return self.process.wait()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
