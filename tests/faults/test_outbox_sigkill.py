"""The outbox across SIGKILLs: a server killed again and again while kiosks issue, phones
leave numbers and counters call, with stand-in SMS and webhook servers (local HTTP, slow
and failing now and then) that de-duplicate on the idempotency key and count. At the end
every notification and every event's webhook was accepted, each key once, the webhooks in
seq order; and nothing that was not planned reached them."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from pathlib import Path

from bench.clients import Device, close_all, connect_all
from bench.gateways import Answer, Gateway
from bench.server import ServerProcess, free_port
from bench.site import PIN, BenchSite
from queue_server.protocol.client import NotConnected, RequestFailed

SITE = BenchSite(counters=2, boards=0, kiosks=2, site_id="outbox-kill")
KILLS = 8


def flaky(seed: int):
    rng = random.Random(seed)

    def script(_):  # now and then a 500, always a little slow
        return Answer(500) if rng.random() < 0.1 else Answer(200, delay=rng.uniform(0, 0.01))

    return script


def write_site(path: Path, sms: Gateway, hooks: Gateway) -> Path:
    SITE.write(path)
    extra = f"""
[outbox]
retry_first_seconds = 0.05
retry_max_seconds = 0.5
timeout_seconds = 2
max_attempts = 100

[notifications]
channel = "sms"
near_people = 2

[notifications.sms]
url = "{sms.url}/send"
body = '{{"to": "{{phone}}", "text": "{{text}}", "id": "{{key}}"}}'

[[webhook]]
name = "audit"
url = "{hooks.url}/hook"
secret = "outbox-kill-secret-0123456789"
"""
    path.write_text(path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


class Load:
    def __init__(self, url: str) -> None:
        self.kiosks = [Device(url, token=SITE.kiosk_token(n)) for n in range(1, SITE.kiosks + 1)]
        self.counters = [Device(url, token=SITE.counter_token(n)) for n in range(1, SITE.counters + 1)]
        self.phones: dict[int, str] = {}  # acknowledged: ticket id → number
        self.calls: list[int] = []  # acknowledged calls (ticket ids)
        self.issued = 0
        self.stopping = False
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await connect_all([*self.kiosks, *self.counters])
        self.tasks = [asyncio.create_task(self._issue(k, n)) for n, k in enumerate(self.kiosks)]
        self.tasks += [asyncio.create_task(self._call(c, n)) for n, c in enumerate(self.counters, start=1)]

    async def _issue(self, kiosk: Device, n: int) -> None:
        while not self.stopping:
            try:
                ticket = (await kiosk.request("ticket.issue", service="HT"))["ticket"]
                self.issued += 1
                number = f"09{n}{ticket['id']:07d}"
                await kiosk.request("ticket.notify", ticket=ticket["id"], phone=number, consent=True)
                self.phones[ticket["id"]] = "84" + number[1:]
            except (NotConnected, RequestFailed):
                await asyncio.sleep(0.05)
            await asyncio.sleep(random.uniform(0.005, 0.02))

    async def _call(self, counter: Device, number: int) -> None:
        while not self.stopping:
            try:
                ticket = (await counter.request("ticket.call_next"))["ticket"]
                self.calls.append(ticket["id"])
                await counter.request("ticket.complete", ticket=ticket["id"])
            except NotConnected:
                await asyncio.sleep(0.05)
            except RequestFailed as exc:
                if exc.code == "sign_in_required":
                    try:
                        await counter.request("officer.sign_in", user=SITE.officer(number), pin=PIN)
                        await counter.request("counter.open")
                    except (NotConnected, RequestFailed):
                        pass
                await asyncio.sleep(0.03)

    async def stop(self) -> None:
        self.stopping = True
        await asyncio.gather(*self.tasks)
        await close_all([*self.kiosks, *self.counters])


def _wait_drained(db: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(db) as conn:
            if conn.execute("SELECT count(*) FROM outbox WHERE state != 'sent'").fetchone()[0] == 0:
                return
        time.sleep(0.1)
    raise AssertionError("the outbox did not drain")


def test_every_notification_and_webhook_is_accepted_once_across_sigkills(tmp_path: Path) -> None:
    sms, hooks = Gateway(flaky(1)), Gateway(flaky(2))
    db = tmp_path / "lobby.db"
    server = ServerProcess(write_site(tmp_path / "site.toml", sms, hooks), db, port=free_port())
    server.start()

    async def scenario() -> Load:
        load = Load(server.url)
        await load.start()
        rng = random.Random(7)
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.3, 0.8))
            server.kill()  # while requests, commits and deliveries are in flight
            await asyncio.to_thread(server.start)
        await asyncio.sleep(0.5)
        await load.stop()
        return load

    try:
        load = asyncio.run(scenario())
        _wait_drained(db)
    finally:
        assert server.stop() == 0
        sms.close()
        hooks.close()

    conn = sqlite3.connect(db)
    last_seq = conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    planned = {key for (key,) in conn.execute("SELECT key FROM outbox WHERE channel = 'sms'")}
    assert load.calls and len(load.phones) > KILLS and len(planned) > KILLS
    # every webhook: each event once, in seq order of first acceptance
    accepted = sorted(hooks.accepted.values(), key=lambda r: r.at)
    assert [r.json["seq"] for r in accepted] == list(range(1, last_seq + 1))
    assert [r.key for r in accepted] == [f"outbox-kill:{s}" for s in range(1, last_seq + 1)]
    # every notification planned was accepted, and nothing else
    assert set(sms.accepted) == planned
    # each acknowledged call of a ticket whose number was acknowledged before it was told
    called = {(r.json["to"], r.json["text"]) for r in sms.accepted.values() if "mời công dân" in r.json["text"]}
    labels = dict(conn.execute("SELECT id, label FROM tickets"))
    for ticket in load.calls:
        if ticket in load.phones:
            assert (load.phones[ticket], f"Một Cửa: mời công dân có số {labels[ticket]} đến quầy số 1.") in called or (
                load.phones[ticket], f"Một Cửa: mời công dân có số {labels[ticket]} đến quầy số 2.") in called
    assert conn.execute("SELECT count(*) FROM outbox WHERE phone IS NOT NULL").fetchone()[0] == 0
    print(
        f"\n{KILLS} SIGKILLs: {len(planned)} SMS and {last_seq} webhooks accepted once each;"
        f" repeated on the wire after a crash or failure: SMS {sum(sms.duplicates.values())},"
        f" webhooks {sum(hooks.duplicates.values())}; requests {len(sms.requests)} + {len(hooks.requests)}"
    )
