"""The country on PostgreSQL's own logical replication: two provinces' clusters and the
nation's, set up by ``motcua-national publish`` and ``subscribe``. The nation's figures are the
provinces' own; a day summed again and a province's restart reach it; a national manager sees
only the provinces of their scope, over a real connection to the national server."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import urllib.request
from fractions import Fraction
from typing import Any

import psycopg
import pytest

from central import schema as central
from central import summaries
from central.roles import GROUP, group_role
from national import cli, replication, reports
from national.config import load_national
from national.database import Database
from national.reports import By, build
from national.server import Nation, start
from province import reports as province_reports
from queue_server.store.reports import Figures, figures
from tests.integration.client import Client
from tests.national.conftest import national_rows, province_rows, wait_replicated
from tests.national.country import (
    DAYS,
    FIVE_LEVEL_SITE,
    PROVINCES,
    TODAY,
    TZ,
    Country,
    eventually,
    rows_of,
    ship,
    site_config,
)

FIRST, LAST = DAYS[0], DAYS[-1]
CODES = tuple(PROVINCES)
RATING_FIELDS = ("ratings", "rating_count", "average_rating", "satisfaction_index")


def national_report(country: Country, by: By, codes: tuple[str, ...] = CODES, first: dt.date = FIRST, last: dt.date = LAST):  # type: ignore[no-untyped-def]
    with psycopg.connect(country.national, autocommit=True) as conn:
        return build(conn, list(codes), first, last, by)


def province_report(country: Country, code: str, by: province_reports.By, first: dt.date = FIRST, last: dt.date = LAST):  # type: ignore[no-untyped-def]
    with central.connect(country.provinces[code]) as conn:
        return province_reports.build(conn, list(PROVINCES[code]), first, last, by, TZ)


def without_ratings(f: Figures) -> dict[str, Any]:
    return {k: v for k, v in f.as_dict().items() if k not in RATING_FIELDS}


def test_the_nations_figures_are_each_provinces_own(country) -> None:  # type: ignore[no-untyped-def]
    made, _ = country
    by_site = {row.key: row.figures for row in national_report(made, By.SITE).rows}
    by_province = {row.key[0]: row.figures for row in national_report(made, By.PROVINCE).rows}
    assert sorted(by_site) == sorted((code, site) for code in CODES for site in PROVINCES[code])
    assert ("80", "phuong-1") in by_site and ("82", "phuong-1") in by_site, "one site id in two provinces, told apart"
    for code in CODES:
        own = province_report(made, code, province_reports.By.SITE)
        assert by_province[code] == own.total, code  # a province on two scales too: 82 rates 1–5 and 1–4
        for row in own.rows:
            assert by_site[(code, row.site)] == row.figures, (code, row.site)
    assert by_site[FIVE_LEVEL_SITE].ratings.keys() == {1, 2, 3, 4, 5}


def test_the_country_adds_up_to_the_provinces_tickets(country) -> None:  # type: ignore[no-untyped-def]
    """The whole country, by field and by day, equals the sites' own function over every ticket
    the provinces were shipped; the satisfaction index places each rating on its own site's scale."""
    made, _ = country
    tickets = [(code, site, t) for code, sites in made.shipped.items() for site, rows in sites.items() for t in rows]
    report = national_report(made, By.FIELD)
    assert without_ratings(report.total) == without_ratings(figures([t for *_, t in tickets]))
    for row in report.rows:
        assert without_ratings(row.figures) == without_ratings(figures([t for *_, t in tickets if t["service"] == row.key[0]]))
    by_day = national_report(made, By.DAY)
    assert [row.key[0] for row in by_day.rows] == [day.isoformat() for day in DAYS]
    for row in by_day.rows:
        assert without_ratings(row.figures) == without_ratings(figures([t for *_, t in tickets if t["day"] == row.key[0]]))
    points, count = Fraction(0), 0
    for code, site, t in tickets:
        if t["rating"] is not None:
            top = 5 if (code, site) == FIVE_LEVEL_SITE else 4
            points, count = points + Fraction(100 * (t["rating"] - 1), top - 1), count + 1
    assert report.total.satisfaction_index == round(float(points / count), 1) and report.total.average_rating is None
    assert report.total.rating_count == count


def test_a_day_summed_again_in_a_province_shows_nationally(country) -> None:  # type: ignore[no-untyped-def]
    """A late ticket of a closed day: the province deletes the day's summaries and sums it again
    (delete and insert in PostgreSQL); the nation has the new figures and none of the old rows."""
    made, _ = country
    dsn = made.provinces["80"]
    late = dict(made.shipped["80"]["xa-an-binh"][0], id=1000, label="A999", state="done", rating=1, service="KD")
    arrival = dt.datetime.combine(DAYS[0], dt.time(9), TZ)
    late.update(issued_at=arrival.isoformat(), arrival_at=arrival.isoformat(), day=DAYS[0].isoformat(),
                called_at=(arrival + dt.timedelta(minutes=50)).isoformat(), done_at=(arrival + dt.timedelta(minutes=55)).isoformat())  # fmt: skip
    before = {r.key: r.figures for r in national_report(made, By.SITE, ("80",), DAYS[0], DAYS[0]).rows}[("80", "xa-an-binh")]
    with central.connect(dsn) as conn:
        ship(conn, site_config("80", "xa-an-binh"), [late])
        gone = conn.execute("SELECT count(*) FROM report_days WHERE site = 'xa-an-binh' AND day = %s", [DAYS[0]]).fetchone()
        assert gone == (0,), "the province's day summaries are deleted with the late ticket"
        assert summaries.summarize_all(conn, TZ, TODAY) == 1
    made.shipped["80"]["xa-an-binh"].append(late)
    own = province_report(made, "80", province_reports.By.SITE, DAYS[0], DAYS[0])
    row = eventually(
        lambda: {r.key: r.figures for r in national_report(made, By.SITE, ("80",), DAYS[0], DAYS[0]).rows}[("80", "xa-an-binh")],
        lambda figures: figures.issued == before.issued + 1,
        what="the day summed again, nationally",
    )
    assert row == next(r.figures for r in own.rows if r.site == "xa-an-binh")
    assert national_rows(made, "80") == province_rows(made, "80"), "the old rows deleted, the new ones there: nothing else"
    field = {r.key[0]: r for r in national_report(made, By.FIELD, ("80",), DAYS[0], DAYS[0]).rows}
    assert field["KD"].figures.issued == 1 and field["KD"].sites == 1


def run_with_server(config_path: str, scenario):  # type: ignore[no-untyped-def]
    config = load_national(config_path)

    async def main() -> Any:
        server = await start(Nation(config, Database(config.dsn)), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            return await scenario(f"ws://127.0.0.1:{port}/", port)
        finally:
            server.close()
            await server.wait_closed()

    return asyncio.run(main())


def test_a_national_manager_of_one_province_sees_only_it(country) -> None:  # type: ignore[no-untyped-def]
    made, config = country

    async def scenario(url: str, port: int) -> None:
        client = await Client.open(url)
        hello = await client.ok("hello", token="region-80-manager-token")
        assert hello["whole_country"] is False
        assert hello["provinces"] == [{"province": "80", "name": "Tỉnh Tây Ninh"}]
        listed = (await client.ok("national.sites"))["provinces"]
        assert [p["province"] for p in listed] == ["80"]
        assert {s["site"]: s["name"] for s in listed[0]["sites"]} == PROVINCES["80"]
        report = (await client.ok("national.report", by="site", period="month", date=FIRST.isoformat()))["report"]
        assert {(r["province"], r["site"]) for r in report["rows"]} == {("80", site) for site in PROVINCES["80"]}
        assert "UBND phường 1 (Đồng Tháp)" not in str(report)
        # a site's ward or commune named from the 2025 map by its ward_code, in the list and the report
        assert {s["site"]: s["unit"] for s in listed[0]["sites"]} == {"xa-an-binh": None, "phuong-1": "Phường Tân Ninh"}
        assert {r["site"]: r["unit"] for r in report["rows"]} == {"xa-an-binh": None, "phuong-1": "Phường Tân Ninh"}
        own = province_report(made, "80", province_reports.By.SITE, FIRST.replace(day=1), dt.date(2026, 11, 30))
        assert report["total"] == own.total.as_dict()
        for asked in ("82", "80,82"):
            refused = await client.call("national.report", provinces=asked, date=FIRST.isoformat())
            assert refused["error"]["code"] == "forbidden", refused
        empty = (await client.ok("national.report", date="2026-01-01"))["report"]
        assert (empty["rows"], empty["total"]["issued"], empty["total"]["average_wait_minutes"]) == ([], 0, None)
        unknown = await client.call("national.report", provinces="01", date=FIRST.isoformat())
        assert unknown["error"]["code"] == "bad_field"
        replication_rows = (await client.ok("national.replication"))["provinces"]
        assert [(r["province"], r["running"], r["tables_ready"]) for r in replication_rows] == [("80", True, 2)]
        await client.close()

        director = await Client.open(url)
        assert (await director.ok("hello", token="national-director-token"))["whole_country"] is True
        report = (await director.ok("national.report", by="province", period="week", date=FIRST.isoformat()))["report"]
        assert [(r["province"], r["name"], r["sites"]) for r in report["rows"]] == [("80", "Tỉnh Tây Ninh", 2), ("82", "Tỉnh Đồng Tháp", 2)]
        assert report["total"]["issued"] == sum(r["issued"] for r in report["rows"])
        fields = (await director.ok("national.report", by="field", date=FIRST.isoformat()))["report"]
        assert {r["field"] for r in fields["rows"]} <= {"HT", "DD", "KD"} and all(r["name"] for r in fields["rows"])
        await director.close()
        page, script, shared = [
            await asyncio.to_thread(lambda p=path: urllib.request.urlopen(f"http://127.0.0.1:{port}{p}", timeout=5).read().decode())
            for path in ("/national", "/static/national.js", "/static/mc.js")
        ]
        assert "Điều hành cả nước" in page and "/static/national.js" in page
        assert "national.report" in script and "export class QueueConnection" in shared

    run_with_server(config, scenario)


def subscription_running(country: Country, code: str) -> bool:
    with psycopg.connect(country.national, autocommit=True) as conn:
        found = {s.province: s for s in replication.subscriptions(conn)}
    return found[code].running


def test_a_province_stopped_and_restarted_catches_up(country) -> None:  # type: ignore[no-untyped-def]
    """A new closed day summed in a province that then crashes (immediate stop): once it is back,
    the nation has the day, without anyone touching the subscription."""
    made, _ = country
    code, site = "82", "xa-tan-my"
    day = DAYS[-1] + dt.timedelta(days=1)
    arrival = dt.datetime.combine(day, dt.time(8), TZ)
    extra = dict(made.shipped[code][site][0], id=2000, label="B001", state="done", rating=5, day=day.isoformat())
    extra.update(issued_at=arrival.isoformat(), arrival_at=arrival.isoformat(),
                 called_at=(arrival + dt.timedelta(minutes=4)).isoformat(), done_at=(arrival + dt.timedelta(minutes=9)).isoformat())  # fmt: skip
    with central.connect(made.provinces[code]) as conn:
        ship(conn, site_config(code, site), [extra])
        assert summaries.summarize_all(conn, TZ, TODAY) == 1
    made.shipped[code][site].append(extra)
    made.clusters[code].stop("immediate")
    try:
        eventually(lambda: subscription_running(made, code), lambda running: not running, what="the apply worker gone")
        assert national_report(made, By.PROVINCE).rows, "the nation still answers with what it has"
    finally:
        made.clusters[code].start()
    wait_replicated(made, code)
    eventually(lambda: subscription_running(made, code), bool, what="the apply worker back")
    got = {r.key: r.figures for r in national_report(made, By.SITE, (code,), day, day).rows}
    own = province_report(made, code, province_reports.By.SITE, day, day)
    assert got == {(code, r.site): r.figures for r in own.rows} and got[(code, site)].issued == 1


def test_what_crosses_to_the_nation_is_day_summaries_only(country) -> None:  # type: ignore[no-untyped-def]
    made, _ = country
    tables = {
        t for (t,) in rows_of(made.national, "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace"
                                             " AND relkind IN ('r', 'p') AND NOT relispartition")
    }
    assert tables == {"report_days", "site_configs", "national_version"}
    labels = {t["label"] for sites in made.shipped.values() for rows in sites.values() for t in rows}
    text = str(rows_of(made.national, "SELECT * FROM report_days")) + str(rows_of(made.national, "SELECT * FROM site_configs"))
    assert not [label for label in labels if f"'{label}'" in text], "no ticket crosses"
    published = rows_of(made.provinces["80"], "SELECT tablename FROM pg_publication_tables WHERE pubname = %s ORDER BY 1", [replication.PUBLICATION])
    assert published == [("report_days",), ("site_configs",)]
    kinds = rows_of(made.provinces["80"], "SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = %s", [replication.PUBLICATION])
    assert kinds == [(True, True, True, False)], "a province's TRUNCATE would empty the country's table"


def test_the_replication_role_reads_the_summaries_and_nothing_else(country) -> None:  # type: ignore[no-untyped-def]
    made, _ = country
    dsn = made.publisher_dsn("80")
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert conn.execute("SELECT rolsuper, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone() == (False, True, True)
        assert conn.execute("SELECT count(*) FROM report_days").fetchone()[0] > 0  # type: ignore[index]
        for table in ("tickets", "events", "sites", "site_days", "site_dossiers"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT 1 FROM {table} LIMIT 1")  # noqa: S608 - our own tables
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM report_days")


def test_setting_up_twice_changes_nothing_and_a_wrong_code_is_refused(country, capsys) -> None:  # type: ignore[no-untyped-def]
    made, config = country
    assert cli.main(["publish", "--dsn", made.provinces["80"], "--province", "80"]) == 0
    assert cli.main(["subscribe", "--config", config, "--province", "80", "--publisher-dsn", made.publisher_dsn("80")]) == 0
    assert "already there" in capsys.readouterr().out
    before = national_rows(made, "80")
    assert cli.main(["publish", "--dsn", made.provinces["80"], "--province", "82"]) == 1
    assert "already publishes as province '80'" in capsys.readouterr().err
    with psycopg.connect(made.provinces["80"], autocommit=True) as conn:
        assert replication.published_as(conn) == "80"
    with pytest.raises(replication.ReplicationError, match="publishes as province '82', not '80'"):
        replication.subscribe(made.national, "80", made.publisher_dsn("82"))
    assert cli.main(["subscribe", "--config", config, "--province", "01", "--publisher-dsn", made.publisher_dsn("80")]) == 2
    assert "no province '01' in the file" in capsys.readouterr().err
    assert cli.main(["status", "--config", config]) == 0
    out = capsys.readouterr().out
    assert "80 Tỉnh Tây Ninh: đang chạy / running, 2/2 tables ready" in out and "82 Tỉnh Đồng Tháp: đang chạy" in out
    assert national_rows(made, "80") == before


def test_a_column_a_province_gains_is_added_by_subscribing_again(country, capsys) -> None:  # type: ignore[no-untyped-def]
    """A province's newer central schema sends a column the nation lacks: the subscription stops
    on it; ``subscribe`` again adds the column and the rows flow again."""
    made, config = country
    code = "82"
    with central.connect(made.provinces[code]) as conn:
        conn.execute("ALTER TABLE report_days ADD COLUMN late_minutes int NOT NULL DEFAULT 0")
        conn.execute("UPDATE site_days SET dirty = true WHERE site = 'phuong-1' AND day = %s", [DAYS[1]])
        assert summaries.summarize_all(conn, TZ, TODAY) == 1
    stuck = 'logical replication target relation "public.report_days" is missing replicated column: "late_minutes"'
    log = made.clusters["national"].root / "log"
    eventually(log.read_text, lambda text: stuck in text, what="the apply worker stopped on the new column")
    assert cli.main(["subscribe", "--config", config, "--province", code, "--publisher-dsn", made.publisher_dsn(code)]) == 0
    assert "report_days: column late_minutes integer added, as the province has it" in capsys.readouterr().out
    summed = "SELECT count(*) FROM report_days WHERE site = 'phuong-1' AND day = %s AND late_minutes = 0"
    want = rows_of(made.provinces[code], summed, [DAYS[1]])[0][0]
    eventually(lambda: rows_of(made.national, summed + " AND province = '82'", [DAYS[1]])[0][0], lambda n: n == want > 0,
               what="the day summed again, with its new column")  # fmt: skip
    wait_replicated(made, code)


def test_a_site_role_ships_to_a_published_province_as_before(country) -> None:  # type: ignore[no-untyped-def]
    """The publish step's column and replica identity leave the sites' own path as it was: a site's
    role (row-level security, docs/province.md "Deployment") ships a new name and a late ticket;
    its rows take the province's code by themselves, and the nation has them."""
    made, _ = country
    code, site = "82", "phuong-1"
    with psycopg.connect(made.provinces[code], autocommit=True) as conn:
        for statement in group_role(GROUP, conn.info.dbname):  # the deployment's group (docs/province.md)
            conn.execute(statement)
        conn.execute(f"CREATE ROLE site_phuong_1 LOGIN IN ROLE {GROUP}")
        conn.execute("INSERT INTO site_roles (role, site) VALUES ('site_phuong_1', 'phuong-1')")
    config = site_config(code, site)
    renamed = dataclasses.replace(config, site=dataclasses.replace(config.site, name="UBND phường Cao Lãnh"))
    late = dict(made.shipped[code][site][0], id=3000, label="C001", day=DAYS[2].isoformat())
    with central.connect(made.clusters[code].dsn("central", user="site_phuong_1")) as conn:
        assert conn.execute("SELECT row_security_active('report_days')").fetchone() == (True,)
        ship(conn, renamed, [late])
    made.shipped[code][site].append(late)
    with central.connect(made.provinces[code]) as conn:
        assert conn.execute("SELECT count(*) FROM site_configs WHERE province IS DISTINCT FROM %s", [code]).fetchone() == (0,)
        assert summaries.summarize_all(conn, TZ, TODAY) == 1
    wait_replicated(made, code)
    with psycopg.connect(made.national, autocommit=True) as conn:
        named = {s["site"]: s["name"] for s in reports.sites(conn, [code])}
    assert named[site] == "UBND phường Cao Lãnh"
    own = province_report(made, code, province_reports.By.SITE, DAYS[2], DAYS[2])
    got = {r.key: r.figures for r in national_report(made, By.SITE, (code,), DAYS[2], DAYS[2]).rows}
    assert got == {(code, r.site): r.figures for r in own.rows}
