"""What one connection may cost the server is limited: frame sizes, idle and half-open
connections, unread events, request floods (every role), and PIN guessing across many
connections and addresses. Each test runs a real server and real sockets."""

from __future__ import annotations

import asyncio
import json
import math
import socket
import time
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from queue_server.server.app import Limits
from tests.faults.conftest import serving
from tests.integration.client import Client
from tests.integration.conftest import Clock, run
from tests.integration.sites import PIN, TOKENS
from tests.support.clock import MonotonicClock


async def _hello(url: str, device: str | None = None, **kwargs) -> Client:  # type: ignore[no-untyped-def]
    client = await Client.open(url, **kwargs)
    if device is not None:
        await client.ok("hello", token=TOKENS[device])
    return client


def test_a_frame_over_the_message_limit_is_refused_and_one_over_the_hard_limit_closes(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path) as (hub, url):
            kiosk = await _hello(url, "kiosk")
            over = json.dumps({"id": 1, "op": "services.list", "pad": "x" * 70_000})
            assert (await kiosk.send_raw(over))["error"]["code"] == "message_too_large"
            await kiosk.ok("services.list")
            await kiosk.connection.send("x" * (1 << 20 | 1))
            await asyncio.wait_for(kiosk._reader, 5)  # the reader ends: the server closed
            assert kiosk.connection.close_code == 1009
            other = await _hello(url, "kiosk")
            await other.ok("services.list")  # the server carries on
            await other.close()

    run(scenario())


def test_a_socket_that_never_finishes_the_handshake_is_closed(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path, Limits(open_seconds=0.5)) as (hub, url):
            port = int(url.rsplit(":", 1)[1].strip("/"))
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")  # and never the rest
            started = time.monotonic()
            assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
            assert time.monotonic() - started < 3
            writer.close()

    run(scenario())


def test_a_connection_that_never_says_hello_is_closed(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path, Limits(hello_seconds=0.5)) as (hub, url):
            async with connect(url) as silent:
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(silent.recv(), 5)
                assert silent.close_code == 1008
            board = await _hello(url, "display")
            await asyncio.sleep(1.0)
            await board.ok("services.list")  # one that said hello stays, idle or not
            await board.close()

    run(scenario())


def test_a_half_open_peer_that_stops_answering_pings_is_dropped(db_path) -> None:
    async def scenario() -> None:
        limits = Limits(ping_seconds=0.3, pong_seconds=0.3, close_seconds=0.3)
        async with serving(db_path, limits) as (hub, url):
            board = await _hello(url, "display")
            assert len(hub.sessions) == 1
            board.connection.transport.pause_reading()  # the peer is gone: nothing comes back
            deadline = time.monotonic() + 5
            while hub.sessions and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert not hub.sessions, "the silent peer was let go"
            board.connection.transport.abort()
            board._reader.cancel()

    run(scenario())


def test_a_client_that_leaves_events_unread_is_cut_off_and_catches_up_after(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path, Limits(unread_bytes=64 * 1024, device_rate=1e6, device_burst=1e6)) as (hub, url):
            manager = await _hello(url, "manager")
            small = socket.socket()
            small.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # so the kernel holds little
            small.connect(("127.0.0.1", int(url.rsplit(":", 1)[1].strip("/"))))
            stuck = await _hello(url, "display", sock=small)
            stuck.connection.transport.pause_reading()
            (session,) = [s for s in hub.sessions if s.role.value == "display"]
            # a slow network: the kernel on the server's side holds little of what is unread
            session.connection.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
            text = "Thông báo " * 45  # about 500 characters, sent to every board
            for n in range(2000):
                await manager.ok("announcement.set", text_vi=f"{n} {text}"[:500])
                if hub.metrics.slow_clients:
                    break
            assert hub.metrics.slow_clients == 1
            assert all(s.role.value != "display" for s in hub.sessions)
            seen = hub.lobby.seq
            back = await _hello(url)
            reply = await back.ok("hello", token=TOKENS["display"], since=seen - 5)
            assert [e["seq"] for e in reply["events"]] == list(range(seen - 4, seen + 1))
            await back.close()
            await manager.close()

    run(scenario())


@pytest.mark.parametrize("device", ["kiosk", "display", "counter-1", "manager", None])
def test_a_flood_from_one_connection_of_any_role_is_slowed_down_and_others_go_on(db_path, device) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        clock = MonotonicClock()  # stands still unless moved: the budget is exactly the burst
        async with serving(db_path, clock=clock) as (hub, url):
            flooder = await Client.open(url)
            if device is not None:
                await flooder.ok("hello", token=TOKENS[device])
            else:
                await flooder.ok("hello")
            limits = Limits()
            burst, rate = (limits.device_burst, limits.device_rate) if device else (limits.public_burst, limits.public_rate)
            for n in range(int(burst) + 50):
                await flooder.connection.send(json.dumps({"id": n + 10, "op": "services.list"}))
            replies = [await asyncio.wait_for(flooder._unmatched.get(), 5) for _ in range(int(burst) + 50)]
            assert all(r["ok"] for r in replies[: int(burst)])
            limited = replies[int(burst) :]
            assert {r["error"]["code"] for r in limited} == {"rate_limited"}
            retry_after = math.ceil(10 / rate) / 10  # one request's worth of time, rounded up to 0.1 s
            assert {r["error"]["details"]["retry_after"] for r in limited} == {retry_after}
            assert [r["re"] for r in limited] == list(range(int(burst) + 10, int(burst) + 60))
            other = await _hello(url, "kiosk")
            assert all([(await other.call("services.list"))["ok"] for _ in range(20)])
            await flooder.error("services.list", "rate_limited")  # no time has passed
            clock.advance(retry_after)
            await flooder.ok("services.list")
            assert hub.metrics.rate_limited == len(limited) + 1
            await flooder.close()
            await other.close()

    run(scenario())


def test_guessing_tokens_by_reconnecting_is_slowed_down_for_that_address(db_path) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        clock = MonotonicClock()
        limits = Limits()
        async with serving(db_path, clock=clock) as (_hub, url):
            for n in range(int(limits.failed_hello_burst)):
                guesser = await Client.open(url, local_addr=("127.0.0.11", 0))  # a new connection each time
                guess = {"token": f"guessed-token-{n:04d}"} if n % 2 else {"ticket": f"2345678{n:03d}"}
                await guesser.error("hello", "bad_token", **guess)
                await guesser.close()
            guesser = await Client.open(url, local_addr=("127.0.0.11", 0))
            refused = await guesser.error("hello", "rate_limited", token=TOKENS["kiosk"])  # not even tried
            assert refused["details"]["retry_after"] == 1 / limits.failed_hello_rate
            await guesser.error("hello", "rate_limited", ticket="23456789AB")
            elsewhere = await Client.open(url, local_addr=("127.0.0.12", 0))
            await elsewhere.ok("hello", token=TOKENS["kiosk"])  # another address is not held back
            clock.advance(1 / limits.failed_hello_rate)
            await guesser.ok("hello", token=TOKENS["kiosk"])
            await guesser.close()
            await elsewhere.close()

    run(scenario())


def _addresses(count: int) -> list[str]:
    """Loopback source addresses (127.0.0.0/8 all reach 127.0.0.1 on Linux)."""
    return [f"127.0.0.{n}" for n in range(2, 2 + count)]


def test_guessing_one_officers_pin_from_many_addresses_locks_that_officer(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path) as (hub, url):
            attempts = hub.config.settings.pin_attempts
            codes = []
            for address in _addresses(3 * attempts):
                guesser = await Client.open(url, local_addr=(address, 0))
                await guesser.ok("hello", token=TOKENS["counter-1"])
                reply = await guesser.call("officer.sign_in", user="lan", pin="0000")
                codes.append(reply["error"]["code"])
                await guesser.close()
            assert codes[:attempts] == ["bad_pin"] * attempts
            assert set(codes[attempts:]) == {"pin_locked"}
            owner = await Client.open(url, local_addr=("127.0.0.200", 0))
            await owner.ok("hello", token=TOKENS["counter-1"])
            locked = await owner.error("officer.sign_in", "pin_locked", user="lan", pin=PIN)
            assert 0 < locked["details"]["retry_after"] <= hub.config.settings.pin_lockout_seconds + 1
            await owner.ok("officer.sign_in", user="minh", pin=PIN)  # another officer is not locked out
            await owner.close()

    run(scenario())


def test_spraying_many_officers_from_one_address_locks_that_address(db_path) -> None:
    async def scenario() -> None:
        async with serving(db_path) as (hub, url):
            attempts = hub.config.settings.pin_attempts
            users = ["lan", "minh", "hoa", "nobody", "admin", "root", "test", "x"]
            codes = []
            for n in range(3 * attempts):
                guesser = await Client.open(url, local_addr=("127.0.0.9", 0))  # a new connection each time
                await guesser.ok("hello", token=TOKENS["counter-2"])
                reply = await guesser.call("officer.sign_in", user=users[n % len(users)], pin="9999")
                codes.append(reply["error"]["code"])
                await guesser.close()
            assert codes[:attempts] == ["bad_pin"] * attempts
            assert set(codes[attempts:]) == {"pin_locked"}
            same = await Client.open(url, local_addr=("127.0.0.9", 0))
            await same.ok("hello", token=TOKENS["counter-2"])
            await same.error("officer.sign_in", "pin_locked", user="hoa", pin=PIN)
            elsewhere = await Client.open(url, local_addr=("127.0.0.10", 0))
            await elsewhere.ok("hello", token=TOKENS["counter-3"])
            await elsewhere.ok("officer.sign_in", user="hoa", pin=PIN)  # hoa was guessed at, but from one address only
            await same.close()
            await elsewhere.close()

    run(scenario())


def test_sign_ins_in_flight_at_once_check_no_more_pins_than_the_lock_allows(db_path) -> None:
    """Sixty wrong PINs for one officer from sixty addresses at once, then the right one while
    they are still being checked: only ``pin_attempts`` PINs are checked at all, and the right
    one is refused with the rest."""

    async def scenario() -> None:
        async with serving(db_path) as (hub, url):
            attempts = hub.config.settings.pin_attempts
            guessers = [await _hello(url, "counter-1", local_addr=(address, 0)) for address in _addresses(60)]
            owner = await _hello(url, "counter-1", local_addr=("127.0.0.200", 0))
            refused = asyncio.Event()

            async def guess(guesser: Client) -> str:
                code: str = (await guesser.call("officer.sign_in", user="lan", pin="0000"))["error"]["code"]
                if code == "pin_locked":
                    refused.set()
                return code

            wave = asyncio.gather(*(guess(guesser) for guesser in guessers))
            lock = asyncio.ensure_future(refused.wait())
            await asyncio.wait([wave, lock], return_when=asyncio.FIRST_COMPLETED)  # the lock holds, or all were checked
            right = await owner.call("officer.sign_in", user="lan", pin=PIN)
            codes = await wave
            lock.cancel()
            assert codes.count("bad_pin") == attempts and codes.count("pin_locked") == len(guessers) - attempts
            assert right["error"]["code"] == "pin_locked"
            assert _metric(await _get(url, "/metrics"), "motcua_pin_checks_total") == attempts
            for client in (*guessers, owner):
                await client.close()

    run(scenario())


def test_an_officer_guessed_at_for_two_hundred_rounds_is_locked_for_the_longest_each_round(db_path) -> None:
    """Each lockout doubles up to an hour and stays there: the 46th wrong PIN and the 200th
    lock as the 11th did (no overflow, no internal_error), and the right PIN is refused."""

    async def scenario() -> None:
        clock = Clock()
        async with serving(db_path, hub_clock=clock) as (hub, url):
            settings = hub.config.settings
            lockout, seconds = settings.pin_lockout_seconds, []
            for n in range(200):
                if n % 25 == 0:  # a fresh connection now and then: its own budget of requests
                    counter = await _hello(url, "counter-1")
                await counter.error("officer.sign_in", "bad_pin", user="lan", pin="0000")
                if n + 1 >= settings.pin_attempts:
                    locked = await counter.error("officer.sign_in", "pin_locked", user="lan", pin=PIN)
                    seconds.append(locked["details"]["retry_after"])
                    clock.advance(seconds=seconds[-1])
            assert seconds[:3] == [lockout + 1, 2 * lockout + 1, 4 * lockout + 1]
            assert set(seconds[-150:]) == {3600 + 1}
            await counter.close()

    run(scenario())


def test_each_ipv6_network_and_each_ipv4_address_is_its_own_address_for_pins(db_path) -> None:
    """On a dual-stack socket: wrong PINs for many officers from ::1 lock its /64, not every
    IPv6 peer, nor IPv4 ones (which arrive as ::ffff:a.b.c.d)."""

    async def scenario() -> None:
        listening = socket.socket(socket.AF_INET6)
        listening.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        listening.bind(("::", 0))
        async with serving(db_path, sock=listening) as (hub, url):
            port = listening.getsockname()[1]
            guesser = await _hello(f"ws://[::1]:{port}/", "counter-2")
            for n in range(hub.config.settings.pin_attempts):
                await guesser.error("officer.sign_in", "bad_pin", user=f"nobody{n}", pin="9999")
            await guesser.error("officer.sign_in", "pin_locked", user="hoa", pin=PIN)
            elsewhere = await _hello(f"ws://127.0.0.1:{port}/", "counter-3", local_addr=("127.0.0.10", 0))
            await elsewhere.ok("officer.sign_in", user="hoa", pin=PIN)
            await guesser.close()
            await elsewhere.close()

    run(scenario())


async def _get(url: str, path: str) -> str:
    """The body of GET ``path`` on the server of ``url`` (ws://host:port/)."""
    http = url.replace("ws://", "http://").rstrip("/") + path

    def fetch() -> str:
        with urllib.request.urlopen(http, timeout=5) as response:
            return str(response.read().decode())

    return await asyncio.to_thread(fetch)


def _metric(text: str, name: str) -> float:
    return next(float(line.split()[-1]) for line in text.splitlines() if line.split(" ")[0] == name)


def test_the_loopback_range_reaches_the_server_from_other_addresses() -> None:
    """The PIN tests rely on 127.0.0.x source addresses; make sure the kernel allows them."""
    with socket.socket() as server, socket.socket() as client:
        server.bind(("127.0.0.1", 0))
        server.listen()
        client.bind(("127.0.0.77", 0))
        client.connect(server.getsockname())
        peer, address = server.accept()
        peer.close()
        assert address[0] == "127.0.0.77"
