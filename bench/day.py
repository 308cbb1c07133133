"""A full day compressed: every ticket of a busy centre's day issued, called and finished as
fast as the server takes it, then the day's report (``stats.summary``) checked against what
the simulation did.

Each ticket's fate is drawn in advance from a seeded random generator: a few no-shows,
transfers to another field, cancellations; the rest are served and most of them rated.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import math
import random
import time
from typing import Any

from bench.clients import Device, close_all, connect_all, open_counters
from bench.figures import own_cpu_seconds
from bench.server import ServerProcess
from bench.site import BenchSite
from queue_server.protocol.client import RequestFailed

SCORES = (4, 4, 4, 3, 3, 2, 1)


@dataclasses.dataclass
class Tally:
    """What the simulation did, to compare with the report."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred: int = 0
    ratings: dict[str, int] = dataclasses.field(default_factory=dict)
    waits: list[float] = dataclasses.field(default_factory=list)  # minutes, from the replies' times
    services: list[float] = dataclasses.field(default_factory=list)
    finished: int = 0  # tickets that reached an end (done, no-show, cancelled)


def _minutes(start: str, end: str) -> float:
    return (dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds() / 60


async def full_day(
    server: ServerProcess, site: BenchSite, *, tickets: int = 3000, kiosks: int = 10, seed: int = 7
) -> dict[str, Any]:
    url = server.url
    rng = random.Random(seed)
    tally = Tally()
    counters = await open_counters(url, site, site.counters)
    boards = await connect_all(Device(url, token=site.board_token(n)) for n in range(1, site.boards + 1))
    kiosk_devices = await connect_all(Device(url, token=site.kiosk_token(n)) for n in range(1, kiosks + 1))
    manager = await Device(url, token=site.manager_token).connect()
    started, cpu_before, own_before = time.perf_counter(), server.cpu_seconds(), own_cpu_seconds()
    numbers = iter(range(tickets))

    async def kiosk_loop(kiosk: Device) -> None:
        for n in numbers:
            service = site.service_codes[n % len(site.service_codes)]
            priority = "elderly" if rng.random() < 0.05 else None
            await kiosk.request("ticket.issue", service=service, priority=priority)
            tally.issued += 1

    async def counter_loop(counter: Device) -> None:
        while tally.finished < tickets:
            try:
                ticket = (await counter.request("ticket.call_next"))["ticket"]
            except RequestFailed as exc:
                if exc.code != "queue_empty":
                    raise
                await asyncio.sleep(0.005)
                continue
            fate = rng.random()
            if fate < 0.03 and ticket["transferred_from"] is None:
                other = rng.choice([s for s in site.service_codes if s != ticket["service"]])
                await counter.request("ticket.transfer", ticket=ticket["id"], service=other)
                tally.transferred += 1
                continue  # the new ticket waits in the other field; it ends later
            tally.waits.append(_minutes(ticket["arrival_at"], ticket["called_at"]))
            if fate < 0.08:
                await counter.request("ticket.no_show", ticket=ticket["id"])
                tally.no_show += 1
            elif fate < 0.10:
                await counter.request("ticket.cancel", ticket=ticket["id"], reason="bench")
                tally.cancelled += 1
            else:
                start = ticket["called_at"]
                if rng.random() < 0.5:
                    start = (await counter.request("ticket.serve", ticket=ticket["id"]))["ticket"]["served_at"]
                done = (await counter.request("ticket.complete", ticket=ticket["id"]))["ticket"]
                tally.services.append(_minutes(start, done["done_at"]))
                tally.served += 1
                if rng.random() < 0.6:
                    score = rng.choice(SCORES)
                    await counter.request("rating.submit", ticket=ticket["id"], score=score)
                    tally.ratings[str(score)] = tally.ratings.get(str(score), 0) + 1
            tally.finished += 1

    await asyncio.gather(*(kiosk_loop(k) for k in kiosk_devices), *(counter_loop(c) for c in counters))
    wall = time.perf_counter() - started
    server_cpu = server.cpu_seconds() - cpu_before
    own_cpu = own_cpu_seconds() - own_before
    report = (await manager.request("stats.summary"))["summary"]
    checks = _compare(tally, report)
    await close_all([*counters, *boards, *kiosk_devices, manager])
    return {
        "tickets": tickets,
        "counters": len(counters),
        "boards": len(boards),
        "seconds": round(wall, 1),
        "server_cpu_percent": round(100 * server_cpu / wall, 1),
        "load_generator_cpu_percent": round(100 * own_cpu / wall, 1),
        "report": report,
        "checks": checks,
        "report_matches": all(ok for _, _, ok in checks.values()),
    }


def _compare(tally: Tally, report: dict[str, Any]) -> dict[str, tuple[Any, Any, bool]]:
    """{figure: (what the simulation did, what the report says, equal)}; times to the
    report's two decimals (it rounds them)."""
    waits = sorted(tally.waits)
    ratings = [int(k) for k, n in tally.ratings.items() for _ in range(n)]
    expected: dict[str, Any] = {
        "issued": tally.issued,
        "served": tally.served,
        "no_show": tally.no_show,
        "cancelled": tally.cancelled,
        "transferred": tally.transferred,
        "waiting": 0,
        "ratings": tally.ratings,
        "rating_count": len(ratings),
        "average_rating": round(sum(ratings) / len(ratings), 2) if ratings else None,
        "average_wait_minutes": round(sum(waits) / len(waits), 2) if waits else None,
        "p90_wait_minutes": round(waits[math.ceil(0.9 * len(waits)) - 1], 2) if waits else None,
        "average_service_minutes": (
            round(sum(tally.services) / len(tally.services), 2) if tally.services else None
        ),
    }
    checks = {}
    for key, value in expected.items():
        got = report.get(key)
        if isinstance(value, float) and isinstance(got, float):
            ok = math.isclose(value, got, abs_tol=0.011)
        else:
            ok = value == got
        checks[key] = (value, got, ok)
    return checks
