"""What a site's own database role may do with the province's live waits (issue 22), with the
deployment's SQL of docs/province.md: read every site's public figures (province_live, which
motcua-central writes), write its own booking offers (site_offers) and no other site's, and
nothing else of the others through them."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from province.cluster import Cluster
from province.database import Database
from province.waits import ProvinceWaits
from queue_server.config.settings import DossierSettings
from queue_server.shipping.province_view import ProvinceView
from queue_server.shipping.shipper import Shipper, wait_caught_up
from queue_server.shipping.site_record import describe_site
from tests.integration.sites import TZ
from tests.province.province_data import site_named
from tests.province.test_site_roles import ROLES, deployed
from tests.shipping.sites import quick


def test_a_sites_role_reads_every_sites_public_waits_and_writes_its_own_offers(province, pg_cluster: Cluster) -> None:  # type: ignore[no-untyped-def]
    _, dbs = province
    with deployed(pg_cluster, "waits_roles") as owner:  # the roles dropped after, for the other tests that make them
        check_roles(owner, pg_cluster, "waits_roles", dbs)


def check_roles(owner: str, pg_cluster: Cluster, database: str, dbs) -> None:  # type: ignore[no-untyped-def]
    dsns = {site: pg_cluster.dsn(database, user=role) for site, role in ROLES.items()}
    for site, db in dbs.items():
        shipper = Shipper(db, site, quick(dsns[site]), describe_site(site_named(site)), DossierSettings(), TZ)
        shipper.start()
        try:
            assert wait_caught_up(shipper, 20), shipper.status.last_error
        finally:
            shipper.stop()

    # each site sends its offers with its own role, then motcua-central publishes
    views = {site: ProvinceView(site, quick(dsns[site]), ("HT", "DD", "KD")) for site in ROLES}
    for site, view in views.items():
        try:
            view.exchange({"next_free_slot": {"HT": f"2026-11-24T07:30:00+07:00#{site}"}})
        except Exception as exc:  # nothing published yet: stale, but the offers went in
            assert "older than" in str(exc)
    waits = ProvinceWaits(Database(owner), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))
    import asyncio

    asyncio.run(waits.refresh())
    waits.database.close()

    for site, view in views.items():
        view.exchange({"next_free_slot": {}})
        (other,) = view.others() or ()
        assert other["site"] == (set(ROLES) - {site}).pop()
        (ht,) = [f for f in other["fields"] if f["code"] == "HT"]
        assert ht["next_free_slot"] == f"2026-11-24T07:30:00+07:00#{other['site']}"  # as that site sent it

    with psycopg.connect(dsns["xa-an-binh"]) as conn:
        # every site's public figures; its own offers alone
        assert {s for (s,) in conn.execute("SELECT site FROM province_live")} == set(ROLES)
        assert {s for (s,) in conn.execute("SELECT site FROM site_offers")} == {"xa-an-binh"}
    with psycopg.connect(dsns["xa-an-binh"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("INSERT INTO site_offers (site, offers) VALUES ('phuong-1', '{}')")
    with psycopg.connect(dsns["xa-an-binh"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE province_live SET fields = '[]'")  # only motcua-central writes it
    with psycopg.connect(owner) as conn:  # (the failed write changed nothing)
        assert {s for (s,) in conn.execute("SELECT site FROM site_offers")} == set(ROLES)


def test_nothing_private_is_in_the_public_figures(province, central_dsn: str) -> None:  # type: ignore[no-untyped-def]
    """No ticket, code, officer or citizen: the columns and keys of province_live are these."""
    waits = ProvinceWaits(Database(central_dsn), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))
    import asyncio

    asyncio.run(waits.refresh())
    waits.database.close()
    with psycopg.connect(central_dsn) as conn:
        rows = conn.execute("SELECT place, fields FROM province_live").fetchall()
    assert len(rows) == 2
    for place, fields in rows:
        assert set(place) == {"name", "kind", "commune", "address", "latitude", "longitude"}
        for field in fields:
            assert set(field) == {
                "code", "name_vi", "name_en", "waiting", "longest_wait_minutes", "counters_open",
                "target_wait_minutes", "takes_bookings", "phone_numbers", "next_free_slot",
            }  # fmt: skip
    text = str(rows)
    for private in ("Nguyễn Thị Lan", "Trần Văn Minh", "lan", "minh", "A00"):
        assert private not in text, private

