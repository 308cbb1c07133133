"""Who may see a dossier's public page, over real HTTP to a real server (real SQLite file):
a receipt code is easy to guess, so the code alone shows nothing — not even whether a dossier
has it; the link the applicant is given (``?k=``, its check) shows the page; the last 4 digits
of the applicant's ID number trade for that link, within a budget per code and per address."""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from queue_server.server.http_budget import HttpLimits
from tests.kiosk.support import INTEGRATION_TOKEN, KIOSK_TOKEN, PUBLIC_URL, Clock, ask, load, queue_server, write_site
from tests.support.ports import free_port

CODE = "000.00.16.H57-261123-0642"
ID_NUMBER = "001099012345"  # its applicant: the last 4 digits are 2345
SECRET = {"procedure": "Đăng ký khai sinh", "department": "Phòng Tư pháp", "officer": "Trần Thị Bình"}


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="dossier-page-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def get(port: int, path: str, source: str = "127.0.0.1") -> tuple[int, dict[str, Any]]:
    """One GET from the address ``source`` (any of 127.0.0.0/8 reaches the server)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def metrics_text(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/metrics")
        return connection.getresponse().read().decode()
    finally:
        connection.close()


async def aget(port: int, path: str, source: str = "127.0.0.1") -> tuple[int, dict[str, Any]]:
    return await asyncio.to_thread(get, port, path, source)


async def push(port: int, code: str, **values: Any) -> dict[str, Any]:
    return await ask(port, INTEGRATION_TOKEN, "dossier.upsert", code=code, status="processing", version=1,
                     steps=[{"at": "2026-11-20", "status": "received", "note": "thiếu bản sao"}], **SECRET, **values)  # fmt: skip


def test_guessing_a_thousand_codes_finds_nothing(workdir: Path) -> None:
    port = free_port()
    config = load(write_site(workdir, port, "sim://k1"))

    # the access rule alone: the HTTP budget per address, which would answer 429 from the 21st
    # guess on, is tests/faults/test_http_doors.py's
    unbudgeted = HttpLimits(burst=10_000, total_burst=10_000)

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz), http_limits=unbudgeted):
            for serial in ("0642", "0643", "0900"):  # three real dossiers among the guesses
                await push(port, f"000.00.16.H57-261123-{serial}", applicant_id=ID_NUMBER)
            guesses = [f"000.00.16.H57-261123-{n:04d}" for n in range(1000)]
            answers = [await aget(port, f"/d/{code}/status.json") for code in guesses[:500]] + [
                await aget(port, f"/d/{code}/status.json?k=ABCDEFGHIJ") for code in guesses[500:]
            ]  # fmt: skip
            status, body = answers[0]
            assert answers == [answers[0]] * 1000  # the same answer for every code, real or not
            assert status == 403 and body["error"]["code"] == "dossier_check_required"
            assert not any(word in json.dumps(body, ensure_ascii=False) for word in (*SECRET.values(), "dossier\"", "0642"))
            # trading guessed digits for the link: 20 tries from one address, then none, for any code
            tries = [await aget(port, f"/d/{code}/unlock.json?digits=2345") for code in guesses[:100]]
            assert [s for s, _ in tries] == [403] * 20 + [429] * 80
            assert {b["error"]["code"] for _, b in tries} == {"dossier_factor_wrong", "dossier_factor_budget"}
            assert await aget(port, f"/d/{CODE}/unlock.json?digits=2345") == tries[-1]  # the right digits too
            metrics = await asyncio.to_thread(metrics_text, port)
            assert 'motcua_dossier_page_refused_total{reason="dossier_check_required"} 1000' in metrics
            assert 'motcua_dossier_page_refused_total{reason="dossier_factor_budget"} 81' in metrics

    asyncio.run(scenario())


def test_the_link_the_applicant_is_given_shows_the_page_and_a_wrong_check_shows_nothing(workdir: Path) -> None:
    port = free_port()
    config = load(write_site(workdir, port, "sim://k1"))

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            url = (await push(port, CODE, applicant_id=ID_NUMBER))["url"]
            got = await ask(port, KIOSK_TOKEN, "dossier.get", code=CODE.lower())
            assert got["url"] == url and url.startswith(f"{PUBLIC_URL}/d/{CODE}?k=")
            page = urlsplit(url)
            status, body = await aget(port, f"{page.path}/status.json?{page.query}")
            assert status == 200 and {k: body["dossier"][k] for k in SECRET} == SECRET
            assert body["dossier"]["steps"][0]["note"] == "thiếu bản sao"
            check = page.query.removeprefix("k=")
            status, body = await aget(port, f"{page.path}/status.json?k={check.lower()}")  # typed from paper: any case
            assert status == 200
            wrong = check[:-1] + ("A" if check[-1] != "A" else "B")
            for query in (f"k={wrong}", "k=", "", f"k={check}x"):
                status, body = await aget(port, f"{page.path}/status.json?{query}")
                assert (status, body["error"]["code"]) == (403, "dossier_check_required") and "dossier" not in body

    asyncio.run(scenario())


def test_the_last_id_digits_trade_for_the_link_within_a_budget_per_code(workdir: Path) -> None:
    port = free_port()
    config = load(write_site(workdir, port, "sim://k1"))
    clock = Clock(config.site.tz)

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, clock):
            url = (await push(port, CODE, applicant_id=ID_NUMBER))["url"]
            await push(port, "000.00.16.H57-261123-0700")  # no applicant known: no digits open it
            status, body = await aget(port, f"/d/{CODE.lower()}/unlock.json?digits=23%2045", source="127.0.0.2")
            assert (status, body) == (200, {"ok": True, "url": urlsplit(url).path + "?" + urlsplit(url).query})
            assert (await aget(port, f"{body['url'].replace('?', '/status.json?')}"))[0] == 200
            # wrong digits and an unknown code answer alike
            wrong = await aget(port, f"/d/{CODE}/unlock.json?digits=2346", source="127.0.0.3")
            unknown = await aget(port, "/d/000.00.16.H57-261123-9999/unlock.json?digits=2345", source="127.0.0.3")
            nobody = await aget(port, "/d/000.00.16.H57-261123-0700/unlock.json?digits=2345", source="127.0.0.3")
            assert wrong == unknown == nobody and wrong[0] == 403
            assert wrong[1]["error"]["code"] == "dossier_factor_wrong"
            for digits in ("0000", "1111", "9999", "1234"):  # 5 wrong tries of this code, from 4 addresses
                assert (await aget(port, f"/d/{CODE}/unlock.json?digits={digits}", source=f"127.0.0.{10 + int(digits[0])}"))[0] == 403
            # the code is spent for an hour, from any address, even with the right digits
            status, body = await aget(port, f"/d/{CODE}/unlock.json?digits=2345", source="127.0.0.99")
            assert status == 429 and body["error"]["code"] == "dossier_factor_budget"
            assert 0 < body["error"]["retry_after"] <= 3600
            assert (await aget(port, f"/d/{CODE}/unlock.json?digits=12", source="127.0.0.99"))[0] == 400
            clock.advance(hours=1)
            assert (await aget(port, f"/d/{CODE}/unlock.json?digits=2345", source="127.0.0.99"))[0] == 200

    asyncio.run(scenario())
