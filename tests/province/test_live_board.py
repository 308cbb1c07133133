"""The province's live view on a real PostgreSQL with generated sites: a fixed number of SQL
statements whatever the number of sites, one computation shared by every open dashboard,
and a silent site "mất liên lạc"."""

from __future__ import annotations

import asyncio
import datetime as dt

import psycopg
import pytest

from bench.province_live import Statements, make_sites, site_ids
from central import schema as central
from province.config import parse_province
from province.database import Database
from province.live import sites_now
from province.server import Province, start
from tests.integration.client import Client

OFFLINE = dt.timedelta(minutes=3)
PROVINCE = """
[province]
name = "Tỉnh Thử Nghiệm"
dsn = "{dsn}"
offline_minutes = {offline}

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám"
token = "province-director-token"
sites = ["*"]

[[manager]]
user = "xa.a"
name = "Lê Thị Xã"
token = "commune-a-manager-token"
sites = ["p-002", "p-005"]
"""


def refresh_statements(dsn: str, sites: int) -> tuple[int, list]:
    now = dt.datetime.now(dt.UTC)
    with central.connect(dsn) as conn:
        make_sites(conn, sites, 8, now)
        with Statements(conn) as statements:
            rows = sites_now(conn, now, OFFLINE)
        return statements.count(), rows


def test_a_refresh_sends_as_many_statements_at_30_sites_as_at_3(pg_cluster) -> None:  # type: ignore[no-untyped-def]
    counts = {}
    for sites in (3, 30):
        counts[sites], rows = refresh_statements(pg_cluster.create_database(f"live_count_{sites}"), sites)
        assert [row.site for row in rows] == site_ids(sites)
    assert counts[3] == counts[30] == 4, counts


def test_the_sets_figures_are_each_sites_own(central_dsn: str) -> None:
    _, rows = refresh_statements(central_dsn, 30)
    by_site = {row.site: row for row in rows}
    centre, ward, commune, point = (by_site[s] for s in ("p-000", "p-001", "p-002", "p-005"))
    assert (centre.kind, ward.kind, commune.kind, point.kind) == ("centre", "ward", "commune", "point")
    assert point.commune == "p-002" and commune.commune is None
    assert commune.name == "UBND xã Phước Đông 2" and point.name == "Điểm tiếp nhận số 5 xã Phước Đông"
    for row in rows:
        assert (row.issued, row.waiting, row.served, row.counters) == (8, 2, 6, 3), row
        number = int(row.site[2:])
        assert row.counters_open == (1 if number % 2 == 0 else 2), row
        assert row.alarms == (1 if number % 7 == 0 or number % 11 == 0 else 0), row
        assert row.offline is (number % 13 == 5), row
        assert row.lag_events == (500 if number % 17 == 3 else 0), row
    with psycopg.connect(central_dsn) as conn:
        for row in rows:  # the longest wait, and the fields past their target, from the tickets
            waits = dict(conn.execute(
                "SELECT service, min(arrival_at) FROM tickets WHERE site = %s AND state = 'waiting' GROUP BY service", [row.site]
            ).fetchall())  # fmt: skip
            now = dt.datetime.now(dt.UTC)
            minutes = {s: (now - dt.datetime.fromisoformat(a)).total_seconds() / 60 for s, a in waits.items()}
            assert row.longest_wait_minutes == pytest.approx(max(minutes.values()), abs=0.2)
            over = sum(1 for s, m in minutes.items() if m > {"HT": 20, "DD": 30}[s])
            assert abs(row.over_target - over) <= (1 if any(abs(m - {"HT": 20, "DD": 30}[s]) < 0.2 for s, m in minutes.items()) else 0)


def test_three_dashboards_share_one_computation_each_with_its_scope(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        make_sites(conn, 12, 4, dt.datetime.now(dt.UTC))
    config = parse_province(PROVINCE.format(dsn=central_dsn, offline=3))
    province = Province(config, Database(config.dsn), live_every=3600)

    async def main() -> None:
        server = await start(province, "127.0.0.1", 0)
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        try:
            clients = [await Client.open(url) for _ in range(3)]
            for client, token in zip(clients, ("province-director-token", "province-director-token", "commune-a-manager-token"), strict=True):
                await client.ok("hello", token=token)
            before = province.board.computed
            answers = await asyncio.gather(*(client.ok("province.live") for client in clients))
            assert province.board.computed - before <= 1, "one computation for every dashboard"
            assert province.board.computed == 1, "hello read the same board"
            assert len({answer["at"] for answer in answers}) == 1
            assert [len(answer["sites"]) for answer in answers] == [12, 12, 2]
            assert [s["site"] for s in answers[2]["sites"]] == ["p-002", "p-005"], "the commune's manager: their own"
            for client in clients:
                await client.close()
        finally:
            server.close()
            await server.wait_closed()
            province.database.close()

    asyncio.run(main())


def test_a_silent_site_is_offline_after_the_configured_minutes(central_dsn: str) -> None:
    """Its last contact set back in the database: offline once older than offline_minutes."""
    now = dt.datetime.now(dt.UTC)
    with central.connect(central_dsn) as conn:
        make_sites(conn, 6, 4, now)
        conn.execute("UPDATE sites SET last_contact = %s WHERE site = 'p-003'", [now - dt.timedelta(minutes=4)])
        conn.execute("UPDATE sites SET last_contact = %s WHERE site = 'p-004'", [now - dt.timedelta(minutes=2)])
        conn.execute("UPDATE sites SET last_contact = NULL WHERE site = 'p-001'")
    # (p-005 made silent for 10 minutes; p-001 never heard from)
    for minutes, offline in ((3, {"p-001", "p-003", "p-005"}), (5, {"p-001", "p-005"}), (1, {"p-001", "p-003", "p-004", "p-005"})):
        config = parse_province(PROVINCE.format(dsn=central_dsn, offline=minutes))
        province = Province(config, Database(config.dsn), clock=lambda: now)

        async def live(province: Province = province) -> dict:
            server = await start(province, "127.0.0.1", 0)
            try:
                client = await Client.open(f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/")
                await client.ok("hello", token="province-director-token")
                answer = await client.ok("province.live")
                await client.close()
                return answer
            finally:
                server.close()
                await server.wait_closed()
                province.database.close()

        answer = asyncio.run(live())
        assert answer["offline_minutes"] == minutes
        assert {s["site"] for s in answer["sites"] if s["offline"]} == offline, minutes
        silent = next(s for s in answer["sites"] if s["site"] == "p-003")
        assert dt.datetime.fromisoformat(silent["last_contact"]) == now - dt.timedelta(minutes=4), "since when"


def test_a_reports_sites_are_chosen_on_the_server_by_group_commune_or_search(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        make_sites(conn, 30, 4, dt.datetime.now(dt.UTC))
    config = parse_province(PROVINCE.format(dsn=central_dsn, offline=3))

    async def main() -> None:
        province = Province(config, Database(config.dsn))
        server = await start(province, "127.0.0.1", 0)
        url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/"
        try:
            director, commune = await Client.open(url), await Client.open(url)
            await director.ok("hello", token="province-director-token")
            await commune.ok("hello", token="commune-a-manager-token")

            async def sites(client: Client, **choice: str) -> list[str]:
                return [s["site"] for s in (await client.ok("province.report", by="site", **choice))["report"]["sites"]]

            assert await sites(director) == site_ids(30), "all in the manager's scope"
            assert await sites(director, group="centre") == ["p-000"]
            assert await sites(director, group="ward") == [f"p-{n:03d}" for n in range(1, 30, 6)]
            assert await sites(director, group="point", commune="p-002") == ["p-005"]
            assert await sites(director, search="phuoc dong") == ["p-002", "p-005", "p-012", "p-022"]
            assert await sites(director, search="PHƯỚC ĐÔNG 12") == ["p-012"]
            assert await sites(commune) == ["p-002", "p-005"], "the commune's manager: their own, whatever the choice"
            for client, choice in ((commune, {"group": "ward"}), (director, {"search": "không có"})):
                refused = await client.call("province.report", **choice)
                assert refused["error"]["code"] == "bad_field"
                assert refused["error"]["message"].startswith("Không có đơn vị nào trong phạm vi của anh/chị khớp")
            refused = await director.call("province.report", group="district")
            assert refused["error"]["message"].startswith('Trường "group" phải là nhóm đơn vị'), refused
            refused = await director.call("province.report", group="ward", sites="p-001")
            assert refused["error"]["message"].startswith("Chọn đơn vị theo danh sách mã hoặc theo nhóm"), refused
            refused = await commune.call("province.report", sites="p-001")
            assert refused["error"] == {"code": "forbidden", "message": "Anh/chị không được xem đơn vị 'p-001' (You do not see the site 'p-001').", "details": {"site": "p-001"}}
            refused = await director.call("province.report", date="23/11/2026")
            assert refused["error"]["message"].startswith('Trường "date" phải là ngày (dạng 2026-11-23)'), refused
            for client in (director, commune):
                await client.close()
        finally:
            server.close()
            await server.wait_closed()
            province.database.close()

    asyncio.run(main())


def test_the_board_kept_fresh_answers_at_once_and_rests_when_nobody_looks(central_dsn: str) -> None:
    """While a dashboard asks, the board is computed in the background every ``every``
    seconds and a request never waits for it; nobody asking, no computation."""
    from province.board import LiveBoard

    with central.connect(central_dsn) as conn:
        make_sites(conn, 5, 4, dt.datetime.now(dt.UTC))
    database = Database(central_dsn)
    ticks = [0.0]
    board = LiveBoard(database, lambda: dt.datetime.now(dt.UTC), OFFLINE, every=0.2, monotonic=lambda: ticks[0])

    async def main() -> None:
        keeper = asyncio.create_task(board.keep_fresh(idle=1.0))
        try:
            await asyncio.sleep(0.3)
            assert board.computed == 0, "nobody asked yet"
            first = await board.now()
            assert board.computed == 1 and len(first.sites) == 5
            ticks[0] += 0.25  # older than every: the keeper computes it again, the request does not wait
            assert await board.now() is first
            for _ in range(100):
                if board.computed == 2:
                    break
                await asyncio.sleep(0.05)
            assert board.computed == 2
            assert await board.now() is not first
            ticks[0] += 5  # nobody asked for longer than idle: no more computations
            await asyncio.sleep(0.5)
            assert board.computed == 2
        finally:
            keeper.cancel()
            database.close()

    asyncio.run(main())
