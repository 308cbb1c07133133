"""The store alone: how many durable changes a second the writer's group commit takes.

Many submitters each hand one batch (one event and its ticket row, as a ticket.issue makes)
to the :class:`~queue_server.store.writer.Writer` and wait until it is committed with
``synchronous = FULL``; this is the disk's and SQLite's share of the server's throughput.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.figures import Latency
from queue_server.core.events import Event, EventType
from queue_server.store.writer import Batch, Writer


async def store_throughput(submitters: int = 64, seconds: float = 5.0, folder: Path | None = None) -> dict[str, Any]:
    """Group commit with ``submitters`` at once; then one at a time, for the latency of a
    single durable commit (the disk's fsync, mostly)."""
    figures = await _run(submitters, seconds, folder)
    alone = await _run(1, min(seconds, 3.0), folder)
    figures["single_commit_ms"] = alone.pop("latency_ms")
    figures["single_commits_per_second"] = alone["durable_changes_per_second"]
    return figures


async def _run(submitters: int, seconds: float, folder: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-store-", dir=folder) as tmp:
        writer = Writer(Path(tmp) / "store.db", "bench")
        writer.start()
        seqs = itertools.count(1)
        now = dt.datetime.now(dt.UTC)
        acknowledged = 0
        latencies: list[float] = []
        started = time.perf_counter()

        async def submitter() -> None:
            nonlocal acknowledged
            while time.perf_counter() < started + seconds:
                seq = next(seqs)
                event = Event(EventType.TICKET_ISSUED, now, {"ticket": seq, "label": f"A{seq:06d}", "service": "HT"}, seq)
                row = {"id": seq, "day": now.date().isoformat(), "label": f"A{seq:06d}", "service": "HT", "state": "waiting"}
                sent = time.perf_counter()
                await asyncio.wrap_future(writer.submit(Batch(events=[event], tickets=[row])))
                latencies.append(time.perf_counter() - sent)
                acknowledged += 1

        # one event loop decides the seqs in order and submits at once, as the hub does
        await asyncio.gather(*(submitter() for _ in range(submitters)))
        wall = time.perf_counter() - started
        commits = writer.commits
        writer.stop()
    return {
        "submitters": submitters,
        "seconds": round(wall, 1),
        "acknowledged": acknowledged,
        "durable_changes_per_second": round(acknowledged / wall),
        "commits_per_second": round(commits / wall),
        "batches_per_commit": round(writer.batches / commits, 1) if commits else None,
        "latency_ms": Latency.of(latencies).__dict__,
    }
