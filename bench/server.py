"""The server under test as a separate process, and what /proc says about it.

    with ServerProcess(config, db) as server:      # python -m queue_server.cli, waits for /healthz
        server.url, server.cpu_seconds(), server.rss_mb(), server.peak_rss_mb()
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class ServerFailed(Exception):
    """The server process did not start or died."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc/PID/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15)


def process_memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB, from /proc/PID/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


class ServerProcess:
    def __init__(
        self,
        config: Path,
        db: Path,
        port: int | None = None,
        startup_timeout: float = 30.0,
        profile: Path | None = None,
        log: Path | None = None,
        source: Path | None = None,
    ) -> None:
        self.config = config
        self.profile = profile  # write a cProfile of the whole run here (stopped with SIGTERM)
        self.source = source  # run the server of another checkout (for before/after figures)
        self.db = db
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.log_path = log or db.with_name(db.name + ".log")  # the server's standard error

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> ServerProcess:
        profiler = ["-m", "cProfile", "-o", str(self.profile)] if self.profile else []
        config, db = self.config.resolve(), self.db.resolve()
        command = [sys.executable, *profiler, "-m", "queue_server.cli", "--config", str(config), "--db", str(db)]
        with self.log_path.open("ab") as log:  # a file, not a pipe: a pipe nobody reads blocks the server
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port)], stdout=subprocess.DEVNULL, stderr=log, cwd=self.source
            )
        self.started_at = time.monotonic()
        deadline = self.started_at + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.log_path.read_text(errors="replace")
                raise ServerFailed(f"the server exited with {self.process.returncode}: {stderr[-2000:]}")
            if self.health(timeout=1.0)[0] == 200:
                return self
            time.sleep(0.02)
        self.kill()
        raise ServerFailed(f"the server did not answer /healthz within {self.startup_timeout} s")

    def health(self, timeout: float = 5.0) -> tuple[int, dict]:
        """(HTTP status, body) of /healthz; (0, {}) when nothing answers."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except (OSError, ValueError):
            return 0, {}

    def metrics(self) -> dict[str, float]:
        """The unlabelled and labelled samples of /metrics, by their full name."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as response:
            text = response.read().decode()
        samples = {}
        for line in text.splitlines():
            if line and not line.startswith("#"):
                name, _, value = line.rpartition(" ")
                samples[name] = float(value)
        return samples

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def rss_mb(self) -> float:
        return process_memory_mb(self.pid)[0]

    def peak_rss_mb(self) -> float:
        return process_memory_mb(self.pid)[1]

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM and wait; returns the exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
