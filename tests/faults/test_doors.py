"""The public doors have a budget per address that reconnecting does not reset, and one for
all addresses together: numbers from phones, bookings, look-ups of a code, a phone number
given to tickets (by any path), open connections. Real server, real sockets; the budgets'
time is a controlled monotonic clock."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import itertools
import sqlite3

import pytest
from websockets.exceptions import InvalidStatus

from bench.gateways import Gateway
from queue_server.config.settings_outreach import PhoneQueueSettings
from queue_server.server.app import Limits
from tests.faults.conftest import serving
from tests.integration.client import Client
from tests.integration.conftest import run
from tests.integration.sites import TOKENS
from tests.outreach.test_notifications import sms_site
from tests.outreach.test_phone_queue import phone_site
from tests.support.clock import MonotonicClock

_devices = (f"browser-{n:012d}" for n in itertools.count())


async def _public(url: str, address: str, **hello: str) -> Client:
    client = await Client.open(url, local_addr=(address, 0))  # a new connection each time
    await client.ok("hello", **hello)
    return client


async def _take(url: str, address: str, **more: object) -> dict:
    client = await _public(url, address)
    try:
        return await client.call("remote.take", service="HT", device=next(_devices), **more)
    finally:
        await client.close()


def test_numbers_taken_from_phones_by_reconnecting_stop_at_the_address_budget_and_the_hour_cap(db_path) -> None:
    async def scenario() -> None:
        clock = MonotonicClock()
        limits = Limits(takes_per_address=4, takes_an_hour=7)
        async with serving(db_path, limits, phone_site(), clock) as (hub, url):
            for _ in range(limits.takes_per_address):
                assert (await _take(url, "127.0.0.21"))["ok"]
            refused = (await _take(url, "127.0.0.21"))["error"]
            assert refused["code"] == "rate_limited" and "lấy số tại ki-ốt" in refused["message"]
            assert refused["details"]["retry_after"] == pytest.approx(86_400 / limits.takes_per_address, abs=1)
            for _ in range(3):  # another address goes on, up to the cap of all addresses
                assert (await _take(url, "127.0.0.22"))["ok"]
            full = (await _take(url, "127.0.0.23"))["error"]
            assert full["code"] == "rate_limited"
            assert full["details"]["retry_after"] == pytest.approx(3600 / limits.takes_an_hour, abs=0.2)
            assert hub.metrics.door_refused["take"] == 2
            clock.advance(full["details"]["retry_after"])
            again = await _take(url, "127.0.0.23")
            assert again["ok"], again
            tickets = sqlite3.connect(db_path).execute("SELECT count(*) FROM remote_tickets").fetchone()[0]
            assert tickets == 8

    run(scenario())


def test_bookings_by_reconnecting_stop_at_the_address_budget(db_path) -> None:
    async def scenario() -> None:
        limits = Limits(bookings_per_address=3)
        async with serving(db_path, limits, clock=MonotonicClock()) as (hub, url):
            day = (hub.now().date() + dt.timedelta(days=1)).isoformat()
            looker = await _public(url, "127.0.0.31")
            slots = (await looker.ok("appointment.slots", service="HT", day=day))["slots"]
            places = [s["start"] for s in slots for _ in range(s["free"])]
            await looker.close()
            codes = []
            for start in places[:5]:
                booker = await _public(url, "127.0.0.31")
                codes.append((await booker.call("appointment.book", service="HT", slot_start=start))["ok"])
                await booker.close()
            assert codes == [True, True, True, False, False]
            elsewhere = await _public(url, "127.0.0.32")
            refused = await elsewhere.call("appointment.book", service="HT", slot_start="soon")  # refused: not counted
            assert refused["error"]["code"] == "bad_field"
            for start in places[3:6]:
                await elsewhere.ok("appointment.book", service="HT", slot_start=start)
            await elsewhere.error("appointment.book", "rate_limited", service="HT", slot_start=places[6])
            await elsewhere.close()

    run(scenario())


def test_guessing_booking_codes_by_reconnecting_is_slowed_down_for_that_address(db_path) -> None:
    async def scenario() -> None:
        clock = MonotonicClock()
        limits = Limits()
        async with serving(db_path, limits, clock=clock) as (hub, url):
            day = (hub.now().date() + dt.timedelta(days=1)).isoformat()
            kiosk = await Client.open(url)
            await kiosk.ok("hello", token=TOKENS["kiosk"])
            start = (await kiosk.ok("appointment.slots", service="HT", day=day))["slots"][0]["start"]
            real = (await kiosk.ok("appointment.book", service="HT", slot_start=start))["appointment"]["code"]
            for n in range(int(limits.failed_lookup_burst)):
                guesser = await _public(url, "127.0.0.41")
                await guesser.error("appointment.get", "booking_unknown", booking=f"ZZZZ{n:04d}")
                await guesser.close()
            guesser = await _public(url, "127.0.0.41")
            refused = await guesser.error("appointment.get", "rate_limited", booking=real)  # not even looked up
            assert refused["details"]["retry_after"] == 1 / limits.failed_lookup_rate
            await guesser.error("appointment.cancel", "rate_limited", booking=real)
            elsewhere = await _public(url, "127.0.0.42")
            await elsewhere.ok("appointment.get", booking=real)
            await kiosk.ok("appointment.get", booking=real)  # a device is not held back
            clock.advance(1 / limits.failed_lookup_rate)
            await guesser.ok("appointment.get", booking=real)
            assert hub.metrics.door_refused["lookup"] == 2
            for client in (guesser, elsewhere, kiosk):
                await client.close()

    run(scenario())


def test_a_phone_number_is_given_to_per_phone_per_day_tickets_by_any_path(db_path) -> None:
    gateway = Gateway()
    victim, other = "0912345678", "0987654321"

    async def scenario() -> None:
        queue = PhoneQueueSettings(per_device_per_day=5, per_phone_per_day=1)
        config = sms_site(gateway, near=50)  # every ticket is near: a number left is told at once
        config = dataclasses.replace(config, outreach=dataclasses.replace(config.outreach, phone_queue=queue))
        async with serving(db_path, config=config) as (_hub, url):
            kiosk = await Client.open(url)
            await kiosk.ok("hello", token=TOKENS["kiosk"])
            tickets = [(await kiosk.ok("ticket.issue", service="HT"))["ticket"] for _ in range(4)]
            first = await _public(url, "127.0.0.51", ticket=tickets[0]["code"])
            await first.ok("ticket.notify", phone=victim, consent=True)
            await first.ok("ticket.notify", phone=victim, consent=True)  # the same ticket again: still one
            second = await _public(url, "127.0.0.52", ticket=tickets[1]["code"])
            refused = await second.error("ticket.notify", "remote_limit", phone="+84 912 345 678", consent=True)
            assert "1 số hôm nay" in refused["message"]
            await kiosk.error("ticket.notify", "remote_limit", ticket=tickets[2]["id"], phone=victim, consent=True)
            taken = await _take(url, "127.0.0.53", phone=victim, consent=True)
            assert taken["error"]["code"] == "remote_limit"
            await kiosk.ok("ticket.notify", ticket=tickets[3]["id"], phone=other, consent=True)
            made = sqlite3.connect(db_path).execute("SELECT ticket FROM outbox ORDER BY id").fetchall()
            assert made == [(tickets[0]["id"],), (tickets[3]["id"],)]
            sent = await asyncio.to_thread(gateway.wait_accepted, 2)
            assert sorted(r.path for r in sent) == [f"/send?to={victim}", f"/send?to={other}"]
            for client in (kiosk, first, second):
                await client.close()

    try:
        run(scenario())
    finally:
        gateway.close()


def test_connections_past_the_cap_of_one_address_are_refused_at_the_handshake(db_path) -> None:
    async def scenario() -> None:
        limits = Limits(connections_per_address=5)
        async with serving(db_path, limits) as (hub, url):
            held = [await Client.open(url, local_addr=("127.0.0.61", 0)) for _ in range(limits.connections_per_address)]
            with pytest.raises(InvalidStatus) as refused:
                await Client.open(url, local_addr=("127.0.0.61", 0))
            assert refused.value.response.status_code == 503
            elsewhere = await _public(url, "127.0.0.62")  # another address is not held back
            await held[0].ok("hello")  # nor the ones already open
            assert hub.metrics.connections_refused == 1
            for client in (*held, elsewhere):
                await client.close()

    run(scenario())
