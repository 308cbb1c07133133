"""Listening clients in a process of their own, so that the load generator's own work does
not delay (or slow) them: ``python -m bench.phones URL FILE``.

FILE has one client a line: ``ticket CODE`` (a phone following its ticket) or ``token TOKEN``
(a device, e.g. a display board), optionally followed by the loopback address to connect from
(the server takes at most 256 connections from one address; phones are machines of their
own). Prints ``ready N`` once all are connected, waits for a line on standard input, then
prints one JSON line: connected clients, events received, CPU seconds used, and for each
device when each ``ticket.called`` reached it (``time.perf_counter``, the machine's monotonic
clock, comparable between processes).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path

from bench.clients import Device, close_all, connect_all
from bench.figures import own_cpu_seconds


async def main(url: str, listing: Path) -> None:
    clients = []
    for line in listing.read_text().split("\n"):
        kind, value, address = (line.split() + ["", "", ""])[:3]
        if kind == "ticket":
            clients.append(Device(url, ticket=value, local_address=address or None))
        elif kind == "token":
            clients.append(Device(url, token=value, local_address=address or None))
    await connect_all(clients)
    print(f"ready {len(clients)}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    result = {
        "connected": sum(1 for c in clients if c.client.status.value == "connected"),
        "events": sum(c.events for c in clients),
        "called": [c.seen["ticket.called"] for c in clients if c.client.token is not None],
    }
    await close_all(clients)
    result["cpu_seconds"] = own_cpu_seconds()
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
