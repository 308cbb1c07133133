"""The centre a deploy test installs devices against: the demo site with the devices to enrol
declared without a token, served in this process (a real websocket server, a real SQLite file)
on a fixed clock; its enrolment codes made by ``motcua-server enrol`` against its database, as
the centre's administrator would make them."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import sqlite3
import subprocess
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from queue_server.config.site import load_config
from tests.deploy.roots import SCRIPTS, child_env
from tests.support.demo import demo_site
from tests.support.servers import Running, running_server

PUBLIC_URL = "http://hcc.e2e.test"  # the kiosk takes a booking's link of this site alone: it must know it
ENROLLED = ("kiosk-1", "board-hall", "pad-1")  # declared with no token: they enrol
MONDAY_9 = (2026, 11, 23, 9, 0)  # the server's clock: before any code's expiry (made now, valid 15 min)


def site_text(printer: Path, scanner_url: str) -> str:
    """The demo site: its public URL ours, kiosk-1's printer and scanner the test's simulators,
    no token for the devices that enrol."""
    text = demo_site(public_url=PUBLIC_URL)
    for old, new in (
        ('printer = "sim://var/sim/kiosk-1-printer?width=576"', f'printer = "sim://{printer}?width=576"'),
        ('scanner = "sim://kiosk-1"', f'scanner = "{scanner_url}"'),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    lines = text.splitlines()
    for device in ENROLLED:
        start = lines.index(f'id = "{device}"')
        token = next(i for i in range(start, len(lines)) if lines[i].startswith("token = "))
        del lines[token]
    return "\n".join(lines) + "\n"


@dataclass
class Centre:
    root: Path  # the server PC's root: the docs' /etc/motcua/site.toml is root/etc/motcua/site.toml
    site: Path
    db: Path
    server: Running

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.server.port}/"

    async def code(self, device: str) -> str:
        """``motcua-server enrol DEVICE --config SITE --db DB``: the one-time code it prints."""
        command = [str(SCRIPTS / "motcua-server"), "enrol", device, "--config", str(self.site), "--db", str(self.db)]
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True, text=True, env=child_env())
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    async def book(self, service: str, slot: str) -> str:
        """An appointment booked from a citizen's phone (no token): its code."""
        from queue_server.protocol.client import QueueClient

        client = QueueClient(self.url)
        task = asyncio.create_task(client.run())
        try:
            await client.wait_connected(5)
            reply = await client.request("appointment.book", service=service, slot_start=slot)
        finally:
            await client.close()
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        return str(reply["appointment"]["code"])

    def connected(self, device: str) -> bool:
        """The device has said hello with its token and is connected now."""
        return any(s.device is not None and s.device.id == device for s in self.server.hub.sessions)

    def tickets(self) -> list[dict[str, Any]]:
        """The tickets the server's database file holds."""
        with contextlib.closing(sqlite3.connect(self.db)) as connection:
            connection.row_factory = sqlite3.Row
            return [dict(row) for row in connection.execute("select * from tickets order by id")]


@contextlib.asynccontextmanager
async def running_centre(work: Path, scanner_url: str = "sim://kiosk-1") -> AsyncIterator[Centre]:
    """The server, its files where the server PC keeps them under ``work/server``
    (``etc/motcua/site.toml``, ``var/lib/motcua/lobby.db``: the docs' paths, rooted there)."""
    root = work / "server"
    site, db = root / "etc/motcua/site.toml", root / "var/lib/motcua/lobby.db"
    site.parent.mkdir(parents=True, exist_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(site_text(work / "printer", scanner_url), encoding="utf-8")
    config = load_config(site)
    now = dt.datetime(*MONDAY_9, tzinfo=config.site.tz)
    async with running_server(config, db, clock=lambda: now) as server:
        yield Centre(root, site, db, server)
