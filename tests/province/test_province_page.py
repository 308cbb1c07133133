"""The province dashboard in a real headless Chromium: the manager's token once, every site
live, a site's drill-down, a report and its Excel download."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import sqlite3
import threading
import time
from pathlib import Path

import openpyxl
from selenium.webdriver.common.by import By

from province.database import Database
from province.server import Province, start
from tests.province.province_data import SITES
from tests.web.conftest import new_browser, screenshot
from tests.web.pages import wait


class ProvinceServer:
    """The province server on its own thread and event loop, on a free port."""

    def __init__(self, config, clock=None) -> None:  # type: ignore[no-untyped-def]
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = asyncio.run_coroutine_threadsafe(start(Province(config, Database(config.dsn), clock), "127.0.0.1", 0), self.loop).result(20)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    def stop(self) -> None:
        async def close() -> None:
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(close(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_the_director_reads_the_province_in_the_browser(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    server = ProvinceServer(config)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = new_browser(downloads)
    try:
        driver.get(f"{server.url}/province")
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#province-name", "Tỉnh Tây Ninh")
        wait(driver, "#status", "Đã kết nối")
        for name in SITES.values():
            wait(driver, "#sites tbody", name)
        row = wait(driver, '#sites tr[data-site="xa-an-binh"]')
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[0] == "UBND xã An Bình" and cells[1] == "3" and cells[3] == "5" and cells[4] == "1/3"
        row.find_element(By.TAG_NAME, "a").click()
        wait(driver, "#detail-fields", "Hộ tịch")
        wait(driver, "#detail-counters", "Tạm dừng")
        wait(driver, "#detail-dossiers", "Cấp giấy phép xây dựng")  # the site's late dossiers
        assert "Quá hạn" in driver.find_element(By.ID, "detail-dossiers").text
        assert cells[6] == "1 / 1", "overdue / due soon"
        driver.find_element(By.ID, "by").send_keys("Cán bộ")
        driver.find_element(By.ID, "report-show").click()
        table = wait(driver, "#report-table", "Nguyễn Thị Lan")
        assert "UBND phường 1 — Trần Văn Minh" in table.text and "Tổng cộng" in table.text
        screenshot(driver, "province-dashboard")
        driver.find_element(By.ID, "report-xlsx").click()
        deadline = time.monotonic() + 15
        while not list(downloads.glob("*.xlsx")) and time.monotonic() < deadline:
            time.sleep(0.1)
        (book,) = downloads.glob("*.xlsx")
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(book.read_bytes())).active.iter_rows()]
        assert rows[1][:2] == ["Đơn vị (Site)", "Cán bộ (Officer)"]
        assert ["UBND xã An Bình", "Nguyễn Thị Lan"] in [r[:2] for r in rows]
        assert rows[-1][1] == "Tổng cộng (Total)" and rows[-1][2] == 16
    finally:
        driver.quit()
        server.stop()



def sign_in(driver, token: str, who: str) -> None:  # type: ignore[no-untyped-def]
    wait(driver, "#token-form h1", "Đăng nhập — Trung tâm tỉnh")
    driver.find_element(By.ID, "device-token").send_keys(token)
    driver.find_element(By.ID, "token-save").click()
    wait(driver, "#who", who)


def test_the_province_sign_in_is_the_provinces_and_another_manager_can_switch_in(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The sign-in is the province's, Vietnamese first; "Đổi tài khoản" lets another manager in
    on the same browser, whose token is the one kept then."""
    config, _ = province
    server = ProvinceServer(config)
    driver = new_browser(tmp_path)
    try:
        driver.get(f"{server.url}/province")
        heading = wait(driver, "#token-form h1")
        assert heading.text.startswith("Đăng nhập — Trung tâm tỉnh") and "Device" not in driver.page_source
        assert driver.title.startswith("Đăng nhập — Trung tâm tỉnh")
        sign_in(driver, "district-a-manager-token", "Lê Thị Huyện")
        wait(driver, "#sites tbody", "UBND xã An Bình")
        assert "UBND phường 1" not in driver.find_element(By.ID, "sites").text
        driver.find_element(By.ID, "switch-account").click()  # the director, on the same browser
        assert driver.execute_script("return localStorage.getItem('motcua.token.province')") is None
        sign_in(driver, "province-director-token", "Trần Văn Giám")
        wait(driver, "#sites tbody", "UBND phường 1")
        driver.refresh()  # the director's token is the one kept now
        wait(driver, "#who", "Trần Văn Giám")
        screenshot(driver, "province-switched-account")
    finally:
        driver.quit()
        server.stop()


def test_a_wait_under_ten_minutes_reads_in_minutes_and_seconds(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, dbs = province
    with sqlite3.connect(dbs["xa-an-binh"]) as conn:
        (oldest,) = conn.execute("SELECT min(arrival_at) FROM tickets WHERE state = 'waiting'").fetchone()
    now = dt.datetime.fromisoformat(oldest) + dt.timedelta(minutes=3, seconds=24)  # its oldest citizen has waited 3:24
    server = ProvinceServer(config, lambda: now)
    driver = new_browser(tmp_path)
    try:
        driver.get(f"{server.url}/province")
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        row = wait(driver, '#sites tr[data-site="xa-an-binh"]')
        assert row.find_elements(By.TAG_NAME, "td")[2].text == "3 phút 24 giây"
    finally:
        driver.quit()
        server.stop()


def test_a_chart_across_sites_names_each_bars_officer_and_site(province, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config, _ = province
    server = ProvinceServer(config)
    driver = new_browser(tmp_path)
    try:
        driver.get(f"{server.url}/province")
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#sites tbody", "UBND phường 1")
        driver.find_element(By.ID, "by").send_keys("Cán bộ")
        driver.find_element(By.ID, "report-show").click()
        wait(driver, "#report-table", "Nguyễn Thị Lan")
        labels = [t.text for t in driver.find_elements(By.CSS_SELECTOR, "#chart-served svg text")]
        assert "Nguyễn Thị Lan" in labels and "Trần Văn Minh" in labels, labels
        assert "UBND xã An Bình" in labels and "UBND phường 1" in labels, labels
        screenshot(driver, "province-chart-across-sites")
    finally:
        driver.quit()
        server.stop()


LONG = "ubnd-xa-phuong-tinh-tay-ninh-"  # ids as long as real ones: 170 of them pass the old 4,000-character field
MAP = """
[province]
name = "Tỉnh Tây Ninh"
dsn = "{dsn}"

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám"
token = "province-director-token"
sites = ["*"]
"""


def test_a_province_of_170_sites_is_searched_filtered_grouped_and_reported(central_dsn: str, tmp_path: Path) -> None:
    """170 generated sites (a centre, wards, communes, receiving points; 13 silent): the page
    groups them, finds them without diacritics, filters the silent ones, and reports on a
    group chosen on the server — all 170 at once, which the old page's id list could not send."""
    import psycopg
    from selenium.webdriver.support.ui import Select

    from bench.province_live import make_sites, site_ids
    from province.config import parse_province
    from province.selection import fold

    with psycopg.connect(central_dsn, autocommit=True) as conn:
        make_sites(conn, 170, 4, dt.datetime.now(dt.UTC), prefix=LONG)
        names = dict(conn.execute("SELECT site, config->>'name' FROM site_configs").fetchall())
    assert len(",".join(site_ids(170, LONG))) > 4000, "more than the old page's field could carry"
    server = ProvinceServer(parse_province(MAP.format(dsn=central_dsn)))
    driver = new_browser(tmp_path)

    def rows() -> list[str]:
        return [r.get_attribute("data-site") for r in driver.find_elements(By.CSS_SELECTOR, "#sites tbody tr[data-site]")]

    try:
        driver.get(f"{server.url}/province")
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#live-summary", "Đang hiện 170 / 170 đơn vị")
        groups = [g.text for g in driver.find_elements(By.CSS_SELECTOR, "#sites tr.group")]
        assert groups[:3] == ["Trung tâm tỉnh (1)", "Phường (29)", "Xã (112)"], groups[:4]
        points = [g for g in groups if g.startswith("Điểm tiếp nhận của ")]
        assert len(points) == 28 and "Điểm tiếp nhận của UBND xã Phước Đông 2 (1)" in points, points[:3]
        assert len(rows()) == 170
        alarm = wait(driver, "#offline-alarm", "13 đơn vị mất liên lạc quá 3 phút")
        assert alarm.get_attribute("role") == "alert"
        silent = driver.find_element(By.CSS_SELECTOR, f'#sites tr[data-site="{LONG}005"] td.contact')
        assert silent.text.startswith("Mất liên lạc từ "), silent.text
        heard = driver.find_element(By.CSS_SELECTOR, f'#sites tr[data-site="{LONG}004"] td.contact')
        assert heard.text.endswith("giây trước"), heard.text

        driver.find_element(By.ID, "site-search").send_keys("phuoc dong")  # no diacritics
        expected = sorted(site for site, name in names.items() if "phuoc dong" in fold(name))
        wait(driver, "#live-summary", f"Đang hiện {len(expected)} / 170 đơn vị")
        assert sorted(rows()) == expected and len(expected) == 23
        driver.find_element(By.ID, "site-search").clear()
        driver.execute_script("document.getElementById('site-search').dispatchEvent(new Event('input'))")
        Select(driver.find_element(By.ID, "site-filter")).select_by_visible_text("Mất liên lạc")
        wait(driver, "#live-summary", "Đang hiện 13 / 170 đơn vị")
        assert sorted(rows()) == [f"{LONG}{n:03d}" for n in range(5, 170, 13)]
        Select(driver.find_element(By.ID, "site-filter")).select_by_visible_text("Tất cả")
        Select(driver.find_element(By.ID, "site-group")).select_by_visible_text("Phường (29)")
        wait(driver, "#live-summary", "Đang hiện 29 / 170 đơn vị")
        assert all(names[site].startswith("UBND phường") for site in rows())
        screenshot(driver, "province-170-sites-wards")

        Select(driver.find_element(By.ID, "site-group")).select_by_visible_text("Tất cả các nhóm")
        driver.find_element(By.ID, "report-show").click()  # every site the director sees: 170
        table = wait(driver, "#report-table", "Tổng cộng", timeout=30)
        assert len(table.find_elements(By.TAG_NAME, "tr")) == 1 + 170 + 1
        Select(driver.find_element(By.ID, "report-scope")).select_by_visible_text("Nhóm: Xã (112)")
        wait(driver, "#report-count", "112 đơn vị")
        driver.find_element(By.ID, "report-show").click()
        deadline = time.monotonic() + 30
        while len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) != 1 + 112 + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) == 1 + 112 + 1
        assert "UBND phường" not in driver.find_element(By.ID, "report-table").text

        driver.find_element(By.ID, "site-search").send_keys("không có đơn vị này")
        Select(driver.find_element(By.ID, "report-scope")).select_by_visible_text("Các đơn vị khớp ô “Tìm đơn vị”")
        wait(driver, "#report-count", "0 đơn vị")
        driver.find_element(By.ID, "report-show").click()
        error = wait(driver, "#report-error", "Không có đơn vị nào")
        assert error.text.startswith("Không có đơn vị nào trong phạm vi của anh/chị khớp với lựa chọn"), error.text
        screenshot(driver, "province-170-sites-report-error")
    finally:
        driver.quit()
        server.stop()
