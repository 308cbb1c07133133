"""``python -m bench.notify``: how long from a counter's call to the SMS gateway's request
("mời công dân có số … đến quầy số …"), with 1,000 waiting tickets that left a phone number.

A real server process on the benchmark centre with ``[notifications]`` pointing at a local
stand-in gateway (bench/gateways.py, answering at once); kiosks issue the tickets and leave a
number for each; then counters call and complete at a steady pace while the queue still holds
about a thousand phones. The latency of a call is from the moment its request is sent to the
moment the gateway receives its message (both on this machine's monotonic clock): the
decision, the commit of the event with its outbox row, the delivery thread's pick-up and the
HTTP request. Figures are printed and written to ``bench/results/notify-<date>.json``;
docs/performance.md quotes them.

    python -m bench.notify                      # 1,000 phones, 300 calls
    python -m bench.notify --phones 200 --calls 100
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import re
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.clients import Device, close_all, connect_all
from bench.figures import Latency
from bench.gateways import Gateway
from bench.server import ServerProcess, free_port
from bench.site import PIN, BenchSite

RESULTS = Path(__file__).parent / "results"
SITE = BenchSite(counters=20, boards=0, kiosks=10, site_id="bench-notify")
CALLED = re.compile(r"mời công dân có số (\S+) đến quầy số")


def write_site(path: Path, gateway: Gateway, workers: int) -> Path:
    SITE.write(path)
    extra = f"""
[outbox]
workers = {workers}
timeout_seconds = 5

[notifications]
channel = "sms"
near_people = 3

[notifications.sms]
url = "{gateway.url}/send"
"""
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


async def measure(url: str, gateway: Gateway, phones: int, calls: int, pace: float) -> dict[str, Any]:
    kiosks = [Device(url, token=SITE.kiosk_token(n)) for n in range(1, SITE.kiosks + 1)]
    counters = [Device(url, token=SITE.counter_token(n)) for n in range(1, SITE.counters + 1)]
    await connect_all([*kiosks, *counters])

    async def fill(kiosk: Device, count: int, offset: int) -> None:
        for i in range(count):  # 2 requests a ticket, under a device's 50 a second (docs/protocol.md)
            ticket = (await kiosk.request("ticket.issue", service=SITE.service_codes[i % 4]))["ticket"]
            await kiosk.request("ticket.notify", ticket=ticket["id"], phone=f"09{offset + i:08d}", consent=True)
            await asyncio.sleep(0.05)

    share = phones // len(kiosks) + 1
    await asyncio.gather(*(fill(k, share, n * share) for n, k in enumerate(kiosks)))
    for n, counter in enumerate(counters, start=1):
        await counter.request("officer.sign_in", user=SITE.officer(n), pin=PIN)
        await counter.request("counter.open")
    await asyncio.sleep(1.0)  # the first "near" messages go out before the measurement
    sent: dict[str, float] = {}
    acked: dict[str, float] = {}

    async def work(counter: Device, count: int) -> None:
        for _ in range(count):
            at = time.monotonic()
            ticket = (await counter.request("ticket.call_next"))["ticket"]
            sent[ticket["label"]] = at
            acked[ticket["label"]] = time.monotonic()
            await asyncio.sleep(pace)
            await counter.request("ticket.complete", ticket=ticket["id"])

    each = max(1, calls // len(counters))
    started = time.monotonic()
    await asyncio.gather(*(work(c, each) for c in counters))
    elapsed = time.monotonic() - started
    deadline = time.monotonic() + 30
    arrived: dict[str, float] = {}
    while time.monotonic() < deadline:
        with gateway.lock:
            for received in gateway.requests:
                match = CALLED.search(json.loads(received.body)["text"])
                if match and match[1] in sent:
                    arrived.setdefault(match[1], received.at)
        if len(arrived) >= len(sent):
            break
        await asyncio.sleep(0.05)
    await close_all([*kiosks, *counters])
    latencies = [arrived[label] - sent[label] for label in sent if label in arrived]
    return {
        "phones_waiting_at_start": share * len(kiosks),
        "calls": len(sent),
        "calls_per_second": round(len(sent) / elapsed, 1),
        "messages_missing": len(sent) - len(arrived),
        "call_to_gateway_ms": Latency.of(latencies).__dict__,
        "call_reply_ms": Latency.of([acked[label] - sent[label] for label in sent]).__dict__,
        "reply_to_gateway_ms": Latency.of([arrived[label] - acked[label] for label in sent if label in arrived]).__dict__,
        "gateway_requests": len(gateway.requests),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.notify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=1000, help="waiting tickets with a phone number (default 1000)")
    parser.add_argument("--calls", type=int, default=300, help="calls measured (default 300)")
    parser.add_argument("--pace", type=float, default=0.2, help="seconds a counter serves each call (default 0.2)")
    parser.add_argument("--workers", type=int, default=8, help="the outbox's requests in flight (default 8)")
    args = parser.parse_args(argv)
    gateway = Gateway()
    with tempfile.TemporaryDirectory(prefix="bench-notify-") as tmp:
        folder = Path(tmp)
        server = ServerProcess(write_site(folder / "site.toml", gateway, args.workers), folder / "lobby.db", port=free_port())
        server.start()
        try:
            figures = asyncio.run(measure(server.url, gateway, args.phones, args.calls, args.pace))
        finally:
            server.stop()
            gateway.close()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    result = {"date": dt.date.today().isoformat(), "commit": commit, "workers": args.workers, **figures}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"notify-{result['date']}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    latency = Latency(**figures["call_to_gateway_ms"])
    print(f"call → SMS gateway, {figures['phones_waiting_at_start']} phones waiting: {latency}")
    print(f"  of which the call's reply: {Latency(**figures['call_reply_ms'])}")
    print(f"  reply → gateway: {Latency(**figures['reply_to_gateway_ms'])}")
    print(f"{figures['calls']} calls at {figures['calls_per_second']}/s, {figures['messages_missing']} missing; {path}")
    return 0 if figures["messages_missing"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
