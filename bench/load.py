"""Closed-loop load in a process of its own: ``python -m bench.load URL SPEC``.

SPEC is a JSON file: ``{"kiosks": [TOKEN, …], "counters": [[TOKEN, USER], …], "pin": PIN,
"services": [CODE, …], "queue": N, "seconds": S}``. The counters sign in and open; the
process prints ``ready``, waits for a line on standard input (so that every load process
starts together), then each kiosk issues and each counter calls and completes, each sending
its next request as soon as the last one is answered (acknowledged = committed to disk). The
kiosks hold back while ``queue`` of this process's tickets wait, as a busy centre's queue
would. Prints one JSON line: requests done by operation, their latencies, CPU seconds used.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from bench.figures import Latency, own_cpu_seconds
from bench.lean import LeanClient
from queue_server.protocol.client import RequestFailed


class Load:
    def __init__(self, spec: dict[str, Any], url: str) -> None:
        self.spec = spec
        self.url = url
        self.kiosks: list[LeanClient] = []
        self.counters: list[LeanClient] = []
        self.done = {"ticket.issue": 0, "ticket.call_next": 0, "ticket.complete": 0}
        self.took: list[float] = []
        self.room = asyncio.Condition()  # a kiosk waits on it while the queue is full
        self.issued = asyncio.Event()  # a counter waits on it while nobody waits for it

    async def prepare(self) -> None:
        self.kiosks = [await LeanClient.connect(self.url, token) for token in self.spec["kiosks"]]
        self.counters = [await LeanClient.connect(self.url, token) for token, _ in self.spec["counters"]]
        for counter, (_, user) in zip(self.counters, self.spec["counters"]):
            await counter.request("officer.sign_in", user=user, pin=self.spec["pin"])
            await counter.request("counter.open")

    async def run(self) -> None:
        self.until = time.perf_counter() + self.spec["seconds"]
        services = itertools.cycle(self.spec["services"])
        await asyncio.gather(
            *(self.kiosk(k, services) for k in self.kiosks), *(self.counter(c) for c in self.counters)
        )

    async def _timed(self, device: LeanClient, op: str, **fields: Any) -> None:
        sent = time.perf_counter()
        await device.request(op, **fields)
        self.took.append(time.perf_counter() - sent)
        self.done[op] += 1

    def _waiting(self) -> int:
        return self.done["ticket.issue"] - self.done["ticket.call_next"]

    async def kiosk(self, kiosk: LeanClient, services: itertools.cycle[str]) -> None:
        while time.perf_counter() < self.until:
            async with self.room:
                await self.room.wait_for(lambda: self._waiting() < self.spec["queue"] or time.perf_counter() > self.until)
            if time.perf_counter() > self.until:
                return
            await self._timed(kiosk, "ticket.issue", service=next(services))
            self.issued.set()

    async def counter(self, counter: LeanClient) -> None:
        while time.perf_counter() < self.until:
            try:
                await self._timed(counter, "ticket.call_next")
            except RequestFailed as exc:  # queue_empty: the kiosks are behind
                if exc.code != "queue_empty":
                    raise
                self.issued.clear()
                try:
                    await asyncio.wait_for(self.issued.wait(), 0.01)
                except TimeoutError:
                    pass
                continue
            async with self.room:
                self.room.notify_all()
            await self._timed(counter, "ticket.complete")

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in [*self.kiosks, *self.counters]))


async def main(url: str, spec_path: Path) -> None:
    load = Load(json.loads(spec_path.read_text()), url)
    await load.prepare()
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    cpu_before, started = own_cpu_seconds(), time.perf_counter()
    await load.run()
    cpu, ended = own_cpu_seconds() - cpu_before, time.perf_counter()
    await load.close()
    result = {
        "by_operation": load.done,
        "took_ms": Latency.of(load.took).__dict__,
        "cpu_seconds": round(cpu, 2),
        "events": sum(c.events for c in [*load.kiosks, *load.counters]),
        "started": started,  # time.perf_counter(): the same clock in every process
        "ended": ended,
    }
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(sys.argv[1], Path(sys.argv[2])))
