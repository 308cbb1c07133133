"""The national dashboard in a real headless Chromium: a manager of one province signs in with
their token and sees that province, its sites' figures of a day and its total; a report by
field; no other province anywhere on the page."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from selenium.webdriver.common.by import By

from national.config import load_national
from national.database import Database
from national.server import Nation, start
from province import reports as province_reports
from tests.national.country import DAYS, MAPPED_SITE, PROVINCES
from tests.national.test_national import province_report
from tests.web.conftest import new_browser, screenshot
from tests.web.pages import wait


class NationalServer:
    """The national server on its own thread and event loop, on a free port."""

    def __init__(self, config_path: str) -> None:
        config = load_national(config_path)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(start(Nation(config, Database(config.dsn)), "127.0.0.1", 0), self.loop).result(20)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_a_regions_manager_reads_their_province_in_the_browser(country, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    made, config = country
    server = NationalServer(config)
    driver = new_browser(tmp_path)
    try:
        driver.get(f"{server.url}/national")
        wait(driver, "#device-token").send_keys("region-80-manager-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#national-name", "Cục Kiểm soát thủ tục hành chính")
        wait(driver, "#who", "Trần Thị Vùng · 1 tỉnh")
        driver.execute_script("document.querySelector('#date').value = arguments[0]", DAYS[1].isoformat())
        driver.find_element(By.ID, "day-show").click()
        table = wait(driver, "#sites-80", "UBND xã An Bình")
        own = province_report(made, "80", province_reports.By.SITE, DAYS[1], DAYS[1])
        rows = {r.find_element(By.TAG_NAME, "td").text: [td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in table.find_elements(By.TAG_NAME, "tr")[1:]}
        named = {site: f"{name} (Phường Tân Ninh)" if site == MAPPED_SITE[1] else name for site, name in PROVINCES["80"].items()}
        assert set(rows) == {*named.values(), "Tổng cộng"}, "a site's ward named from the 2025 map by its ward_code"
        for row in own.rows:
            name = named[row.site]
            assert rows[name][1:3] == [str(row.figures.issued), str(row.figures.served)], name
        assert rows["Tổng cộng"][1] == str(own.total.issued)
        assert "Tây Ninh" in driver.find_element(By.ID, "provinces").text
        driver.find_element(By.ID, "by").send_keys("Lĩnh vực")
        driver.find_element(By.ID, "report-show").click()
        wait(driver, "#report-table", "Tổng cộng")
        driver.find_element(By.ID, "replication-show").click()
        wait(driver, "#replication", "Đang nhận")
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "Đồng Tháp" not in body and "sites-82" not in driver.page_source
        screenshot(driver, "national-dashboard")
    finally:
        driver.quit()
        server.stop()
