"""Two sites' mornings shipped to a real central PostgreSQL, for the province's tests."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from province.config import parse_province
from queue_server.config.settings import DossierSettings
from queue_server.shipping.shipper import Shipper, wait_caught_up
from queue_server.shipping.site_record import describe_site
from tests.integration.conftest import running_lobby
from tests.integration.sites import TZ
from tests.shipping.sites import named_site, quick

SITES = {"xa-an-binh": "UBND xã An Bình", "phuong-1": "UBND phường 1"}
PROVINCE = """
[province]
name = "Tỉnh Tây Ninh"
dsn = "{dsn}"

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám"
token = "province-director-token"
sites = ["*"]

[[manager]]
user = "huyen.a"
name = "Lê Thị Huyện"
token = "district-a-manager-token"
sites = ["xa-an-binh"]
"""


def site_named(site: str):  # type: ignore[no-untyped-def]
    config = named_site(site)
    return dataclasses.replace(config, site=dataclasses.replace(config.site, name=SITES[site]))


DOSSIER_CODES = ("000.00.16.H12-261101-0001", "000.00.16.H12-261101-0002", "000.00.16.H12-261101-0003")


async def late_dossiers(lobby) -> None:  # type: ignore[no-untyped-def]
    """The one-stop system pushes three dossiers: one overdue, one due tomorrow, one in time."""
    portal = await lobby.client("integration")
    today = dt.datetime.now(TZ).date()
    for code, due, procedure in zip(
        DOSSIER_CODES,
        (today - dt.timedelta(days=21), today + dt.timedelta(days=1), today + dt.timedelta(days=40)),
        ("Cấp giấy phép xây dựng", "Đăng ký khai sinh", "Chứng thực bản sao"),
        strict=True,
    ):
        await portal.ok(
            "dossier.upsert", code=code, status="processing", procedure=procedure, field="Hộ tịch",
            department="Phòng Tư pháp", due_date=due.isoformat(), received_date=(today - dt.timedelta(days=30)).isoformat(),
        )  # fmt: skip


async def a_morning(lobby, serve: int) -> None:  # type: ignore[no-untyped-def]
    """Tickets issued; some called, served, completed and rated; the rest left waiting."""
    kiosk = await lobby.client("kiosk")
    lan = await lobby.officer("counter-1", user="lan")
    minh = await lobby.officer("counter-2", user="minh")
    pad = await lobby.client("pad-1")
    for n in range(8):
        await kiosk.ok("ticket.issue", service="HT" if n % 3 else "DD")
    for n in range(serve):
        officer = lan if n % 2 == 0 else minh
        called = await officer.ok("ticket.call_next")
        await officer.ok("ticket.complete", ticket=called["ticket"]["id"])
        if officer is lan:
            await pad.ok("rating.submit", ticket=called["ticket"]["id"], score=4 - n % 4)
    await minh.ok("counter.pause")


@pytest.fixture
def province(tmp_path: Path, central_dsn: str):  # type: ignore[no-untyped-def]
    """Two sites' mornings shipped to the central database; their database files."""
    dbs = {site: tmp_path / f"{site}.db" for site in SITES}

    async def mornings() -> None:
        for serve, (site, db) in zip((5, 3), dbs.items(), strict=True):
            async with running_lobby(db, site_named(site)) as lobby:
                await a_morning(lobby, serve)
                if site == "xa-an-binh":
                    await late_dossiers(lobby)

    asyncio.run(mornings())
    for site, db in dbs.items():
        shipper = Shipper(db, site, quick(central_dsn), describe_site(site_named(site)), DossierSettings(), TZ)
        shipper.start()
        try:
            assert wait_caught_up(shipper, 20)
        finally:
            shipper.stop()
    return parse_province(PROVINCE.format(dsn=central_dsn)), dbs
