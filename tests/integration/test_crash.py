"""A server killed with SIGKILL in the middle of a stream of issues loses nothing it
acknowledged and carries the numbering on."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.integration.client import Client
from tests.support.servers import ServerProcess

SITE = """
[site]
id = "crash-test"
name = "Trung tâm thử nghiệm"
timezone = "Asia/Ho_Chi_Minh"

[hours]
days = "mon-sun"
times = ["00:00-24:00"]

[[service]]
code = "HT"
prefix = "A"
name_vi = "Hộ tịch"
name_en = "Civil status"

[[service]]
code = "DD"
prefix = "B"
name_vi = "Đất đai"
name_en = "Land"

[[counter]]
number = 1
name = "Quầy 1"
services = ["HT", "DD"]

[[device]]
id = "kiosk-1"
role = "kiosk"
token = "crash-test-kiosk-token"
"""


def _start(config: Path, db: Path) -> tuple[int, subprocess.Popen[str]]:
    """``motcua-server`` on port 0: the port it reports and its process, once /healthz answers."""
    server = ServerProcess(config, db).start()
    assert server.process is not None
    return server.port, server.process


async def _issue_until_killed(port: int, process: subprocess.Popen[str], kill_after: int) -> list[dict]:
    acknowledged: list[dict] = []
    clients = [await Client.open(f"ws://127.0.0.1:{port}") for _ in range(4)]
    for client in clients:
        await client.ok("hello", token="crash-test-kiosk-token")

    async def stream(client: Client, service: str) -> None:
        while True:
            try:
                reply = await client.call("ticket.issue", service=service)
            except Exception:
                return  # the connection died with the server
            if reply.get("ok"):
                acknowledged.append(reply["ticket"])
                if len(acknowledged) == kill_after:
                    os.kill(process.pid, signal.SIGKILL)

    await asyncio.gather(*(stream(c, "HT" if i % 2 else "DD") for i, c in enumerate(clients)))
    for client in clients:
        client._reader.cancel()
    return acknowledged


@pytest.mark.slow
def test_sigkill_loses_no_acknowledged_ticket_and_never_reuses_a_number(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text(SITE, encoding="utf-8")
    db = tmp_path / "lobby.db"
    acknowledged: list[dict] = []
    for kill_after in (25, 40, 15):
        port, process = _start(config, db)
        acknowledged += asyncio.run(_issue_until_killed(port, process, kill_after))
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL

    rows = sqlite3.connect(db).execute("select id, label, code, service, number from tickets").fetchall()
    stored = {code: (label, service, number) for _, label, code, service, number in rows}
    for ticket in acknowledged:
        assert stored[ticket["code"]] == (ticket["label"], ticket["service"], ticket["number"])
    for service in ("HT", "DD"):
        numbers = sorted(number for _, _, _, s, number in rows if s == service)
        assert numbers == list(range(1, len(numbers) + 1)), "numbers are unique and gap-free"

    port, process = _start(config, db)
    try:

        async def one_more() -> dict:
            client = await Client.open(f"ws://127.0.0.1:{port}")
            await client.ok("hello", token="crash-test-kiosk-token")
            ticket = (await client.ok("ticket.issue", service="HT"))["ticket"]
            await client.close()
            return ticket

        ticket = asyncio.run(one_more())
        highest = max(number for _, _, _, s, number in rows if s == "HT")
        assert ticket["number"] == highest + 1
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0, "SIGTERM shuts down cleanly"
