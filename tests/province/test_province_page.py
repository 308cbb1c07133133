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


LONG = "tp-ho-chi-minh-"  # ids as long as real ones: 170 of them pass the old 4,000-character field
MAP = """
[province]
name = "Thành phố Hồ Chí Minh"
dsn = "{dsn}"

[[manager]]
user = "giam.doc"
name = "Trần Văn Giám"
token = "province-director-token"
sites = ["*"]
"""


def test_a_province_of_170_sites_is_searched_filtered_grouped_and_reported(central_dsn: str, tmp_path: Path) -> None:
    """Hồ Chí Minh City's real sites on the 2025 map (its centre, 113 wards', 55 communes' centres
    with their official codes, and a receiving point; 13 silent): the page groups them and names
    each ward or commune from the map, finds them without diacritics — by the map's name too —,
    filters the silent ones, and reports on a group chosen on the server — all 170 at once,
    which the old page's id list could not send."""
    import psycopg
    from selenium.webdriver.support.ui import Select

    from bench.province_live import make_sites, province_sites
    from province.config import parse_province
    from province.selection import fold
    from queue_server.core import admin_map

    sites = province_sites("79", points=1, prefix=LONG)
    ids = [s.site for s in sites]
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        make_sites(conn, sites, 4, dt.datetime.now(dt.UTC))
    assert len(sites) == 170 and len(",".join(ids)) > 4000, "more than the old page's field could carry"
    point = sites[-1]
    commune = next(s for s in sites if s.site == point.commune)
    assert (point.kind, point.ward_code, point.name) == ("point", commune.ward_code, "Điểm tiếp nhận số 1")
    unit = admin_map.unit_name(commune.ward_code)
    assert unit and unit.startswith("Xã ")
    server = ProvinceServer(parse_province(MAP.format(dsn=central_dsn)))
    driver = new_browser(tmp_path)

    def texts(css: str, attribute: str | None = None) -> list[str]:
        """In one reading: the table is drawn again every 5 s (an element found may be gone)."""
        script = "return [...document.querySelectorAll(arguments[0])].map((e) => arguments[1] ? e.getAttribute(arguments[1]) : e.textContent)"
        return list(driver.execute_script(script, css, attribute))

    def rows() -> list[str]:
        return texts("#sites tbody tr[data-site]", "data-site")

    try:
        driver.get(f"{server.url}/province")
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#live-summary", "Đang hiện 170 / 170 đơn vị")
        groups = texts("#sites tr.group")
        assert groups == ["Trung tâm tỉnh (1)", "Phường (113)", "Xã (55)", f"Điểm tiếp nhận của {unit} (1)"], groups
        assert len(rows()) == 170
        (shown,) = texts(f'#sites tr[data-site="{ids[1]}"] .unit')
        assert shown == admin_map.unit_name(sites[1].ward_code), "each ward or commune named from the map"
        alarm = wait(driver, "#offline-alarm", "13 đơn vị mất liên lạc quá 3 phút")
        assert alarm.get_attribute("role") == "alert"
        (silent,) = texts(f'#sites tr[data-site="{ids[5]}"] td.contact')
        assert silent.startswith("Mất liên lạc từ "), silent
        (heard,) = texts(f'#sites tr[data-site="{ids[4]}"] td.contact')
        assert heard.endswith("giây trước"), heard

        # no diacritics, and the map's name: the receiving point's own name does not say its commune
        wanted = fold(unit.removeprefix("Xã "))
        driver.find_element(By.ID, "site-search").send_keys(wanted)
        expected = sorted(s.site for s in sites if wanted in fold(s.name) or wanted in fold(admin_map.unit_name(s.ward_code) or ""))
        wait(driver, "#live-summary", f"Đang hiện {len(expected)} / 170 đơn vị")
        assert sorted(rows()) == expected and {commune.site, point.site} <= set(expected)
        Select(driver.find_element(By.ID, "report-scope")).select_by_visible_text("Các đơn vị khớp ô “Tìm đơn vị”")
        wait(driver, "#report-count", f"{len(expected)} đơn vị")
        driver.find_element(By.ID, "report-show").click()  # the server finds them by the map's name too
        table = wait(driver, "#report-table", "Điểm tiếp nhận số 1", timeout=30)
        assert len(table.find_elements(By.TAG_NAME, "tr")) == 1 + len(expected) + 1
        Select(driver.find_element(By.ID, "report-scope")).select_by_index(0)
        driver.find_element(By.ID, "site-search").clear()
        driver.execute_script("document.getElementById('site-search').dispatchEvent(new Event('input'))")
        Select(driver.find_element(By.ID, "site-filter")).select_by_visible_text("Mất liên lạc")
        wait(driver, "#live-summary", "Đang hiện 13 / 170 đơn vị")
        assert sorted(rows()) == sorted(ids[n] for n in range(5, 170, 13))
        Select(driver.find_element(By.ID, "site-filter")).select_by_visible_text("Tất cả")
        Select(driver.find_element(By.ID, "site-group")).select_by_visible_text("Phường (113)")
        wait(driver, "#live-summary", "Đang hiện 113 / 170 đơn vị")
        units = texts("#sites tbody tr[data-site] .unit")
        assert len(units) == 113 and all(u.startswith("Phường ") for u in units), units[:3]
        screenshot(driver, "province-170-sites-wards")

        Select(driver.find_element(By.ID, "site-group")).select_by_visible_text("Tất cả các nhóm")
        driver.find_element(By.ID, "report-show").click()  # every site the director sees: 170
        deadline = time.monotonic() + 30
        while len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) != 1 + 170 + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) == 1 + 170 + 1
        Select(driver.find_element(By.ID, "report-scope")).select_by_visible_text("Nhóm: Xã (55)")
        wait(driver, "#report-count", "55 đơn vị")
        driver.find_element(By.ID, "report-show").click()
        deadline = time.monotonic() + 30
        while len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) != 1 + 55 + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(driver.find_elements(By.CSS_SELECTOR, "#report-table tr")) == 1 + 55 + 1
        assert "công phường" not in driver.find_element(By.ID, "report-table").text

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
