"""The province server holds what the sites' request loop guarantees, over real connections
to a real server on a real PostgreSQL: hello first within its deadline, a budget of requests
per connection, failed hellos budgeted per address, ids unique on a connection, and every
failure its own error code."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from province.database import Database
from province.server import Province, start
from queue_server.protocol.loop import DEFAULT_LIMITS, Limits
from tests.integration.client import Client
from tests.support.clock import MonotonicClock

DIRECTOR = "province-director-token"


def serve(config, scenario: Callable[[str], Awaitable[Any]], limits: Limits = DEFAULT_LIMITS, clock=None) -> Any:  # type: ignore[no-untyped-def]
    async def main() -> Any:
        server = await start(Province(config, Database(config.dsn)), "127.0.0.1", 0, limits, clock or MonotonicClock())
        port = server.sockets[0].getsockname()[1]
        try:
            return await scenario(f"ws://127.0.0.1:{port}/")
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


def test_a_connection_that_never_says_hello_is_closed_and_one_that_did_stays(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str) -> None:
        director = await Client.open(url)
        await director.ok("hello", token=DIRECTOR)
        async with connect(url) as silent:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(silent.recv(), 5)
            assert silent.close_code == 1008
        assert len((await director.ok("province.live"))["sites"]) == 2  # past the deadline, still served
        await director.close()

    serve(config, scenario, Limits(hello_seconds=0.5))


def test_a_flood_from_one_connection_is_answered_rate_limited_until_its_time_comes(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    clock = MonotonicClock()  # stands still unless moved
    limits = Limits(device_burst=20)

    async def scenario(url: str) -> None:
        stranger = await Client.open(url)  # before hello: a stranger's budget
        for n in range(int(limits.public_burst) + 5):
            await stranger.connection.send(json.dumps({"id": n, "op": "province.live"}))
        codes = [(await asyncio.wait_for(stranger._unmatched.get(), 5))["error"]["code"] for _ in range(int(limits.public_burst) + 5)]
        assert codes == ["hello_first"] * int(limits.public_burst) + ["rate_limited"] * 5
        director = await Client.open(url)
        await director.ok("hello", token=DIRECTOR)  # a manager's budget from here
        replies = [await director.call("province.live") for _ in range(int(limits.device_burst) + 3)]
        assert [r["ok"] for r in replies] == [True] * int(limits.device_burst) + [False] * 3
        refused = replies[-1]["error"]
        assert refused["code"] == "rate_limited" and refused["details"]["retry_after"] == 0.1
        clock.advance(refused["details"]["retry_after"])
        await director.ok("province.live")
        await stranger.close()
        await director.close()

    serve(config, scenario, limits, clock)


def test_guessing_a_managers_token_by_reconnecting_is_slowed_down_for_that_address(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    clock = MonotonicClock()
    limits = Limits()

    async def scenario(url: str) -> None:
        for n in range(int(limits.failed_hello_burst)):
            guesser = await Client.open(url, local_addr=("127.0.0.21", 0))
            await guesser.error("hello", "bad_token", token=f"province-guess-{n:04d}-Đà")  # not ASCII either
            await guesser.close()
        guesser = await Client.open(url, local_addr=("127.0.0.21", 0))
        refused = await guesser.error("hello", "rate_limited", token=DIRECTOR)  # not even tried
        assert refused["details"]["retry_after"] == 1 / limits.failed_hello_rate
        elsewhere = await Client.open(url, local_addr=("127.0.0.22", 0))
        await elsewhere.ok("hello", token=DIRECTOR)
        clock.advance(refused["details"]["retry_after"])
        await guesser.ok("hello", token=DIRECTOR)
        await guesser.close()
        await elsewhere.close()

    serve(config, scenario, limits, clock)


def test_ids_are_unique_on_a_connection_and_a_large_message_is_refused_not_cut(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str) -> None:
        client = await Client.open(url)
        assert (await client.send_raw(json.dumps({"id": "a", "op": "hello", "token": DIRECTOR})))["ok"]
        again = await client.send_raw(json.dumps({"id": "a", "op": "province.live"}))
        assert (again["re"], again["error"]["code"]) == ("a", "duplicate_id")
        large = await client.send_raw(json.dumps({"id": "b", "op": "province.live", "pad": "x" * 70_000}))
        assert (large["re"], large["error"]["code"]) == (None, "message_too_large")
        assert (await client.send_raw(json.dumps({"id": "c", "op": "province.live"})))["ok"], "the connection goes on"
        await client.close()

    serve(config, scenario)


def test_province_site_asked_for_no_site_or_many_answers_bad_field(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str) -> None:
        client = await Client.open(url)
        await client.ok("hello", token=DIRECTOR)
        for site in ("", "   ", "xa-an-binh,phuong-1", ",", "xa-an-binh,"):
            refused = await client.error("province.site", "bad_field", site=site)
            assert refused["details"] == {"field": "site"}, site
        assert (await client.ok("province.site", site="xa-an-binh"))["site"]["name"] == "UBND xã An Bình"
        await client.close()

    serve(config, scenario)


def test_a_page_of_another_origin_is_refused_and_the_provinces_own_pages_are_served(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    config = dataclasses.replace(config, origins=("https://tructuyen.tayninh.gov.vn",))

    async def scenario(url: str) -> None:
        port = int(url.rsplit(":", 1)[1].strip("/"))
        for origin in ("http://evil.example", "null", f"http://127.0.0.2:{port}", "https://tructuyen.tayninh.gov.vn.evil.example"):
            page = await Client.open(url, origin=origin)
            refused = await page.call("hello", token=DIRECTOR)
            assert refused["error"]["code"] == "bad_origin", (origin, refused)
            assert "error" in await page.call("province.live")  # nothing read without hello
            await page.close()
        for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}", "https://tructuyen.tayninh.gov.vn", None):
            page = await Client.open(url, **({"origin": origin} if origin else {}))
            await page.ok("hello", token=DIRECTOR)
            assert len((await page.ok("province.live"))["sites"]) == 2
            await page.close()

    serve(config, scenario)


def test_the_province_files_origins_are_origins() -> None:
    from province.config import ConfigError, parse_province

    text = '[province]\nname = "T"\ndsn = "postgresql://x"\norigins = ["ftp://x", "https://ok.example"]\n' \
        '[[manager]]\nuser = "a"\nname = "A"\ntoken = "aaaaaaaaaaaaaaaa"\nsites = ["*"]\n'
    with pytest.raises(ConfigError, match=r"province\.origins\[1\]: must be an origin"):
        parse_province(text)
    assert parse_province(text.replace('"ftp://x", ', "")).origins == ("https://ok.example",)
