"""The public HTTP doors of a site's server (issue 19, items 3, 7 and 12): what strangers'
requests may cost. Real servers on port 0 (in this process, or a ``motcua-server`` child),
real HTTP and websocket clients on 127.0.0.1 (from several loopback addresses, each a
stranger of its own), and a local stand-in for the one-stop system."""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import datetime as dt
import http.client
import http.server
import json
import statistics
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from websockets.sync.client import ClientConnection, connect

from queue_server.bootstrap import build_hub
from queue_server.config.settings import DossierLookupSettings
from queue_server.core.dossiers.access import DossierKey
from queue_server.dossiers.http_source import HttpDossierSource, LookupBusy
from queue_server.server.app import start
from queue_server.server.http_budget import DEFAULT_HTTP_LIMITS, HttpLimits
from queue_server.server.hub import Hub
from queue_server.store.citizen_key import key_beside
from queue_server.web.qr import qr_svg
from tests.integration.client import Client
from tests.integration.conftest import run
from tests.integration.sites import site_config
from tests.support.clock import MonotonicClock
from tests.support.demo import DEMO_TOKENS, OFFICERS, demo_site
from tests.support.servers import ServerProcess

Answer = tuple[int, dict[str, str], bytes]


def ask(port: int, path: str, method: str = "GET", source: str = "127.0.0.1") -> Answer:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


@contextlib.asynccontextmanager
async def serving(db: Path, clock: MonotonicClock, http_limits: HttpLimits = DEFAULT_HTTP_LIMITS) -> AsyncIterator[tuple[Hub, int]]:
    hub = build_hub(site_config(), db)
    server, ticker = await start(hub, "127.0.0.1", 0, tick_seconds=3600, clock=clock, http_limits=http_limits)
    await asyncio.wait_for(hub.housekeeping.round_done.wait(), 30)  # the start's tick and purge written
    try:
        yield hub, server.sockets[0].getsockname()[1]
    finally:
        ticker.cancel()
        server.close()
        await server.wait_closed()
        hub.writer.stop()
        hub.reader.close()


async def burst(port: int, path: str, count: int, method: str = "GET") -> list[Answer]:
    """``count`` requests, 20 at a time, from worker threads (the server's loop stays free)."""
    with concurrent.futures.ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(ask, port, path, method) for _ in range(count)]
        return [await asyncio.wrap_future(f) for f in futures]


def test_a_burst_of_health_probes_shares_one_test_write(tmp_path: Path) -> None:
    clock = MonotonicClock()  # stands still unless moved: the whole burst is within one window

    async def scenario() -> None:
        async with serving(tmp_path / "lobby.db", clock) as (hub, port):
            commits = hub.writer.commits
            answers = await burst(port, "/healthz", 300)
            assert {(status, json.loads(body)["writable"]) for status, _, body in answers} == {(200, True)}
            assert hub.writer.commits - commits == 1, "one test write answers every probe of the window"
            assert (hub.housekeeping.probes_written, hub.housekeeping.probes_shared) == (1, 299)
            clock.advance(1.0)
            assert (await asyncio.to_thread(ask, port, "/healthz"))[0] == 200
            assert hub.writer.commits - commits == 2  # a new window, a new write
            status, headers, _ = await asyncio.to_thread(ask, port, "/healthz", "POST")
            clock.advance(1.0)
            assert (status, headers["allow"]) == (405, "GET, HEAD") and hub.writer.commits - commits == 2
            metrics = (await asyncio.to_thread(ask, port, "/metrics"))[2].decode()
            assert 'motcua_health_probes_total{answer="written"} 2' in metrics
            assert 'motcua_health_probes_total{answer="shared"} 299' in metrics

    run(scenario())


ROUTES = ("/healthz", "/metrics", "/", "/d/H12-0001/status.json", "/book", "/static/mc.js", "/b/ABCD2345/qr.svg", "/nope")


def test_only_get_and_head_are_answered_and_every_answer_says_nosniff_and_a_policy(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "lobby.db", MonotonicClock()) as (hub, port):
            commits = hub.writer.commits
            for path in ROUTES:
                for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"):
                    status, headers, _ = await asyncio.to_thread(ask, port, path, method)
                    assert (status, headers.get("allow")) == (405, "GET, HEAD"), (method, path)
                got, got_headers, body = await asyncio.to_thread(ask, port, path)
                head, head_headers, nothing = await asyncio.to_thread(ask, port, path, "HEAD")
                assert head == got and nothing == b"" and head_headers["content-type"] == got_headers["content-type"]
                assert got_headers["x-content-type-options"] == "nosniff", path
                assert "default-src 'none'" in got_headers["content-security-policy"], path
            assert hub.writer.commits - commits == 1  # the one GET /healthz (a HEAD within its window shares it)

    run(scenario())


def test_a_booking_qr_code_is_drawn_only_for_a_booking_that_exists_and_once(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serving(tmp_path / "lobby.db", MonotonicClock()) as (hub, port):
            phone = await Client.open(f"ws://127.0.0.1:{port}/")
            await phone.ok("hello")
            slot = (hub.now() + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)
            code = (await phone.ok("appointment.book", service="HT", slot_start=slot.isoformat()))["appointment"]["code"]
            await phone.close()
            other = "ABCD2345" if code != "ABCD2345" else "ABCD2346"
            drawn = qr_svg.cache_info().misses
            assert [(await asyncio.to_thread(ask, port, f"/b/{c}/qr.svg"))[0] for c in (other, code, code, code)] == [404, 200, 200, 200]
            assert qr_svg.cache_info().misses - drawn == 1, "drawn once for the booking, never for a made-up code"
            status, headers, body = await asyncio.to_thread(ask, port, f"/b/{code}/qr.svg")
            assert headers["content-type"] == "image/svg+xml" and body.startswith(b"<?xml")

    run(scenario())


def test_the_public_routes_have_a_budget_per_address_and_one_for_the_site(tmp_path: Path) -> None:
    clock = MonotonicClock()
    limits = HttpLimits(rate=1.0, burst=5.0, total_rate=10.0, total_burst=12.0)

    async def scenario() -> None:
        async with serving(tmp_path / "lobby.db", clock, limits) as (hub, port):
            def statuses(source: str, count: int, path: str = "/d/H12-0001/status.json") -> list[int]:
                return [ask(port, path, source=source)[0] for _ in range(count)]

            assert await asyncio.to_thread(statuses, "127.0.0.2", 5) == [403] * 5  # no link's check: answered, nothing shown
            status, headers, body = await asyncio.to_thread(ask, port, "/d/H12-0001/status.json", "GET", "127.0.0.2")
            assert (status, headers["retry-after"]) == (429, "1")
            error = json.loads(body)["error"]
            assert error["code"] == "rate_limited" and error["message"].startswith("Quá nhiều yêu cầu")
            status, headers, body = await asyncio.to_thread(ask, port, "/b/ABCD2345/qr.svg", "GET", "127.0.0.2")
            assert status == 429 and body.decode().startswith("Quá nhiều yêu cầu") and headers["retry-after"] == "1"
            assert (await asyncio.to_thread(ask, port, "/book", "GET", "127.0.0.2"))[0] == 200  # pages are not counted
            assert await asyncio.to_thread(statuses, "127.0.0.3", 5) == [403] * 5  # another address has its own
            assert await asyncio.to_thread(statuses, "127.0.0.4", 3) == [403, 403, 429]  # the site's 12 are spent
            clock.advance(1.0)
            assert await asyncio.to_thread(statuses, "127.0.0.2", 2) == [403, 429]  # reconnecting gave nothing back
            metrics = (await asyncio.to_thread(ask, port, "/metrics"))[2].decode()
            assert 'motcua_http_refused_total{budget="address"} 3' in metrics
            assert 'motcua_http_refused_total{budget="site"} 1' in metrics

    run(scenario())


# Strangers against an officer: the one-stop system answers "unknown" slowly, 40 phones of
# 40 addresses ask it for 20 made-up codes over and over while an officer signs in.

UNKNOWN_CODES = [f"000.00.16.H12-261120-{9000 + n:04d}" for n in range(20)]
STRANGERS = 40
REQUESTS_EACH = 40


class SlowOneStop(http.server.BaseHTTPRequestHandler):
    asked: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()
    busy = threading.Event()  # set at the first request

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        with self.lock:
            self.asked[self.path] += 1
        self.busy.set()
        time.sleep(0.25)  # a slow one-stop system (the stand-in's own pace, not a wait of the test)
        body = b'{"error": "not found"}'
        self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def slow_one_stop() -> Iterator[str]:
    SlowOneStop.asked = collections.Counter()
    SlowOneStop.busy = threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowOneStop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/hoso/{{code}}"
    finally:
        server.shutdown()
        server.server_close()


def request(ws: ClientConnection, number: int, op: str, **fields: object) -> None:
    """Send a request and read (events passing by) until its reply, which must be ok."""
    ws.send(json.dumps({"id": number, "op": op, **fields}))
    while (message := json.loads(ws.recv(60))).get("re") != number:
        pass
    assert message["ok"], message


def sign_in_seconds(port: int) -> float:
    """One officer's sign-in at counter 1 (a PIN's scrypt on the server), timed; then out."""
    user, pin = OFFICERS[1]
    with connect(f"ws://127.0.0.1:{port}/", open_timeout=30) as ws:
        request(ws, 1, "hello", token=DEMO_TOKENS["counter-1"])
        started = time.monotonic()
        request(ws, 2, "officer.sign_in", user=user, pin=pin)
        took = time.monotonic() - started
        request(ws, 3, "officer.sign_out")
    return took


def stranger(port: int, number: int, stop: threading.Event, checks: dict[str, str]) -> collections.Counter[int]:
    seen: collections.Counter[int] = collections.Counter()
    for n in range(REQUESTS_EACH):
        if stop.is_set():
            break
        code = UNKNOWN_CODES[(number + n) % len(UNKNOWN_CODES)]
        seen[ask(port, f"/d/{code}/status.json?k={checks[code]}", source=f"127.0.0.{10 + number}")[0]] += 1
    return seen


def test_strangers_asking_for_unknown_dossiers_neither_slow_an_officer_nor_flood_the_one_stop_system(tmp_path: Path) -> None:
    with slow_one_stop() as url:
        config = tmp_path / "site.toml"
        config.write_text(
            demo_site() + f'\n[dossier_lookup]\nurl_template = "{url}"\ntimeout_seconds = 5\n'
            '[dossier_lookup.fields]\nstatus = "data.trangThai"\n',
            encoding="utf-8",
        )
        server = ServerProcess(config, tmp_path / "lobby.db").start()
        # the worst case: links with their checks (a page left polling, links passed around), so
        # that every request is a look-up the one-stop system would be asked (the dossier page's
        # gate answers a request without a check from nothing: tests/dossiers/test_public_page.py)
        key = DossierKey(key_beside(tmp_path / "lobby.db").derive("dossier-access"))
        checks = {code: key.check(code) for code in UNKNOWN_CODES}
        try:
            alone = statistics.median(sign_in_seconds(server.port) for _ in range(3))
            stop = threading.Event()
            with concurrent.futures.ThreadPoolExecutor(STRANGERS) as pool:
                strangers = [pool.submit(stranger, server.port, n, stop, checks) for n in range(STRANGERS)]
                try:
                    assert SlowOneStop.busy.wait(30), "the strangers are at it"
                    crowded = statistics.median(sign_in_seconds(server.port) for _ in range(3))
                finally:
                    stop.set()
                seen = sum((f.result(120) for f in strangers), collections.Counter())
            metrics = ask(server.port, "/metrics")[2].decode()
        finally:
            server.stop()
    assert crowded <= 3 * alone, f"a sign-in took {crowded:.3f} s among strangers, {alone:.3f} s alone ({seen})"
    assert set(SlowOneStop.asked.values()) == {1}, "each unknown code is asked of the one-stop system once"
    assert sum(SlowOneStop.asked.values()) <= len(UNKNOWN_CODES)
    assert 'motcua_dossier_lookups_total{outcome="remembered_unknown"}' in metrics


def test_past_its_pool_and_queue_a_look_up_is_refused_at_once(tmp_path: Path) -> None:
    async def scenario(url: str) -> None:
        source = HttpDossierSource(DossierLookupSettings(url_template=url, fields={"status": "s"}), workers=1, queue=1)
        answers = await asyncio.gather(*(source.find(code) for code in UNKNOWN_CODES[:5]), return_exceptions=True)
        assert [type(a).__name__ for a in answers] == ["NoneType", "NoneType", "LookupBusy", "LookupBusy", "LookupBusy"]
        assert all("try again later" in str(a) for a in answers if isinstance(a, LookupBusy))
        assert (source.counts.asked, source.counts.busy) == (2, 3) and sum(SlowOneStop.asked.values()) == 2
        assert await source.find(UNKNOWN_CODES[0]) is None and source.counts.remembered_unknown == 1
        source.close()

    with slow_one_stop() as url:
        run(scenario(url))
