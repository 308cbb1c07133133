"""A number or a booking at another centre, asked on the province's page, decided by that
site's own server through the central PostgreSQL, and the answer back to the phone; exactly
once when the phone asks again, when the site is SIGKILLed after deciding and before its
answer reached the central side, and when motcua-central is SIGKILLed mid-request."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from pathlib import Path

import psycopg
import pytest

from province.config import load_province
from queue_server.server.central_requests import TICKET_KEYS
from tests.province.remote_sites import (
    LABEL,
    SECRET,
    CentralProcess,
    Phone,
    bookings,
    new_request_id,
    phone_tickets,
    province_file,
    rows,
    site_file,
    start_site,
    wait_known,
)
from tests.province.test_province_page import ProvinceServer


def _two_sites(tmp_path: Path, dsn: str) -> None:
    site_file(tmp_path, "tp-tay-ninh", "Trung tâm tỉnh Tây Ninh", dsn, kind="centre")
    site_file(tmp_path, "huyen-go-dau", "UBND phường Gò Dầu", dsn, kind="ward", public_url="https://godau.tayninh.gov.vn")


def test_a_number_and_a_booking_at_another_centre_through_the_central(tmp_path: Path, central_dsn: str) -> None:
    _two_sites(tmp_path, central_dsn)
    sites = [start_site(tmp_path, s) for s in ("tp-tay-ninh", "huyen-go-dau")]
    province = ProvinceServer(load_province(province_file(tmp_path, central_dsn)))
    try:
        wait_known(central_dsn, ["tp-tay-ninh", "huyen-go-dau"])

        async def phone() -> dict:
            async with Phone(province.url) as p:
                places = await p.ok("take.places", service="HT")
                assert [pl["place"] for pl in places["places"]] == ["huyen-go-dau", "tp-tay-ninh"]
                assert {f["code"]: f["name_vi"] for f in places["fields"]} == {"HT": "Hộ tịch", "DD": "Đất đai"}
                go_dau = places["places"][0]
                assert go_dau["offline"] is False and go_dau["sites"][0]["phone_queue"] and go_dau["sites"][0]["bookings"]

                take = new_request_id()
                asked = await p.ok("take.request", request=take, secret=SECRET, site="huyen-go-dau", kind="take", service="HT")
                assert asked["state"] in ("pending", "claimed", "answered")
                reply = await p.answer(take)
                answer = reply["answer"]
                assert answer["ok"] and answer["kind"] == "take" and answer["site_name"] == "UBND phường Gò Dầu"
                assert LABEL.fullmatch(answer["ticket"]["label"]) and answer["ticket"]["service_name_vi"] == "Hộ tịch"
                assert set(answer["ticket"]) == set(TICKET_KEYS), "what of the ticket crosses to the phone, no more"
                again = await p.ok("take.request", request=take, secret=SECRET, site="huyen-go-dau", kind="take", service="HT")
                assert again["state"] == "answered" and again["answer"] == answer, "the same id is the same request"
                other = await p.call("take.answer", request=take, secret="another-secret-0123456789")
                assert other["error"]["code"] == "bad_field", "only the phone that asked reads its answer"

                # the site's own rules: one number a browser a day (its [phone_queue] default)
                second = new_request_id()
                await p.ok("take.request", request=second, secret=SECRET, site="huyen-go-dau", kind="take", service="DD")
                refused = (await p.answer(second))["answer"]
                assert refused == {"ok": False, "error": {"code": "remote_limit", "message": refused["error"]["message"]}}
                assert refused["error"]["message"].startswith("Mỗi điện thoại chỉ lấy được 1 số một ngày")

                tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7) + dt.timedelta(days=1)).date().isoformat()
                slots = await p.ok("take.slots", place="huyen-go-dau", service="HT", day=tomorrow)
                assert len(slots["slots"]) >= 20 and {s["site"] for s in slots["slots"]} == {"huyen-go-dau"}
                slot = slots["slots"][9]
                book = new_request_id()
                await p.ok("take.request", request=book, secret=SECRET, site="huyen-go-dau", kind="book", service="HT", slot_start=slot["start"])
                booked = (await p.answer(book))["answer"]
                assert booked["ok"] and booked["kind"] == "book"
                assert dt.datetime.fromisoformat(booked["appointment"]["slot_start"]) == dt.datetime.fromisoformat(slot["start"])
                full = new_request_id()
                await p.ok("take.request", request=full, secret=SECRET, site="huyen-go-dau", kind="book", service="HT", slot_start=slot["start"])
                assert (await p.answer(full))["answer"]["error"]["message"] == "Khung giờ này đã kín chỗ."
                return {"label": answer["ticket"]["label"], "url": answer["url"]}

        taken = asyncio.run(phone())
        go_dau = tmp_path / "huyen-go-dau.db"
        ((_, label, code),) = phone_tickets(go_dau)
        assert phone_tickets(tmp_path / "tp-tay-ninh.db") == []
        assert taken == {"label": label, "url": f"https://godau.tayninh.gov.vn/t/{code}"}, "its page on the site's public address"
        assert len(bookings(go_dau)) == 1
        assert rows(go_dau, "SELECT count(*) FROM central_requests") == [(4,)], "each decision kept at the site"
    finally:
        province.stop()
        for site in sites:
            site.stop()


def _metric(url: str, name: str) -> float:
    import urllib.request

    with urllib.request.urlopen(f"{url}/metrics", timeout=5) as response:
        for line in response.read().decode().splitlines():
            if line.startswith(name + " "):
                return float(line.rsplit(" ", 1)[1])
    return 0.0


def _hold_answers(dsn: str) -> None:
    """The central side refuses the sites' answers (not their claims): a site decides and then
    cannot tell the phone, the window between the two."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "CREATE TABLE held (x int); INSERT INTO held VALUES (1);"
            " CREATE FUNCTION hold_answers() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            " IF NEW.state = 'answered' AND EXISTS (SELECT 1 FROM held) THEN RAISE EXCEPTION 'held by the test'; END IF;"
            " RETURN NEW; END $$;"
            " CREATE TRIGGER hold BEFORE UPDATE ON remote_requests FOR EACH ROW EXECUTE FUNCTION hold_answers()"
        )


def _release_answers(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DELETE FROM held")


def _wait_decided(db: Path, request_id: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if rows(db, "SELECT 1 FROM central_requests WHERE id = ?", request_id):
            return
        time.sleep(0.05)
    raise AssertionError(f"the site never decided {request_id}")


def test_a_site_killed_after_deciding_answers_from_its_record(tmp_path: Path, central_dsn: str) -> None:
    _two_sites(tmp_path, central_dsn)
    site = start_site(tmp_path, "huyen-go-dau")
    province = ProvinceServer(load_province(province_file(tmp_path, central_dsn)))
    db = tmp_path / "huyen-go-dau.db"
    try:
        wait_known(central_dsn, ["huyen-go-dau"])
        take, book = new_request_id(), new_request_id()

        async def ask() -> str:
            async with Phone(province.url) as p:
                tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=7)).date().isoformat()
                slot = (await p.ok("take.slots", place="huyen-go-dau", service="HT", day=tomorrow))["slots"][3]["start"]
                _hold_answers(central_dsn)
                await p.ok("take.request", request=take, secret=SECRET, site="huyen-go-dau", kind="take", service="HT")
                await p.ok("take.request", request=book, secret=SECRET, site="huyen-go-dau", kind="book", service="HT", slot_start=slot)
                return str(slot)

        slot = asyncio.run(ask())
        _wait_decided(db, take)
        _wait_decided(db, book)
        site.kill()  # decided and kept at the site; the answers never reached the central side
        assert len(phone_tickets(db)) == 1 and len(bookings(db)) == 1
        with psycopg.connect(central_dsn) as conn:
            states = conn.execute("SELECT state FROM remote_requests WHERE kind <> 'slots'").fetchall()
            assert states == [("claimed",), ("claimed",)]
        site.start()  # reads the two requests again
        deadline = time.monotonic() + 30  # …and answers them from its record, deciding nothing again
        while _metric(site.http_url, 'motcua_province_requests_total{kind="book",outcome="recorded"}') < 1:
            assert time.monotonic() < deadline, "the restarted site never read its claimed requests again"
            time.sleep(0.1)
        assert _metric(site.http_url, 'motcua_province_requests_total{kind="take",outcome="recorded"}') >= 1
        assert _metric(site.http_url, 'motcua_province_requests_total{kind="take",outcome="ok"}') == 0
        _release_answers(central_dsn)

        async def answers() -> tuple[dict, dict]:
            async with Phone(province.url) as p:
                return (await p.answer(take))["answer"], (await p.answer(book))["answer"]

        taken, booked = asyncio.run(answers())
        ((_, label, code),) = phone_tickets(db)
        assert taken["ok"] and taken["ticket"]["label"] == label and taken["ticket"]["code"] == code
        ((booking_code, _, slot_start),) = bookings(db)
        assert booked["ok"] and booked["appointment"]["code"] == booking_code
        assert dt.datetime.fromisoformat(slot_start) == dt.datetime.fromisoformat(slot)
    finally:
        province.stop()
        site.stop()


def test_motcua_central_killed_mid_request_the_phone_asks_again_one_ticket(tmp_path: Path, central_dsn: str) -> None:
    _two_sites(tmp_path, central_dsn)
    site = start_site(tmp_path, "huyen-go-dau")
    central = CentralProcess(province_file(tmp_path, central_dsn)).start()
    db = tmp_path / "huyen-go-dau.db"
    try:
        wait_known(central_dsn, ["huyen-go-dau"])
        url = f"http://127.0.0.1:{central.port}"
        take, book = new_request_id(), new_request_id()
        tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1, hours=7)).date().isoformat()

        async def slot() -> str:
            async with Phone(url) as p:
                return str((await p.ok("take.slots", place="huyen-go-dau", service="HT", day=tomorrow))["slots"][5]["start"])

        slot_start = asyncio.run(slot())
        asked = {
            take: {"request": take, "secret": SECRET, "site": "huyen-go-dau", "kind": "take", "service": "HT"},
            book: {"request": book, "secret": SECRET, "site": "huyen-go-dau", "kind": "book", "service": "HT", "slot_start": slot_start},
        }

        async def ask_then_kill(request: str, once_written: bool) -> None:
            p = Phone(url)
            await p.connect()
            await p.ws.send(json.dumps({"id": 99, "op": "take.request", **asked[request]}))
            if once_written:  # the request is in the table; its reply may or may not have left
                await asyncio.to_thread(_wait_asked, central_dsn, request)
            central.kill()  # whatever it had done of the request: the phone does not know

        async def again(request: str) -> dict:
            async with Phone(url) as p:
                for _ in range(2):  # the page asks again with the same id, twice even
                    await p.ok("take.request", **asked[request])
                return await p.answer(request)

        replies = {}
        for request, once_written in ((take, False), (book, True)):
            asyncio.run(ask_then_kill(request, once_written))
            central.start()
            replies[request] = asyncio.run(again(request))
        ((_, label, _),) = phone_tickets(db)
        assert replies[take]["state"] == "answered" and replies[take]["answer"]["ticket"]["label"] == label
        ((code, _, _),) = bookings(db)
        assert replies[book]["state"] == "answered" and replies[book]["answer"]["appointment"]["code"] == code
        with psycopg.connect(central_dsn) as conn:
            assert conn.execute("SELECT count(*) FROM remote_requests WHERE kind <> 'slots'").fetchone() == (2,)
    finally:
        central.stop()
        site.stop()


def _wait_asked(dsn: str, request_id: str) -> None:
    deadline = time.monotonic() + 20
    with psycopg.connect(dsn, autocommit=True) as conn:
        while conn.execute("SELECT 1 FROM remote_requests WHERE id = %s", [request_id]).fetchone() is None:
            assert time.monotonic() < deadline, "the request never reached the table"
            time.sleep(0.01)


def test_a_centre_out_of_touch_is_shown_so_and_refused_at_once(tmp_path: Path, central_dsn: str) -> None:
    _two_sites(tmp_path, central_dsn)
    site = start_site(tmp_path, "huyen-go-dau")
    province = ProvinceServer(load_province(province_file(tmp_path, central_dsn)))
    try:
        wait_known(central_dsn, ["huyen-go-dau"])
        site.stop()  # its link is down: no heartbeat any more; its last contact 10 minutes ago
        with psycopg.connect(central_dsn, autocommit=True) as conn:
            conn.execute("UPDATE sites SET last_contact = now() - interval '10 minutes'")

        async def phone() -> None:
            async with Phone(province.url) as p:
                (place,) = (await p.ok("take.places", service="HT"))["places"]
                assert place["offline"] is True and place["sites"][0]["offline"] is True
                refused = await p.call("take.request", request=new_request_id(), secret=SECRET, site="huyen-go-dau", kind="take", service="HT")
                assert refused["error"]["code"] == "forbidden"
                assert refused["error"]["message"].startswith("Trung tâm này đang mất liên lạc")

        asyncio.run(phone())
        with psycopg.connect(central_dsn) as conn:
            assert conn.execute("SELECT count(*) FROM remote_requests").fetchone() == (0,), "nothing asked of it"
    finally:
        province.stop()
        site.stop()


def test_a_sites_role_reads_and_answers_its_own_requests_only(pg_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from central import remote_requests as requests
    from central import schema
    from tests.province.test_site_roles import DOC

    owner = pg_cluster.create_database("take_roles")
    grants = [  # the sites' grants (not the pooler's look-up function's: its own role and schema)
        line.strip()
        for line in DOC.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("GRANT ") and "pgbouncer" not in line
    ]
    assert any("remote_requests" in line for line in grants), "docs/province.md grants the sites their requests"
    with schema.connect(owner) as conn:
        schema.migrate(conn)
        conn.execute(
            # the docs' sites' role under a name of this test's (roles are the whole cluster's)
            "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'take_sites') THEN"
            " CREATE ROLE take_sites NOLOGIN; END IF;"
            " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'take_site_a') THEN"
            " CREATE ROLE take_site_a LOGIN IN ROLE take_sites; END IF; END $$"
        )
        for line in grants:
            conn.execute(line.replace("DATABASE motcua ", "DATABASE take_roles ").replace("motcua_site", "take_sites"))
        conn.execute("INSERT INTO site_roles (role, site) VALUES ('take_site_a', 'site-a') ON CONFLICT DO NOTHING")
        mine = requests.Request(new_request_id(), "site-a", "take", {"service": "HT"}, requests.secret_hash(SECRET))
        theirs = requests.Request(new_request_id(), "site-b", "take", {"service": "HT"}, requests.secret_hash(SECRET))
        for request in (mine, theirs):
            assert requests.submit(conn, request) == "pending"
    with psycopg.connect(pg_cluster.dsn("take_roles", user="take_site_a"), autocommit=True, prepare_threshold=None) as conn:
        assert [r.id for r in requests.claim(conn, "site-a")] == [mine.id]
        assert requests.claim(conn, "site-b") == [], "another site's requests are not seen"
        assert requests.answer(conn, theirs.id, {"ok": True}) is False
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE remote_requests SET payload = '{}' WHERE id = %s", [mine.id])
        assert requests.answer(conn, mine.id, {"ok": True, "kind": "take"}) is True
    with schema.connect(owner) as conn:
        assert requests.read(conn, mine.id, SECRET) == ("answered", {"ok": True, "kind": "take"})
        assert requests.read(conn, theirs.id, SECRET) == ("pending", None)
        assert requests.read(conn, mine.id, "not-the-secret-0123456789") is None
        # a request no site claimed in time expires when its phone asks, and is never claimed after
        late = requests.Request(new_request_id(), "site-a", "take", {"service": "HT"}, requests.secret_hash(SECRET))
        requests.submit(conn, late)
        conn.execute("UPDATE remote_requests SET created_at = now() - interval '3 minutes' WHERE id = %s", [late.id])
        assert requests.read(conn, late.id, SECRET) == ("expired", None)
        assert requests.claim(conn, "site-a") == []
        conn.execute("UPDATE remote_requests SET created_at = now() - interval '3 days' WHERE id IN (%s, %s)", [mine.id, late.id])
        assert requests.purge(conn) == 2, "an answer (its codes) is kept two days"
        assert requests.read(conn, mine.id, SECRET) is None and requests.read(conn, theirs.id, SECRET) is not None


def test_the_province_page_has_its_own_budget_per_browser(tmp_path: Path, central_dsn: str) -> None:
    _two_sites(tmp_path, central_dsn)
    site = start_site(tmp_path, "huyen-go-dau")
    province = ProvinceServer(load_province(province_file(tmp_path, central_dsn)))
    try:
        wait_known(central_dsn, ["huyen-go-dau"])

        async def phone() -> dict:
            async with Phone(province.url) as p:
                for _ in range(4):  # asked: the site refuses all but the first by its own limits
                    await p.ok("take.request", request=new_request_id(), secret=SECRET, site="huyen-go-dau", kind="take", service="HT")
                    await asyncio.sleep(0.5)
                return await p.call("take.request", request=new_request_id(), secret=SECRET, site="huyen-go-dau", kind="take", service="HT")

        refused = asyncio.run(phone())
        assert refused["error"]["code"] == "rate_limited"
        assert refused["error"]["message"].startswith("Điện thoại hoặc địa chỉ mạng này đã lấy nhiều số hôm nay")
        with psycopg.connect(central_dsn) as conn:
            assert conn.execute("SELECT count(*) FROM remote_requests").fetchone() == (4,), "the fifth never reached a site"
    finally:
        province.stop()
        site.stop()
