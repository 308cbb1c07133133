"""The province server against a real PostgreSQL that two sites ship to: every site live, one
site's drill-down, reports equal to each site's own, and managers kept to their sites."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import io
import sqlite3
import urllib.request
from typing import Any

import openpyxl
import psycopg
import pytest

from province.cluster import Cluster
from province.database import Database
from province.server import Province, start
from province.summing import keep_summing, sum_closed_days
from queue_server.store.database import connect
from queue_server.store.reports import Grouping, build_report
from tests.integration.client import Client
from tests.integration.sites import TZ
from tests.province.province_data import DOSSIER_CODES, SITES


def run_with_server(config, scenario, live_every: float | None = None) -> Any:  # type: ignore[no-untyped-def]
    async def main() -> Any:
        server = await start(Province(config, Database(config.dsn), live_every=live_every), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await scenario(f"ws://127.0.0.1:{port}/", port)
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


async def manager(url: str, token: str) -> tuple[Client, dict]:
    client = await Client.open(url)
    return client, await client.ok("hello", token=token)


def test_the_director_sees_every_site_live_and_drills_down(province) -> None:  # type: ignore[no-untyped-def]
    config, dbs = province

    async def scenario(url: str, port: int) -> None:
        client, hello = await manager(url, "province-director-token")
        assert hello["whole_province"] is True and sorted(hello["sites"]) == sorted(SITES)
        assert hello["site_names"] == SITES
        # the province's day, also when the machine's own (UTC here) is still yesterday
        assert hello["today"] == dt.datetime.now(config.tz).date().isoformat()
        live = {row["site"]: row for row in (await client.ok("province.live"))["sites"]}
        for site, db in dbs.items():
            with sqlite3.connect(db) as conn:
                waiting, served = conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'waiting'), count(*) FILTER (WHERE state = 'done') FROM tickets"
                ).fetchone()
            row = live[site]
            assert (row["name"], row["waiting"], row["served"], row["issued"]) == (SITES[site], waiting, served, 8)
            assert row["counters_open"] == 1 and row["counters"] == 3 and row["lag_events"] == 0
            assert row["longest_wait_minutes"] is not None and row["last_contact"] is not None
        assert (live["xa-an-binh"]["dossiers_overdue"], live["xa-an-binh"]["dossiers_due_soon"]) == (1, 1)
        assert (live["phuong-1"]["dossiers_overdue"], live["phuong-1"]["dossiers_due_soon"]) == (0, 0)
        late = (await client.ok("province.site", site="xa-an-binh"))["site"]["dossiers"]
        assert [(d["procedure"], d["progress"]) for d in late["items"]] == [
            ("Cấp giấy phép xây dựng", "overdue"), ("Đăng ký khai sinh", "due_soon")
        ]
        assert late["items"][0]["days_late"] >= 10 and late["items"][1]["days_left"] in (0, 1)
        detail = (await client.ok("province.site", site="phuong-1"))["site"]
        assert detail["name"] == "UBND phường 1"
        assert {f["service"]: f["issued"] for f in detail["fields"]} == {"HT": 5, "DD": 3}
        counters = {c["counter"]: c["state"] for c in detail["counters"]}
        assert counters == {1: "open", 2: "paused", 3: "closed"}
        await client.close()

    run_with_server(config, scenario)


@pytest.mark.parametrize(("by", "grouping"), [("service", Grouping.SERVICE), ("counter", Grouping.COUNTER), ("officer", Grouping.OFFICER)])
def test_a_sites_figures_are_the_same_centrally(province, by: str, grouping: Grouping) -> None:  # type: ignore[no-untyped-def]
    config, dbs = province
    today = dt.datetime.now(TZ).date()

    async def scenario(url: str, port: int) -> None:
        client, _ = await manager(url, "province-director-token")
        for summed in (False, True):  # today's tickets, then the day summed as once closed
            if summed:
                tomorrow = today + dt.timedelta(days=1)
                assert await sum_closed_days(Database(config.dsn), config.tz, tomorrow) == 2
            for site, db in dbs.items():
                central = (await client.ok("province.report", by=by, sites=site, date=today.isoformat()))["report"]
                own = build_report(connect(db, readonly=True), today, today, grouping, TZ)
                assert central["total"] == own.total.as_dict()
                assert [(r["key"], {k: v for k, v in r.items() if k not in ("site", "key", "name")}) for r in central["rows"]] == [
                    (row.key, row.figures.as_dict()) for row in own.rows
                ]
                assert central["arrivals_by_hour"] == list(own.arrivals_by_hour)
        both = (await client.ok("province.report", by="site", date=today.isoformat()))["report"]
        assert [r["name"] for r in both["rows"]] == [SITES["phuong-1"], SITES["xa-an-binh"]]
        assert both["total"]["issued"] == 16 and both["total"]["served"] == 8
        await client.close()

    run_with_server(config, scenario)


def test_a_dossiers_code_never_leaves_its_site(province, central_dsn: str) -> None:  # type: ignore[no-untyped-def]
    import psycopg

    with psycopg.connect(central_dsn) as conn:
        tables = [t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        text = " ".join(
            str(row) for table in tables for row in conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - our own tables
        )
    assert "Cấp giấy phép xây dựng" in text, "the late dossier is there"
    for code in DOSSIER_CODES:
        assert code not in text


def test_a_district_manager_never_sees_another_districts_site(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str, port: int) -> None:
        client, hello = await manager(url, "district-a-manager-token")
        assert hello["sites"] == ["xa-an-binh"] and hello["whole_province"] is False
        assert hello["site_names"] == {"xa-an-binh": "UBND xã An Bình"}
        assert [row["site"] for row in (await client.ok("province.live"))["sites"]] == ["xa-an-binh"]
        refused = await client.call("province.site", site="phuong-1")
        assert refused["error"]["code"] == "forbidden"
        for op, extra in (("province.report", {}), ("province.export", {"format": "csv"})):
            refused = await client.call(op, sites="xa-an-binh,phuong-1", **extra)
            assert refused["error"]["code"] == "forbidden", refused
        report = (await client.ok("province.report", by="service"))["report"]
        assert {row["site"] for row in report["rows"]} == {"xa-an-binh"} and report["total"]["issued"] == 8
        exported = await client.ok("province.export", by="officer", format="csv")
        text = base64.b64decode(exported["data"]).decode("utf-8-sig")
        assert "UBND xã An Bình" in text and "phường" not in text
        assert "Nguyễn Thị Lan" in text, "officers by name"
        workbook = await client.ok("province.export", by="site", format="xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(base64.b64decode(workbook["data"]))).active
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values[2][0] == "UBND xã An Bình" and values[-1][0] == "Tổng cộng (Total)" and len(values) == 4
        await client.close()

    run_with_server(config, scenario)


def test_a_site_named_like_a_formula_is_text_in_the_directors_files(province, central_dsn: str) -> None:  # type: ignore[no-untyped-def]
    """A site renames itself =HYPERLINK(…) and an officer @…: its next configuration snapshot,
    kept as the shipper keeps it, names its rows; in the files they are text, never formulas."""
    import csv
    import dataclasses

    from central import schema as central
    from queue_server.shipping.site_record import describe_site
    from tests.province.province_data import site_named

    config, _ = province
    hyperlink = '=HYPERLINK("http://x","y")'
    site = site_named("xa-an-binh")
    officers = tuple(dataclasses.replace(o, name="@" + o.name) if o.user == "lan" else o for o in site.officers)
    renamed = dataclasses.replace(site, site=dataclasses.replace(site.site, name=hyperlink), officers=officers)
    with psycopg.connect(central_dsn) as conn:
        assert central.record_config(conn, "xa-an-binh", describe_site(renamed))

    async def scenario(url: str, port: int) -> None:
        client, _ = await manager(url, "province-director-token")

        async def export(by: str, fmt: str) -> bytes:
            return base64.b64decode((await client.ok("province.export", by=by, format=fmt))["data"])

        lines = list(csv.reader(io.StringIO((await export("site", "csv")).decode("utf-8-sig"), newline="")))
        assert ["'" + hyperlink] in [line[:1] for line in lines] and [SITES["phuong-1"]] in [line[:1] for line in lines]
        by_officer = list(csv.reader(io.StringIO((await export("officer", "csv")).decode("utf-8-sig"), newline="")))
        assert ["'" + hyperlink, "'@Nguyễn Thị Lan"] in [line[:2] for line in by_officer]
        for by in ("site", "officer"):
            sheet = openpyxl.load_workbook(io.BytesIO(await export(by, "xlsx")))["Báo cáo"]
            cells = [cell for row in sheet.iter_rows() for cell in row]
            assert all(cell.data_type != "f" for cell in cells), by
            links = [cell for cell in cells if cell.value == hyperlink]
            assert links and all(link.data_type == "s" and link.quotePrefix for link in links), by
            assert all(type(cell.value) is int for cell in sheet[3][2 if by == "officer" else 1:5]), "figures stay numbers"
        await client.close()

    run_with_server(config, scenario)


def test_bad_requests_get_specific_errors_and_the_server_goes_on(province) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str, port: int) -> None:
        client = await Client.open(url)
        assert (await client.call("province.live"))["error"]["code"] == "hello_first"
        assert (await client.call("hello", token="not-a-manager-token"))["error"]["code"] == "bad_token"
        assert (await client.send_raw("{not json"))["error"]["code"] == "bad_json"
        await client.ok("hello", token="province-director-token")
        assert (await client.call("hello", token="province-director-token"))["error"]["code"] == "already_hello"
        assert (await client.call("province.nothing"))["error"]["code"] == "unknown_op"
        assert (await client.call("province.report", date="23/11/2026"))["error"]["code"] == "bad_field"
        assert (await client.call("province.report", by="colour"))["error"]["code"] == "bad_field"
        assert (await client.call("province.report", sites="nowhere"))["error"]["code"] == "bad_field"
        assert (await client.call("province.export", format="pdf"))["error"]["code"] == "bad_field"
        assert (await client.call("province.live", extra=1))["error"]["code"] == "unknown_field"
        assert len((await client.ok("province.live"))["sites"]) == 2, "still serving"
        await client.close()

    run_with_server(config, scenario)


def test_the_database_away_is_said_and_survived(province, pg_cluster: Cluster) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str, port: int) -> None:
        client, _ = await manager(url, "province-director-token")

        def health() -> int:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10).status
            except urllib.error.HTTPError as error:
                return error.code

        assert await asyncio.to_thread(health) == 200
        await asyncio.to_thread(pg_cluster.stop, "fast")
        try:
            assert (await client.call("province.live"))["error"]["code"] == "store_unavailable"
            assert await asyncio.to_thread(health) == 503
        finally:
            await asyncio.to_thread(pg_cluster.start)
        assert len((await client.ok("province.live"))["sites"]) == 2
        assert await asyncio.to_thread(health) == 200
        page = await asyncio.to_thread(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/province", timeout=10).read())
        assert b"province.js" in page
        await client.close()

    run_with_server(config, scenario, live_every=0)  # (a board younger than 5 s is served as it is)


def test_the_server_sums_closed_days_and_waits_out_the_database_away(province, pg_cluster: Cluster) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    tomorrow = dt.datetime.now(TZ) + dt.timedelta(days=1)  # today's tickets are a closed day's

    def dirty_days() -> int:
        with psycopg.connect(config.dsn) as conn:
            return conn.execute("SELECT count(*) FROM site_days WHERE dirty").fetchone()[0]

    async def main() -> None:
        await asyncio.to_thread(pg_cluster.stop, "fast")
        summer = Database(config.dsn, timeout_seconds=2)
        task = asyncio.create_task(keep_summing(summer, config.tz, lambda: tomorrow, every=0.05))
        try:
            await asyncio.sleep(0.5)
            assert not task.done()  # the database away: waited out
            await asyncio.to_thread(pg_cluster.start)
            for _ in range(200):
                if await asyncio.to_thread(dirty_days) == 0:
                    break
                await asyncio.sleep(0.05)
            assert await asyncio.to_thread(dirty_days) == 0
        finally:
            task.cancel()
            summer.close()

    assert dirty_days() == 2
    asyncio.run(main())
