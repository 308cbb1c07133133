"""The soak: a steady mixed load with connections coming and going, the server's memory
sampled from /proc every second; flat memory means a slope near zero after the warm-up.

The load: a kiosk issues a ticket every two seconds (five times a busy centre's pace) and
counters call and complete them; the day's tickets stay in memory, about 3 KB each with
their events, so the day grows slowly, as a real one does; phones connect to follow a ticket and leave; boards drop
and reconnect with ``since``; a stranger sends garbage. Everything per connection must be
let go when the connection goes.
"""

from __future__ import annotations

import asyncio
import random
import time
from typing import Any

from websockets.asyncio.client import connect

from bench.clients import Device, close_all, connect_all, open_counters
from bench.figures import slope_per_minute
from bench.server import ServerProcess
from bench.site import BenchSite
from queue_server.protocol.client import RequestFailed


async def soak(
    server: ServerProcess,
    site: BenchSite,
    *,
    minutes: float = 0.5,
    warm_up_minutes: float = 0.4,
    issue_rate: float = 0.5,
    counters: int = 5,
) -> dict[str, Any]:
    """Run the load for ``warm_up_minutes`` (the allocator's arenas and SQLite's page caches
    fill: memory grows about a megabyte, then stays) and then ``minutes`` more, sampled."""
    url = server.url
    rng = random.Random(11)
    measure_from = time.perf_counter() + warm_up_minutes * 60
    stop_at = measure_from + minutes * 60
    counter_devices = await open_counters(url, site, counters)
    kiosk = await Device(url, token=site.kiosk_token(1)).connect()
    codes: list[str] = []
    samples: list[tuple[float, float]] = []
    counts = {"issued": 0, "called": 0, "phones": 0, "board_reconnects": 0, "garbage": 0}
    started = time.perf_counter()

    async def issuing() -> None:
        while time.perf_counter() < stop_at:
            ticket = (await kiosk.request("ticket.issue", service=rng.choice(site.service_codes)))["ticket"]
            codes.append(ticket["code"])
            del codes[:-200]
            counts["issued"] += 1
            await asyncio.sleep(1 / issue_rate)

    async def calling(counter: Device) -> None:
        while time.perf_counter() < stop_at:
            try:
                await counter.request("ticket.call_next")
                await counter.request("ticket.complete")
                counts["called"] += 1
            except RequestFailed:
                pass
            await asyncio.sleep(counters / issue_rate)

    async def phones() -> None:
        while time.perf_counter() < stop_at:
            batch = [Device(url, ticket=code) for code in rng.sample(codes, min(20, len(codes)))]
            await connect_all(batch)
            await asyncio.sleep(0.2)
            await close_all(batch)
            counts["phones"] += len(batch)

    async def boards() -> None:
        while time.perf_counter() < stop_at:
            board = await Device(url, token=site.board_token(rng.randint(1, site.boards))).connect()
            await asyncio.sleep(0.5)
            await board.close()
            counts["board_reconnects"] += 1

    async def garbage() -> None:
        while time.perf_counter() < stop_at:
            async with connect(url) as stranger:
                for raw in ("not json", '{"id": 1, "op": "ticket.fly"}', '{"id": 2}', "[]"):
                    await stranger.send(raw)
                    await stranger.recv()
                    counts["garbage"] += 1
            await asyncio.sleep(0.1)

    async def sampling() -> None:
        await asyncio.sleep(max(0.0, measure_from - time.perf_counter()))
        while time.perf_counter() < stop_at:
            samples.append((time.perf_counter() - started, server.rss_mb()))
            await asyncio.sleep(1.0)

    await asyncio.gather(
        issuing(), *(calling(c) for c in counter_devices), phones(), boards(), garbage(), sampling()
    )
    await close_all([*counter_devices, kiosk])
    return {
        "minutes": minutes,
        "warm_up_minutes": warm_up_minutes,
        **counts,
        "rss_first_mb": round(samples[0][1], 1) if samples else None,
        "rss_last_mb": round(samples[-1][1], 1) if samples else None,
        "rss_peak_mb": round(server.peak_rss_mb(), 1),
        "rss_slope_mb_per_minute": round(slope_per_minute(samples), 3),
        "samples": len(samples),
        "rss_series_mb": [round(v, 1) for _, v in samples[:: max(1, len(samples) // 20)]],
    }
