"""What both disk faults check once the disk takes writes again."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.clients import Device
from bench.server import ServerProcess


async def numbering_goes_on(server: ServerProcess, kiosk: Device, acknowledged: list[dict[str, Any]]) -> None:
    """/healthz says 200 again within 10 s, and the next ticket's number follows the last
    acknowledged one (appended to ``acknowledged``)."""
    deadline = time.monotonic() + 10
    while (await asyncio.to_thread(server.health))[0] != 200 and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    assert (await asyncio.to_thread(server.health))[0] == 200
    after = (await kiosk.request("ticket.issue", service="HT"))["ticket"]
    assert after["number"] == acknowledged[-1]["number"] + 1, "the numbering goes on with no gap"
    acknowledged.append(after)
