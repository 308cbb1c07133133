"""A queue of any length: with 20,000 tickets waiting, a counter and a manager connect (their
``hello`` carries the first waiting tickets of each field and the counts, well under the 1 MiB
a client may leave unread), the officer works, and the rest of the list is read page by page
(``queue.waiting``)."""

from __future__ import annotations

import asyncio
import dataclasses
import json

from queue_server.config.settings import RateLimit, Role
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import PIN, site_config

WAITING = 20_000


def _long_queue_site():  # type: ignore[no-untyped-def]
    config = site_config()
    services = tuple(dataclasses.replace(s, number_width=5) if s.code == "HT" else s for s in config.site.services)
    return dataclasses.replace(
        config,
        site=dataclasses.replace(config.site, services=services),
        limits={Role.KIOSK: RateLimit(rate=10_000, burst=WAITING)},  # the kiosk fills the queue at once
    )


def test_twenty_thousand_waiting_tickets_and_a_counter_connects_and_works(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, _long_queue_site(), clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            for start in range(0, WAITING, 250):  # 250 at a time: the last reply of a batch waits for
                # the whole batch, which on a loaded shared machine must stay within the call's timeout
                replies = await asyncio.gather(*(kiosk.call("ticket.issue", service="HT") for _ in range(250)))
                assert all(r["ok"] for r in replies), start
            kiosk.drain()

            counter = await lobby.client("counter-1")  # a frame over 1 MiB would close this client (1009)
            hello = counter.hello  # type: ignore[attr-defined]
            assert len(json.dumps(hello).encode()) < 64 * 1024
            snapshot = hello["snapshot"]
            assert [r["label"] for r in snapshot["waiting"]] == [f"A{n:05d}" for n in range(1, 101)]
            assert next(s for s in snapshot["services"] if s["code"] == "HT")["waiting"] == WAITING

            await counter.ok("officer.sign_in", user="lan", pin=PIN)
            await counter.ok("counter.open")
            status = await counter.ok("counter.status")
            assert len(status["waiting"]) == 200 and status["waiting_count"] == WAITING
            called = await counter.ok("ticket.call_next")
            assert called["ticket"]["label"] == "A00001"
            await counter.ok("ticket.complete", ticket=called["ticket"]["id"])
            last = await counter.ok("queue.waiting", offset=WAITING - 11, limit=100)
            assert last["total"] == WAITING - 1
            assert [r["label"] for r in last["waiting"]] == [f"A{n:05d}" for n in range(WAITING - 9, WAITING + 1)]
            far = await counter.ok("queue.waiting", label="a15000")
            assert [r["label"] for r in far["waiting"]] == ["A15000"] and far["waiting"][0]["position"] == 14_998
            called = await counter.ok("ticket.call", ticket=far["waiting"][0]["ticket"])  # a number far down the list
            assert called["ticket"]["label"] == "A15000"

            manager = await lobby.client("manager")
            assert len(manager.hello["snapshot"]["waiting"]) == 100  # type: ignore[attr-defined]
            page = await manager.ok("queue.waiting", service="HT", offset=100, limit=500)
            assert page["total"] == WAITING - 2 and len(page["waiting"]) == 500
            await manager.error("queue.waiting", "bad_field", service="XX")
            await manager.error("queue.waiting", "bad_field", limit=501)

    run(scenario())
