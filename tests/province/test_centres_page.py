"""The province's public page (/centres) in a real headless Chromium (issue 22): no token; a
field chosen → every centre that serves it with its people waiting and its next free booking
slot, sorted by wait, then by distance from the browser's own position; a centre out of
touch listed last as "Mất liên lạc", without figures. Four real sites ship to a real
PostgreSQL; motcua-central publishes their figures."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path

import psycopg
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from province.config import parse_province
from province.database import Database
from province.server import Province, start
from queue_server.config.place import SiteKind, SitePlace
from queue_server.config.settings import DossierSettings
from queue_server.shipping.shipper import Shipper, wait_caught_up
from queue_server.shipping.site_record import describe_site
from tests.integration.conftest import running_lobby
from tests.integration.sites import TZ
from tests.province.province_data import PROVINCE
from tests.shipping.sites import named_site, quick
from tests.support import axe
from tests.web.conftest import new_browser, screenshot
from tests.web.pages import wait

# (name, address, latitude, longitude, people waiting for HT)
SITES = {
    "phuong-tan-ninh": ("UBND phường Tân Ninh", "Số 12 đường 30/4", 11.3102, 106.0983, 5),
    "xa-thanh-dien": ("UBND xã Thạnh Điền", "Ấp Thạnh Hiệp", 11.3300, 106.0800, 2),
    "xa-tan-chau": ("UBND xã Tân Châu", "Khu phố 1", 11.5600, 106.1700, 1),
    "xa-loc-hung": ("UBND xã Lộc Hưng", "Ấp Lộc Thuận", 11.2000, 106.3000, 0),  # out of touch
}


class ProvinceServer:
    """motcua-central's server on its own thread and event loop, on a free port."""

    def __init__(self, config) -> None:  # type: ignore[no-untyped-def]
        import threading

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.province = Province(config, Database(config.dsn))
        self.server = asyncio.run_coroutine_threadsafe(start(self.province, "127.0.0.1", 0), self.loop).result(20)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def placed(site: str):  # type: ignore[no-untyped-def]
    name, address, lat, lon, _ = SITES[site]
    config = named_site(site)
    return dataclasses.replace(
        config, site=dataclasses.replace(config.site, name=name), place=SitePlace(SiteKind.COMMUNE, None, address, lat, lon)
    )


def names(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [item.find_element(By.CSS_SELECTOR, ".name").text for item in driver.find_elements(By.CSS_SELECTOR, "#centres li")]


def wait_order(driver, expected: list[str], timeout: float = 10) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + timeout
    while names(driver) != expected:
        assert time.monotonic() < deadline, (names(driver), expected)
        time.sleep(0.05)


def test_a_citizen_finds_the_centres_of_a_field_sorted_by_wait_and_by_distance(central_dsn: str, tmp_path: Path) -> None:
    async def mornings() -> None:
        for site, (*_, waiting) in SITES.items():
            async with running_lobby(tmp_path / f"{site}.db", placed(site)) as lobby:
                await lobby.officer("counter-1", user="lan")
                kiosk = await lobby.client("kiosk")
                for _ in range(waiting):
                    await kiosk.ok("ticket.issue", service="HT")

    asyncio.run(mornings())
    for site in SITES:
        shipper = Shipper(tmp_path / f"{site}.db", site, quick(central_dsn), describe_site(placed(site)), DossierSettings(), TZ)
        shipper.start()
        try:
            assert wait_caught_up(shipper, 20), shipper.status.last_error
        finally:
            shipper.stop()
    with psycopg.connect(central_dsn, autocommit=True) as conn:  # Lộc Hưng's link went 10 minutes ago
        conn.execute("UPDATE sites SET last_contact = now() - interval '10 minutes' WHERE site = 'xa-loc-hung'")
        conn.execute(  # its booking book, as its view sent it
            "INSERT INTO site_offers (site, offers) VALUES ('xa-thanh-dien', '{\"next_free_slot\": {\"HT\": \"2026-11-24T07:30:00+07:00\"}}')"
        )

    config = parse_province(PROVINCE.format(dsn=central_dsn))
    server = ProvinceServer(config)
    province: Province = server.province
    asyncio.run_coroutine_threadsafe(province.waits.refresh(), server.loop).result(20)  # as its publisher does
    driver = new_browser(width=412, height=915)  # a phone's screen: the page is for phones first
    try:
        driver.get(f"{server.url}/centres")  # no token asked
        wait(driver, "#field option", "Hộ tịch (4 trung tâm)", visible=False)
        assert "Chọn một lĩnh vực" in wait(driver, "#note").text
        Select(driver.find_element(By.ID, "field")).select_by_value("HT")

        # by wait: the fewest waiting first; the one out of touch last, without figures
        wait_order(driver, ["UBND xã Tân Châu", "UBND xã Thạnh Điền", "UBND phường Tân Ninh", "UBND xã Lộc Hưng"])
        thanh_dien = wait(driver, '#centres li[data-site="xa-thanh-dien"]')
        assert "Đang chờ: 2 người · 1 quầy đang mở" in thanh_dien.text
        assert "Lịch hẹn trống sớm nhất: 07:30 ngày 24/11" in thanh_dien.text
        assert "Ấp Thạnh Hiệp" in thanh_dien.text
        loc_hung = wait(driver, '#centres li[data-site="xa-loc-hung"]')
        assert "Mất liên lạc" in loc_hung.text and "Đang chờ" not in loc_hung.text
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
        screenshot(driver, "centres-by-wait")
        axe.check(driver, "/centres: a field's centres by wait")  # no serious or critical WCAG violation

        # by distance, from where the browser is (the ward's door): the nearest first
        driver.execute_cdp_cmd("Browser.grantPermissions", {"origin": server.url, "permissions": ["geolocation"]})
        driver.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 11.3102, "longitude": 106.0983, "accuracy": 10})
        Select(driver.find_element(By.ID, "sort")).select_by_value("distance")
        wait_order(driver, ["UBND phường Tân Ninh", "UBND xã Thạnh Điền", "UBND xã Tân Châu", "UBND xã Lộc Hưng"])
        assert "Cách bạn 3,0 km" in wait(driver, '#centres li[data-site="xa-thanh-dien"]').text
        screenshot(driver, "centres-by-distance")

        # without a token, the public figures alone
        async def stranger() -> None:
            from websockets.asyncio.client import connect

            async with connect(server.url.replace("http", "ws") + "/") as ws:
                for request in ({"id": 1, "op": "hello"}, {"id": 2, "op": "province.live"}, {"id": 3, "op": "public.waits", "service": "HT"}):
                    await ws.send(json.dumps(request))
                hello, live, waits = sorted([json.loads(await ws.recv()) for _ in range(3)], key=lambda reply: reply["re"])
                assert hello["ok"] and hello["public"] is True and "manager" not in hello
                assert live["ok"] is False and live["error"]["code"] == "forbidden"
                assert waits["ok"] and {c["site"] for c in waits["centres"]} == set(SITES)

        asyncio.run(stranger())

        # an address's budget holds across connections: 40 requests on 4 connections, 30 answered
        async def greedy() -> list[dict]:
            from websockets.asyncio.client import connect

            replies = []
            for _ in range(4):
                async with connect(server.url.replace("http", "ws") + "/") as ws:
                    await ws.send(json.dumps({"id": 0, "op": "hello"}))
                    await ws.recv()
                    for n in range(1, 11):
                        await ws.send(json.dumps({"id": n, "op": "public.waits"}))
                    replies += [json.loads(await ws.recv()) for _ in range(10)]
            return replies

        replies = asyncio.run(greedy())
        # each connection stayed within its own 10 at once: what is refused, the address's budget
        # refused (30 at once, used a little by the page above; one back every 2 s meanwhile)
        refused = [r for r in replies if not r["ok"]]
        assert 10 <= len(refused) <= 16 and all(not r["ok"] for r in replies[-8:]), [r.get("error") for r in replies]
        assert {r["error"]["code"] for r in refused} == {"rate_limited"}
        assert refused[0]["error"]["message"].startswith("Địa chỉ mạng này đã hỏi quá nhiều lần")
        assert refused[0]["error"]["details"]["retry_after"] > 0
    finally:
        driver.quit()
        server.stop()
        province.waits.database.close()
        province.database.close()
