"""The measured scenarios: many connected clients (latencies, memory) and durable throughput.

Each takes a running :class:`~bench.server.ServerProcess` and returns its figures as a dict.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.clients import Device, close_all, connect_all, open_counters
from bench.figures import Latency, own_cpu_seconds
from bench.lean import LeanClient
from bench.server import ServerProcess
from bench.site import PIN, BenchSite
from queue_server.protocol.client import NotConnected, RequestFailed


async def issue_many(kiosks: list[Device], count: int, services: tuple[str, ...]) -> list[dict[str, Any]]:
    """Issue ``count`` tickets as fast as the kiosks go; returns the tickets."""
    tickets: list[dict[str, Any]] = []
    numbers = iter(range(count))

    async def kiosk_loop(kiosk: Device) -> None:
        for n in numbers:
            tickets.append((await kiosk.request("ticket.issue", service=services[n % len(services)]))["ticket"])

    await asyncio.gather(*(kiosk_loop(k) for k in kiosks))
    return tickets


def phone_address(n: int, per_address: int = 100) -> str:
    """The loopback address phone ``n`` connects from: ``per_address`` phones share one (a
    lobby's phones are many machines; the server caps the connections of one address)."""
    return f"127.0.{1 + n // per_address // 250}.{1 + n // per_address % 250}"


class Listeners:
    """Listening clients in processes of ``python -m bench.phones``, one per group of lines
    (``ticket CODE`` or ``token TOKEN``). The boards get a process of their own: in a lobby
    each is its own machine, and a process busy with hundreds of phones' messages would
    delay the moment a board sees a call. The phones' processes run at a lower priority
    (``phones_nice``): in a lobby they are the citizens' own phones, and here they would
    otherwise take the CPU the server and the boards need on this small machine; the server
    still does all of the phones' work."""

    def __init__(self, url: str, groups: list[list[str]], phones_nice: int = 10) -> None:
        self.url = url
        self.chunks = [group for group in groups if group]
        self.phones_nice = phones_nice
        self.processes: list[subprocess.Popen[str]] = []
        self.folder = tempfile.TemporaryDirectory(prefix="bench-listeners-")

    def start(self) -> int:
        for n, chunk in enumerate(self.chunks):
            path = Path(self.folder.name) / f"clients-{n}.txt"
            path.write_text("\n".join(chunk))
            phones = chunk[0].startswith("ticket ")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.phones", self.url, str(path)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    preexec_fn=(lambda: os.nice(self.phones_nice)) if phones and self.phones_nice else None,
                )
            )
        ready = 0
        for process in self.processes:
            line = process.stdout.readline() if process.stdout else ""
            if not line.startswith("ready"):
                raise RuntimeError(f"a listener process failed to start: {line!r}")
            ready += int(line.split()[1])
        return ready

    def stop(self) -> dict[str, Any]:
        """Totals, and for each device its ``ticket.called`` arrival times by ticket id."""
        totals: dict[str, Any] = {"connected": 0, "events": 0, "cpu_seconds": 0.0, "called": []}
        for process in self.processes:
            try:
                out, _ = process.communicate("stop\n", timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                continue
            result = json.loads(out.strip().splitlines()[-1])
            for key in ("connected", "events", "cpu_seconds"):
                totals[key] += result[key]
            totals["called"] += [{int(k): v for k, v in seen.items()} for seen in result["called"]]
        self.folder.cleanup()
        return totals


async def connected_clients(
    server: ServerProcess,
    site: BenchSite,
    *,
    clients: int = 1000,
    kiosks: int = 10,
    seconds: float = 20.0,
    issue_rate: float = 200.0,
    call_interval: float = 0.5,
    phone_processes: int = 2,
) -> dict[str, Any]:
    """``clients`` connections: the counters, boards, kiosks, and phones following waiting
    tickets for the rest (as many people waiting as phones). Two phases of ``seconds``: every
    counter calls and completes every ``call_interval`` while the kiosks keep the queue as
    long as it is (call → board latency, boards in other processes), then kiosks issue at
    ``issue_rate`` (ticket issue latency)."""
    url = server.url
    counters = await open_counters(url, site, site.counters)
    kiosk_devices = await connect_all(Device(url, token=site.kiosk_token(n)) for n in range(1, kiosks + 1))
    phone_count = max(0, clients - len(counters) - site.boards - len(kiosk_devices))
    followed = await issue_many(kiosk_devices, phone_count, site.service_codes)
    boards = [f"token {site.board_token(n)}" for n in range(1, site.boards + 1)]
    phones = [f"ticket {t['code']} {phone_address(n)}" for n, t in enumerate(followed)]
    listeners = Listeners(url, [boards, *(phones[i::phone_processes] for i in range(phone_processes))])
    called_at: dict[int, float] = {}
    try:
        connected = len(counters) + len(kiosk_devices) + listeners.start()
        call_phase = await _call_phase(server, site, kiosk_devices, counters, called_at, seconds, call_interval)
        issue_phase = await _issue_phase(server, site, kiosk_devices, seconds, issue_rate)
    finally:
        await close_all([*counters, *kiosk_devices])
        heard = listeners.stop()
    latencies = [seen[t] - sent for seen in heard["called"] for t, sent in called_at.items() if t in seen]
    call_phase["missed_by_boards"] = sum(1 for seen in heard["called"] for t in called_at if t not in seen)
    return {
        "connected_clients": connected,
        "phones": phone_count,
        "issue_latency_ms": issue_phase.pop("latency_ms"),
        "call_to_board_ms": Latency.of(latencies).__dict__,
        "call_phase": call_phase,
        "issue_phase": issue_phase,
        "listener_events": heard["events"],
        "listener_cpu_seconds": round(heard["cpu_seconds"], 1),
        "server_cpu_percent": max(issue_phase["server_cpu_percent"], call_phase["server_cpu_percent"]),
        "server_peak_rss_mb": round(server.peak_rss_mb(), 1),
    }


class Phase:
    """The server's and this process's CPU, and the server's request times, over a phase."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.metrics = server.metrics()
        self.server_cpu = server.cpu_seconds()
        self.own_cpu = own_cpu_seconds()
        self.started = time.perf_counter()

    def figures(self) -> dict[str, Any]:
        wall = time.perf_counter() - self.started
        after = self.server.metrics()
        return {
            "server_requests_over_10ms": server_share_over(self.metrics, after, "0.01"),
            "seconds": round(wall, 1),
            "server_cpu_percent": round(100 * (self.server.cpu_seconds() - self.server_cpu) / wall, 1),
            "load_generator_cpu_percent": round(100 * (own_cpu_seconds() - self.own_cpu) / wall, 1),
            "server_request_ms_mean": server_mean_ms(self.metrics, self.server.metrics()),
            "server_rss_mb": round(self.server.rss_mb(), 1),
        }


async def _issue_at(
    rate: float, seconds: float, kiosks: list[Device], services: tuple[str, ...]
) -> tuple[list[tuple[float, float]], list[str]]:
    """Issue at a steady ``rate`` (open loop: a slow reply does not slow the next issue);
    returns (when sent, seconds to the reply) of each issue, and the failures."""
    latencies: list[tuple[float, float]] = []
    failures: list[str] = []
    started = time.perf_counter()

    async def one(kiosk: Device, service: str) -> None:
        sent = time.perf_counter()
        try:
            await kiosk.request("ticket.issue", service=service)
        except (RequestFailed, NotConnected, TimeoutError) as exc:
            failures.append(str(exc))
            return
        latencies.append((sent - started, time.perf_counter() - sent))

    tasks, n = [], 0
    while (due := started + n / rate) < started + seconds:
        if (delay := due - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(kiosks[n % len(kiosks)], services[n % len(services)])))
        n += 1
    await asyncio.gather(*tasks)
    return latencies, failures


async def _issue_phase(
    server: ServerProcess, site: BenchSite, kiosks: list[Device], seconds: float, rate: float
) -> dict[str, Any]:
    phase = Phase(server)
    waiting_before = _waiting(await kiosks[0].request("services.list"))
    latencies, failures = await _issue_at(rate, seconds, kiosks, site.service_codes)
    figures = phase.figures()
    quarters = [
        Latency.of([s for at, s in latencies if q * seconds / 4 <= at < (q + 1) * seconds / 4]).p99 for q in range(4)
    ]
    return {
        "latency_ms": Latency.of([s for _, s in latencies]).__dict__,
        "p99_ms_by_quarter": quarters,  # grows with the queue: see docs/performance.md
        "waiting_before": waiting_before,
        "waiting_after": _waiting(await kiosks[0].request("services.list")),
        "rate_asked": rate,
        "rate_done": round(len(latencies) / figures["seconds"], 1),
        "failures": len(failures),
        **figures,
    }


async def _call_phase(
    server: ServerProcess,
    site: BenchSite,
    kiosks: list[Device],
    counters: list[Device],
    called_at: dict[int, float],
    seconds: float,
    call_interval: float,
) -> dict[str, Any]:
    """Fills ``called_at``: ticket id → when its counter sent the call."""
    phase = Phase(server)
    failures: list[str] = []

    async def calling(counter: Device, offset: float) -> None:
        await asyncio.sleep(offset)
        while time.perf_counter() < phase.started + seconds:
            sent = time.perf_counter()
            try:
                ticket = (await counter.request("ticket.call_next"))["ticket"]
                called_at[ticket["id"]] = sent
                await counter.request("ticket.complete")
            except (RequestFailed, NotConnected, TimeoutError) as exc:
                failures.append(str(exc))
            await asyncio.sleep(max(0.0, call_interval - (time.perf_counter() - sent)))

    stagger = call_interval / max(1, len(counters))
    calls_per_second = len(counters) / call_interval
    await asyncio.gather(
        _issue_at(calls_per_second, seconds, kiosks, site.service_codes),
        *(calling(c, i * stagger) for i, c in enumerate(counters)),
    )
    await asyncio.sleep(0.3)  # the last events in flight
    figures = phase.figures()
    return {
        "calls": len(called_at),
        "calls_per_second": round(len(called_at) / figures["seconds"], 1),
        "failures": len(failures),
        **figures,
    }


def _waiting(reply: dict[str, Any]) -> int:
    return sum(s["waiting"] for s in reply["services"])


def server_share_over(before: dict[str, float], after: dict[str, float], bound: str) -> float | None:
    """The share of requests the server itself took longer than ``bound`` seconds over
    (from its /metrics histogram): tells the server's slow requests from the clients'."""
    count = after["motcua_request_seconds_count"] - before["motcua_request_seconds_count"]
    key = f'motcua_request_seconds_bucket{{le="{bound}"}}'
    if not count or key not in after:
        return None
    return round(1 - (after[key] - before.get(key, 0.0)) / count, 4)


def server_mean_ms(before: dict[str, float], after: dict[str, float]) -> float | None:
    """The mean time the server took per request, from its own histogram (/metrics)."""
    count = after["motcua_request_seconds_count"] - before["motcua_request_seconds_count"]
    total = after["motcua_request_seconds_sum"] - before["motcua_request_seconds_sum"]
    return round(1000 * total / count, 2) if count else None


async def durable_throughput(
    server: ServerProcess,
    site: BenchSite,
    *,
    kiosks: int = 32,
    seconds: float = 10.0,
    queue: int = 100,
    processes: int = 2,
) -> dict[str, Any]:
    """Kiosks issuing and every counter calling and completing, each as fast as it can and
    each waiting for its reply (acknowledged = committed to disk), boards listening. The load
    runs in ``processes`` processes of its own (``python -m bench.load``), as the lobby's
    devices are machines of their own: one process for all would make its own event loop the
    bottleneck. Each holds its kiosks back while ``queue`` / ``processes`` of its tickets wait."""
    url = server.url
    boards = [await LeanClient.connect(url, site.board_token(n)) for n in range(1, site.boards + 1)]
    kiosk_tokens = [site.kiosk_token(n % site.kiosks + 1) for n in range(kiosks)]
    counters = [(site.counter_token(n), site.officer(n)) for n in range(1, site.counters + 1)]
    folder = tempfile.TemporaryDirectory(prefix="bench-load-")
    loads = []
    for n in range(processes):
        spec = Path(folder.name) / f"load-{n}.json"
        spec.write_text(
            json.dumps(
                {
                    "kiosks": kiosk_tokens[n::processes],
                    "counters": counters[n::processes],
                    "pin": PIN,
                    "services": site.service_codes,
                    "queue": queue // processes,
                    "seconds": seconds,
                }
            )
        )
        loads.append(
            subprocess.Popen(
                [sys.executable, "-m", "bench.load", url, str(spec)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(Path(folder.name) / f"load-{n}.err").open("w"),
                text=True,
            )
        )
    try:
        for load in loads:
            line = load.stdout.readline() if load.stdout else ""
            if not line.startswith("ready"):
                raise RuntimeError(f"a load process failed to start: {line!r}")
        before = server.metrics()
        cpu_before = server.cpu_seconds()
        for load in loads:
            load.stdin.write("go\n")  # type: ignore[union-attr]
            load.stdin.flush()  # type: ignore[union-attr]
        await asyncio.sleep(seconds)  # the boards go on reading meanwhile
        after = server.metrics()
        server_cpu = server.cpu_seconds() - cpu_before
        outputs = await asyncio.gather(*(asyncio.to_thread(p.communicate, timeout=60) for p in loads))
        if any(not out.strip() for out, _ in outputs):
            errors = "".join(path.read_text() for path in sorted(Path(folder.name).glob("load-*.err")))
            raise RuntimeError(f"a load process failed:\n{errors}")
        results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
        wall = max(r["ended"] for r in results) - min(r["started"] for r in results)
    finally:
        for load in loads:
            if load.poll() is None:
                load.kill()
        folder.cleanup()
    done = {op: sum(r["by_operation"][op] for r in results) for op in results[0]["by_operation"]}
    commits = after["motcua_store_commits_total"] - before["motcua_store_commits_total"]
    batches = after["motcua_store_batches_total"] - before["motcua_store_batches_total"]
    events = after["motcua_event_seq"] - before["motcua_event_seq"]
    acknowledged = sum(done.values())
    result = {
        "kiosks": kiosks,
        "counters": len(counters),
        "boards": len(boards),
        "load_processes": processes,
        "seconds": round(wall, 1),
        "acknowledged": acknowledged,
        "by_operation": done,
        "durable_changes_per_second": round(acknowledged / wall),
        "events_per_second": round(events / wall),
        "commits_per_second": round(commits / wall),
        "batches_per_commit": round(batches / commits, 1) if commits else None,
        "request_ms_p50_by_process": [r["took_ms"]["p50"] for r in results],
        "request_ms_p99_by_process": [r["took_ms"]["p99"] for r in results],
        "server_request_ms_mean": server_mean_ms(before, after),
        "server_cpu_percent": round(100 * server_cpu / wall, 1),
        "load_generator_cpu_percent": round(100 * sum(r["cpu_seconds"] for r in results) / wall, 1),
        "events_received": {"boards": sum(b.events for b in boards), "kiosks_and_counters": sum(r["events"] for r in results)},
    }
    await asyncio.gather(*(b.close() for b in boards))
    return result
