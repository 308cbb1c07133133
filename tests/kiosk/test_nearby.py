"""The kiosk suggests centres nearby with a shorter wait (issue 22): the real kiosk app under
Xvfb, its real server reading the province's live waits from a real PostgreSQL, where another
real site shipped its morning and motcua-central's publisher wrote every site's figures."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
from pathlib import Path

from province.database import Database
from province.waits import ProvinceWaits
from queue_server.core import commands
from queue_server.server import province_link
from tests.integration.client import Client
from tests.kiosk.support import ARTEFACTS, KIOSK_TOKEN, Clock, Kiosk, load, queue_server, text, write_site
from tests.province.test_province_waits import placed, ship
from tests.support.ports import free_port

SITE_LINE = 'name = "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh"\n'
HERE = 'address = "Số 83 đường Phạm Tung, phường Tân Ninh"\nlatitude = 11.3102\nlongitude = 106.0983\n'


def test_a_long_wait_shows_the_nearest_centres_with_a_shorter_one(workdir: Path, scanner_url: str, central_dsn: str) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url)
    source = site.read_text(encoding="utf-8")
    assert SITE_LINE in source
    site.write_text(
        source.replace(SITE_LINE, SITE_LINE + HERE, 1)
        + f'\n[central]\ndsn = "{central_dsn}"\nprovince_seconds = 0.3\nprovince_stale_seconds = 10\n',
        encoding="utf-8",
    )
    config = load(site)
    assert config.central is not None and config.place.latitude == 11.3102
    waits = ProvinceWaits(Database(central_dsn), lambda: dt.datetime.now(dt.UTC), dt.timedelta(minutes=3))
    shots = ARTEFACTS / "nearby"

    async def scenario() -> None:
        # another centre of the province, 2.6 km away: a counter open for HT, one citizen waiting
        from tests.integration.conftest import running_lobby

        other_db = workdir / "xa-thanh-dien.db"
        async with running_lobby(other_db, placed("xa-thanh-dien")) as other:
            await other.officer("counter-1", user="lan")
            await (await other.client("kiosk")).ok("ticket.issue", service="HT")
        await asyncio.to_thread(ship, other_db, "xa-thanh-dien", central_dsn)
        waits.every = 0.5
        publisher = asyncio.create_task(waits.keep_publishing())  # motcua-central's (every 15 s; 0.5 s here)

        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            task = province_link.start(hub, dataclasses.replace(config.central))  # as bootstrap does with [central]
            kiosk = None
            try:
                deadline = time.monotonic() + 20
                while hub.province.reads == 0:
                    assert time.monotonic() < deadline, hub.province.last_error
                    await asyncio.sleep(0.05)
                # here: one counter open, four citizens already waiting for HT (4 × 6 min > 20 min)
                await hub.execute(commands.SignIn(now=hub.now(), counter=1, officer="lan"))
                await hub.execute(commands.OpenCounter(now=hub.now(), counter=1))
                desk = await Client.open(f"ws://127.0.0.1:{port}/")
                await desk.ok("hello", token=KIOSK_TOKEN)
                for _ in range(4):
                    await desk.ok("ticket.issue", service="HT")
                await desk.close()

                kiosk = await Kiosk.start(site, shots)
                await kiosk.wait_screen("home", 20)
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                shown = text(await kiosk.wait_text("Nơi gần đây chờ ít hơn", 10))
                assert "Ở đây đang chờ lâu. Nơi gần đây chờ ít hơn:" in shown
                assert "• UBND xã Thạnh Điền: 1 người đang chờ, cách đây 3,0 km" in shown, shown
                assert "Ấp Thạnh Hiệp, xã Thạnh Điền" in shown
                assert "Số của bạn ở đây vẫn giữ nguyên." in shown
                assert "A005" in shown  # the number here was given all the same
                await kiosk.shot("01-ticket-with-centres-nearby")

                # a field with nobody waiting here: no suggestion
                await kiosk.wait_printed()
                await kiosk.tap("done")
                await kiosk.wait_screen("home", 15)
                await kiosk.tap("tile:DD")
                await kiosk.wait_screen("ticket")
                await kiosk.wait_printed()
                assert "Nơi gần đây" not in text(await kiosk.cmd("screen"))
            finally:
                if kiosk is not None:
                    await kiosk.close()
                task.cancel()
                publisher.cancel()

    try:
        asyncio.run(scenario())
    finally:
        waits.database.close()
