"""The lobby's devices as load: real :class:`QueueClient` connections on loopback.

Each device keeps the monotonic time (``time.perf_counter``, the same clock in every process
of the machine) at which it sent a request and at which each event reached it, so latencies
are measured from the calling client to the listening one.
"""

from __future__ import annotations

import asyncio
import collections
import time
from collections.abc import Iterable
from typing import Any

from bench.site import PIN, BenchSite
from queue_server.protocol.client import QueueClient


class Device:
    """One connection and the events it has seen: ``ev`` → {ticket id: arrival time}."""

    def __init__(
        self, url: str, *, token: str | None = None, ticket: str | None = None, local_address: str | None = None
    ) -> None:
        self.seen: dict[str, dict[Any, float]] = collections.defaultdict(dict)
        self.seqs: list[int] = []  # of the log's events, in the order they came
        self.events = 0
        self.client = QueueClient(url, token=token, ticket=ticket, on_event=self._on_event, local_address=local_address)
        self.task: asyncio.Task[None] | None = None

    def _on_event(self, event: dict[str, Any]) -> None:
        self.events += 1
        if event["ev"] != "ticket.position":
            self.seqs.append(event["seq"])
        self.seen[event["ev"]].setdefault(event.get("ticket"), time.perf_counter())

    async def connect(self, timeout: float = 30.0) -> Device:
        self.task = asyncio.create_task(self.client.run())
        await self.client.wait_connected(timeout)
        return self

    async def request(self, op: str, **fields: Any) -> dict[str, Any]:
        return await self.client.request(op, **fields)

    async def close(self) -> None:
        await self.client.close()
        if self.task is not None:
            try:
                await asyncio.wait_for(self.task, 5)
            except TimeoutError:
                self.task.cancel()


async def connect_all(devices: Iterable[Device], at_once: int = 100) -> list[Device]:
    """Connect in waves of ``at_once`` (a thousand SYNs at once overflow the listen backlog)."""
    devices = list(devices)
    for start in range(0, len(devices), at_once):
        await asyncio.gather(*(d.connect() for d in devices[start : start + at_once]))
    return devices


async def close_all(devices: Iterable[Device]) -> None:
    await asyncio.gather(*(d.close() for d in devices), return_exceptions=True)


async def open_counters(url: str, site: BenchSite, count: int) -> list[Device]:
    """``count`` counter PCs with their officer signed in and the counter open."""
    counters = await connect_all(Device(url, token=site.counter_token(n)) for n in range(1, count + 1))
    for n, counter in enumerate(counters, start=1):
        await counter.request("officer.sign_in", user=site.officer(n), pin=PIN)
        await counter.request("counter.open")
    return counters
