"""Sites shipping their logs to a real PostgreSQL while it crashes, stops and comes back:
afterwards the central events are exactly the union of the sites' logs."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import psycopg

from province.cluster import Cluster
from queue_server.shipping.shipper import Shipper, wait_caught_up
from tests.integration.conftest import running_lobby
from tests.shipping.sites import central_log, central_tickets, named_site, quick, site_log, site_tickets

SITES = ("xa-an-binh", "xa-phuoc-dong", "huyen-go-dau")


async def busy_day(lobby, tickets: int) -> None:  # type: ignore[no-untyped-def]
    """Kiosk issues, counters call and complete: every kind of everyday event."""
    kiosk = await lobby.client("kiosk")
    officer = await lobby.officer("counter-2", user="minh")
    for n in range(tickets):
        await kiosk.ok("ticket.issue", service="HT" if n % 2 else "DD")
        if n % 3 == 0:
            called = await officer.ok("ticket.call_next")
            await officer.ok("ticket.complete", ticket=called["ticket"]["id"])
        await asyncio.sleep(0.005)


def test_three_sites_ship_through_a_crash_and_a_cut_link(tmp_path: Path, pg_cluster: Cluster, central_dsn: str) -> None:
    shippers = {site: Shipper(tmp_path / f"{site}.db", site, quick(central_dsn)) for site in SITES}

    def faults() -> None:
        time.sleep(1.0)
        pg_cluster.stop("immediate")  # the central side crashes mid-stream
        time.sleep(1.0)
        pg_cluster.start()
        time.sleep(1.0)
        pg_cluster.stop("fast")  # the link is cut for a while
        time.sleep(2.0)
        pg_cluster.start()

    async def scenario() -> None:
        lobbies = [running_lobby(tmp_path / f"{site}.db", named_site(site)) for site in SITES]
        opened = [await lobby.__aenter__() for lobby in lobbies]
        for shipper in shippers.values():
            shipper.start()
        breaker = threading.Thread(target=faults)
        breaker.start()
        try:
            await asyncio.gather(*(busy_day(lobby, 120) for lobby in opened))
            while breaker.is_alive():
                await asyncio.sleep(0.1)
        finally:
            for lobby in lobbies:
                await lobby.__aexit__(None, None, None)

    try:
        asyncio.run(scenario())
        for site, shipper in shippers.items():
            assert wait_caught_up(shipper, 30), f"{site} did not catch up: {shipper.status.last_error}"
    finally:
        for shipper in shippers.values():
            shipper.stop()
    for site, shipper in shippers.items():
        expected = site_log(tmp_path / f"{site}.db")
        assert len(expected) > 200
        assert central_log(central_dsn, site) == expected, site
        assert central_tickets(central_dsn, site) == site_tickets(tmp_path / f"{site}.db"), site
        assert shipper.status.failures > 0, "the faults were seen"


def test_nothing_personal_leaves_the_site_unless_allowed(tmp_path: Path, central_dsn: str) -> None:
    async def book_and_issue(db: Path, site: str) -> tuple[str, str]:
        async with running_lobby(db, named_site(site)) as lobby:
            phone = await lobby.client()
            await phone.ok("hello")
            slots = (await phone.ok("appointment.slots", service="HT", day=time.strftime("%Y-%m-%d")))["slots"]
            free = [s for s in slots if s["free"]]
            if not free:  # late in the day: tomorrow's first slot
                tomorrow = time.strftime("%Y-%m-%d", time.localtime(time.time() + 86400))
                free = (await phone.ok("appointment.slots", service="HT", day=tomorrow))["slots"]
            booked = await phone.ok(
                "appointment.book", service="HT", slot_start=free[-1]["start"], name="Nguyễn Văn An", phone="0912345678"
            )
            kiosk = await lobby.client("kiosk")
            ticket = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
            return booked["appointment"]["code"], ticket["code"]

    secrets = {}
    for site, allowed in (("xa-kin", False), ("xa-mo", True)):
        db = tmp_path / f"{site}.db"
        secrets[site] = asyncio.run(book_and_issue(db, site))
        shipper = Shipper(db, site, quick(central_dsn, personal_data=allowed))
        shipper.start()
        try:
            assert wait_caught_up(shipper, 20)
        finally:
            shipper.stop()
        assert central_log(central_dsn, site) == site_log(db, personal_data=allowed)
        assert central_tickets(central_dsn, site) == site_tickets(db, personal_data=allowed)

    with psycopg.connect(central_dsn) as conn:
        closed = conn.execute(
            "SELECT data::text FROM events WHERE site = 'xa-kin' UNION ALL"
            " SELECT row_to_json(t)::text FROM tickets t WHERE site = 'xa-kin'"
        ).fetchall()
        opened = conn.execute(
            "SELECT data::text FROM events WHERE site = 'xa-mo' UNION ALL"
            " SELECT row_to_json(t)::text FROM tickets t WHERE site = 'xa-mo'"
        ).fetchall()
    closed_text, opened_text = " ".join(r[0] for r in closed), " ".join(r[0] for r in opened)
    for secret in secrets["xa-kin"]:
        assert secret not in closed_text
    for secret in secrets["xa-mo"]:
        assert secret in opened_text
    for personal in ("0912345678", "Nguyễn Văn An"):
        assert personal not in closed_text and personal not in opened_text, "contacts never enter the log"
