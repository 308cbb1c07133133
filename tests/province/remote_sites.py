"""Sites as real ``motcua-server`` processes shipping to a real PostgreSQL, the province's server
(in a thread, or as a ``motcua-central`` process), and a phone on its public websocket: for the
tests of a number or a booking at any centre (issue 22)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
import websockets

from tests.support.ports import free_port
from tests.support.servers import ROOT, ServerProcess

DEVICE = "phone-browser-0123456789"
SECRET = "a-secret-of-this-phone-0123456789"


def site_file(
    folder: Path,
    site: str,
    name: str,
    dsn: str,
    kind: str | None = None,
    commune: str | None = None,
    hours: str = "00:00-24:00",
    slot_hours: str | None = None,
    public_url: str | None = None,
) -> Path:
    """A site that takes numbers from phones and bookings for Hộ tịch (HT), shipping to ``dsn``."""
    place = f'kind = "{kind}"\n' + (f'commune = "{commune}"\n' if commune else "") if kind else ""
    if public_url:
        place += f'public_url = "{public_url}"\n'
    service_hours = f'[service.hours]\ndays = "mon-sun"\ntimes = ["{slot_hours}"]\n' if slot_hours else ""
    text = f"""
[site]
id = "{site}"
name = "{name}"
timezone = "Asia/Ho_Chi_Minh"
{place}
[hours]
days = "mon-sun"
times = ["{hours}"]

[phone_queue]

[[service]]
code = "HT"
prefix = "A"
name_vi = "Hộ tịch"
name_en = "Civil status"
slot_minutes = 60
slot_capacity = 1
{service_hours}
[[service]]
code = "DD"
prefix = "B"
name_vi = "Đất đai"
name_en = "Land"

[[counter]]
number = 1
name = "Quầy 1"
services = ["HT", "DD"]

[central]
dsn = "{dsn}"
poll_seconds = 0.05
retry_max_seconds = 0.5
start_spread_seconds = 0.1
requests_idle_seconds = 0.5
"""
    path = folder / f"{site}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def province_file(folder: Path, dsn: str, offline_minutes: int = 3) -> Path:
    path = folder / "province.toml"
    path.write_text(
        f"""
[province]
name = "Tỉnh Tây Ninh"
dsn = "{dsn}"
offline_minutes = {offline_minutes}

[[manager]]
user = "giam.doc"
name = "Giám đốc"
token = "province-director-token"
sites = ["*"]
""",
        encoding="utf-8",
    )
    return path


def start_site(folder: Path, site: str) -> ServerProcess:
    return ServerProcess(folder / f"{site}.toml", folder / f"{site}.db").start()


def wait_known(dsn: str, sites: list[str], timeout: float = 30) -> None:
    """Until the central side has each site's configuration and contact (its first batch)."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn, autocommit=True) as conn:
        while time.monotonic() < deadline:
            try:
                found = {r[0] for r in conn.execute(
                    "SELECT DISTINCT c.site FROM site_configs c JOIN sites s ON s.site = c.site WHERE s.last_contact IS NOT NULL"
                )}  # fmt: skip
            except psycopg.errors.UndefinedTable:  # no site has migrated the schema yet
                found = set()
            if set(sites) <= found:
                return
            time.sleep(0.1)
    raise AssertionError(f"the sites {sites} never reached the central side")


class CentralProcess:
    """``motcua-central`` as a child on a fixed port (a restart takes it again)."""

    def __init__(self, config: Path, port: int | None = None) -> None:
        self.config = config
        self.port = port or free_port()
        self.process: subprocess.Popen[str] | None = None
        self.log = config.with_name("central.log")

    def start(self) -> CentralProcess:
        command = [sys.executable, "-m", "province.cli", "--config", str(self.config), "--port", str(self.port)]
        with self.log.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log, text=True)
        deadline = time.monotonic() + 30
        while "motcua-central:" not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"motcua-central did not start:\n{self.log.read_text()[-2000:]}")
            time.sleep(0.05)
        self.log.write_text("")  # the next start's line is its own
        return self

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class Phone:
    """A phone on the province page's websocket."""

    def __init__(self, url: str, device: str = DEVICE) -> None:
        self.url = url.replace("http://", "ws://").rstrip("/") + "/take/ws"
        self.device = device
        self.ws: Any = None
        self.ids = 0

    async def __aenter__(self) -> Phone:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def connect(self) -> None:
        self.ws = await websockets.connect(self.url)
        await self.ok("hello", device=self.device)

    async def call(self, op: str, **fields: Any) -> dict[str, Any]:
        self.ids += 1
        await self.ws.send(json.dumps({"id": self.ids, "op": op, **fields}))
        while True:
            reply = json.loads(await asyncio.wait_for(self.ws.recv(), 30))
            if reply.get("re") == self.ids:
                return dict(reply)

    async def ok(self, op: str, **fields: Any) -> dict[str, Any]:
        reply = await self.call(op, **fields)
        assert reply.get("ok"), reply
        return reply

    async def answer(self, request_id: str, secret: str = SECRET, timeout: float = 60) -> dict[str, Any]:
        """Poll until the site's answer is there."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = await self.ok("take.answer", request=request_id, secret=secret)
            if reply["state"] in ("answered", "expired"):
                return reply
            await asyncio.sleep(0.6)  # a public connection's budget: 2 requests a second
        raise AssertionError(f"no answer to {request_id} in {timeout} s")


def new_request_id() -> str:
    return str(uuid.uuid4())


def rows(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """Read the site's SQLite file (read-only, the server may be running)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, args).fetchall()


def phone_tickets(db: Path) -> list[tuple[Any, ...]]:
    return rows(db, "SELECT id, label, code FROM tickets WHERE source = 'phone' ORDER BY id")


def bookings(db: Path) -> list[tuple[Any, ...]]:
    return rows(db, "SELECT code, service, slot_start FROM appointments ORDER BY code")


LABEL = re.compile(r"A\d{3}")
