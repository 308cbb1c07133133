"""Live waits across the province (issue 22) on a real PostgreSQL: three real site servers
(real SQLite logs) ship to the central database, motcua-central publishes every site's public
figures per field (province_live), and each site's server reads the others' back over its own
link — its kiosk then gets the nearest centres with a shorter wait; with the link cut, after
the deadline, nothing of the others ("không có dữ liệu")."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import psycopg

from province.database import Database
from province.waits import ProvinceWaits
from queue_server.config.place import SiteKind, SitePlace
from queue_server.config.settings import CentralSettings, DossierSettings
from queue_server.server import province_link
from queue_server.shipping.shipper import Shipper, wait_caught_up
from queue_server.shipping.site_record import describe_site
from tests.integration.conftest import running_lobby
from tests.integration.sites import TZ
from tests.shipping.sites import named_site, quick

# Tây Ninh: the busy ward in the town, a commune 3 km away, another 40 km away
PLACES = {
    "phuong-tan-ninh": ("UBND phường Tân Ninh", "Số 12 đường 30/4, phường Tân Ninh", 11.3102, 106.0983),
    "xa-thanh-dien": ("UBND xã Thạnh Điền", "Ấp Thạnh Hiệp, xã Thạnh Điền", 11.3300, 106.0800),
    "xa-tan-chau": ("UBND xã Tân Châu", "Khu phố 1, xã Tân Châu", 11.5600, 106.1700),
}
PUBLIC_FIELD_KEYS = {
    "code", "name_vi", "name_en", "waiting", "longest_wait_minutes", "counters_open", "target_wait_minutes",
    "takes_bookings", "phone_numbers", "next_free_slot",
}  # fmt: skip


def placed(site: str):  # type: ignore[no-untyped-def]
    name, address, lat, lon = PLACES[site]
    config = named_site(site)
    changes: dict[str, Any] = {"name": name}
    if site == "xa-tan-chau":  # a small commune: Hộ tịch alone, at one counter
        changes["services"] = config.site.services[:1]
        changes["counters"] = tuple(c for c in config.site.counters if set(c.services) == {"HT"})
    return dataclasses.replace(
        config,
        site=dataclasses.replace(config.site, **changes),
        place=SitePlace(SiteKind.COMMUNE, None, address, lat, lon),
    )


def view_settings(dsn: str, **changes: Any) -> CentralSettings:
    return dataclasses.replace(quick(dsn), province_seconds=0.2, province_stale_seconds=2.0, timeout_seconds=3, **changes)


async def wait_for(predicate, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def ship(db: Path, site: str, dsn: str) -> None:
    shipper = Shipper(db, site, quick(dsn), describe_site(placed(site)), DossierSettings(), TZ)
    shipper.start()
    try:
        assert wait_caught_up(shipper, 20), shipper.status.last_error
    finally:
        shipper.stop()


def test_each_site_holds_the_others_waits_and_drops_them_when_the_link_goes(central_dsn: str, tmp_path: Path) -> None:
    waits = ProvinceWaits(Database(central_dsn), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))

    async def scenario() -> None:
        dbs = {site: tmp_path / f"{site}.db" for site in PLACES}
        async with (
            running_lobby(dbs["phuong-tan-ninh"], placed("phuong-tan-ninh")) as busy,
            running_lobby(dbs["xa-thanh-dien"], placed("xa-thanh-dien")) as near,
            running_lobby(dbs["xa-tan-chau"], placed("xa-tan-chau")) as far,
        ):
            # the ward: one counter for HT, five waiting (5 × 6 min > its 20 min target);
            # the two communes: a counter open, one waiting
            for lobby, waiting in ((busy, 5), (near, 1), (far, 1)):
                await lobby.officer("counter-1", user="lan")
                kiosk = await lobby.client("kiosk")
                for _ in range(waiting):
                    await kiosk.ok("ticket.issue", service="HT")
            for site, db in dbs.items():
                await asyncio.to_thread(ship, db, site, central_dsn)
            # not linked yet (no view: a site without [central]): "off"; an unknown field refused
            desk = await busy.client("kiosk")
            assert (await desk.ok("province.nearby", service="HT"))["province"] == "off"
            refused = await desk.call("province.nearby", service="XX")
            assert refused["ok"] is False and refused["error"]["code"] == "service_unknown"

            waits.every = 0.3
            tasks = [asyncio.create_task(waits.keep_publishing())]  # motcua-central's (every 15 s; 0.3 s here)
            tasks += [province_link.start(lobby.hub, view_settings(central_dsn)) for lobby in (busy, near, far)]
            try:
                await wait_for(lambda: all(lobby.hub.province.reads > 0 for lobby in (busy, near, far)))

                def slots_seen() -> bool:  # each site's booking book, sent by its view, published, read back
                    return all(
                        f["next_free_slot"] for lobby in (busy, near, far) for c in lobby.hub.province.others() or ()
                        for f in c["fields"] if f["code"] == "HT"
                    ) and all(len(lobby.hub.province.others() or ()) == 2 for lobby in (busy, near, far))  # fmt: skip

                await wait_for(slots_seen)
                # each site's server holds the others' figures, not its own
                seen = {lobby.hub.config.site.site_id: lobby.hub.province.others() for lobby in (busy, near, far)}
                for site, others in seen.items():
                    assert {c["site"] for c in others} == set(PLACES) - {site}
                ward = next(c for c in seen["xa-thanh-dien"] if c["site"] == "phuong-tan-ninh")
                assert ward["name"] == "UBND phường Tân Ninh" and ward["address"] == PLACES["phuong-tan-ninh"][1]
                (ht,) = [f for f in ward["fields"] if f["code"] == "HT"]
                assert ht["waiting"] == 5 and ht["counters_open"] == 1 and ht["takes_bookings"] is True
                slot = dt.datetime.fromisoformat(ht["next_free_slot"])  # the ward's booking book: its first free slot
                assert dt.datetime.now(dt.UTC) < slot < dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
                assert all(set(f) == PUBLIC_FIELD_KEYS for c in seen["xa-tan-chau"] for f in c["fields"])
                # a site reads the others' fields it serves itself, no more
                assert {f["code"] for c in seen["xa-tan-chau"] for f in c["fields"]} == {"HT"}
                assert {f["code"] for c in seen["xa-thanh-dien"] for f in c["fields"]} == {"HT", "DD", "KD"}
                tan_chau = next(c for c in seen["xa-thanh-dien"] if c["site"] == "xa-tan-chau")
                assert [f["code"] for f in tan_chau["fields"]] == ["HT"]

                # the busy ward's kiosk: the wait is long; the nearest commune first, with its distance
                kiosk = await busy.client("kiosk")
                reply = await kiosk.ok("province.nearby", service="HT")
                assert reply["long"] is True and reply["province"] == "ok", reply
                assert [c["site"] for c in reply["centres"]] == ["xa-thanh-dien", "xa-tan-chau"]
                first = reply["centres"][0]
                assert first["waiting"] == 1 and first["address"] == "Ấp Thạnh Hiệp, xã Thạnh Điền"
                assert 2.0 < first["distance_km"] < 4.0 and reply["centres"][1]["distance_km"] > 25
                # a commune's own wait is short: nothing suggested
                quiet = await (await near.client("kiosk")).ok("province.nearby", service="HT")
                assert quiet["long"] is False and quiet["centres"] == [] and quiet["province"] == "ok"

                # the ward's link goes (its DSN now a dead port): after the deadline, nothing of the others
                view = busy.hub.province
                view.settings = dataclasses.replace(view.settings, dsn="postgresql://nobody@127.0.0.1:1/motcua")
                view.close()  # the connection it keeps goes with the link
                failures = view.failures
                await wait_for(lambda: view.failures > failures)
                await wait_for(lambda: view.others() is None, timeout=10)
                reply = await kiosk.ok("province.nearby", service="HT")
                assert reply["province"] == "no_data" and reply["centres"] == []
                assert reply["message"].startswith("Không có dữ liệu")
                # the others, still linked, go on
                assert near.hub.province.others() is not None
            finally:
                for task in tasks:
                    task.cancel()

    try:
        asyncio.run(scenario())
    finally:
        waits.database.close()


def test_motcua_central_stopped_is_no_data_at_the_sites(central_dsn: str, tmp_path: Path) -> None:
    """The link is up but the province's figures are not computed any more: they age, and past
    the deadline the site shows nothing of the others rather than figures frozen in time."""
    waits = ProvinceWaits(Database(central_dsn), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))

    async def scenario() -> None:
        db = tmp_path / "ward.db"
        async with running_lobby(db, placed("phuong-tan-ninh")) as ward:
            await asyncio.to_thread(ship, db, "phuong-tan-ninh", central_dsn)
            await waits.refresh()
            task = province_link.start(ward.hub, view_settings(central_dsn))
            try:
                await wait_for(lambda: ward.hub.province.reads > 0)
                assert ward.hub.province.others() == ()  # fresh figures, no other site yet
                with psycopg.connect(central_dsn, autocommit=True) as conn:  # 10 s ago: past the 2 s deadline
                    conn.execute("UPDATE province_live SET computed_at = now() - interval '10 seconds'")
                await wait_for(lambda: ward.hub.province.others() is None, timeout=10)
                assert "older than" in ward.hub.province.last_error
            finally:
                task.cancel()

    try:
        asyncio.run(scenario())
    finally:
        waits.database.close()


def test_motcua_server_with_central_reads_the_province_and_says_no_data_when_it_ages(central_dsn: str, tmp_path: Path) -> None:
    """The real ``motcua-server`` process: with ``[central]`` it starts the view by itself
    (bootstrap), sends its offers, reads the others; when the figures age past its
    ``province_stale_seconds``, its kiosk op says "không có dữ liệu"; SIGTERM ends it cleanly."""
    import signal

    from tests.integration.client import Client
    from tests.integration.test_crash import SITE, _start

    waits = ProvinceWaits(Database(central_dsn), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))
    config = tmp_path / "site.toml"
    config.write_text(
        SITE + f'\n[central]\ndsn = "{central_dsn}"\nprovince_seconds = 0.2\nprovince_stale_seconds = 2\n', encoding="utf-8"
    )

    async def scenario() -> None:
        db = tmp_path / "ward.db"
        async with running_lobby(db, placed("phuong-tan-ninh")) as ward:
            await ward.officer("counter-1", user="lan")
            await (await ward.client("kiosk")).ok("ticket.issue", service="HT")
        await asyncio.to_thread(ship, db, "phuong-tan-ninh", central_dsn)

        port, process = _start(config, tmp_path / "lobby.db")
        waits.every = 0.3
        publisher = asyncio.create_task(waits.keep_publishing())  # motcua-central's, every 0.3 s here
        try:
            kiosk = await Client.open(f"ws://127.0.0.1:{port}")
            await kiosk.ok("hello", token="crash-test-kiosk-token")
            deadline = time.monotonic() + 20
            while (reply := await kiosk.ok("province.nearby", service="HT"))["province"] != "ok":
                assert time.monotonic() < deadline, reply
                await asyncio.sleep(0.1)
            with psycopg.connect(central_dsn) as conn:  # its own offers went in, over its own link
                assert conn.execute("SELECT offers FROM site_offers WHERE site = 'crash-test'").fetchone() == ({"next_free_slot": {}},)
            publisher.cancel()
            # motcua-central stops publishing: past 2 s, nothing of the others
            deadline = time.monotonic() + 20
            while (reply := await kiosk.ok("province.nearby", service="HT"))["province"] != "no_data":
                assert time.monotonic() < deadline, reply
                await asyncio.sleep(0.2)
            assert reply["message"] == "Không có dữ liệu của các trung tâm khác (no data from the other centres)"
            assert reply["centres"] == []
            await kiosk.close()
        finally:
            publisher.cancel()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) == 0

    try:
        asyncio.run(scenario())
    finally:
        waits.database.close()
