"""The province dashboard (motcua-central's /province) checked by axe-core in Chromium against
a real province server on a throwaway PostgreSQL: no serious or critical WCAG 2.x A/AA
violation, on a desktop and at 200 % zoom, signing in, live, a site's drill-down and a report
(tests/support/axe.py). A new page of the province server is one more line of ``pages``."""

from __future__ import annotations

import contextlib
import shutil

from selenium.webdriver.common.by import By

from tests.province.province_data import province  # noqa: F401 - a fixture
from tests.province.test_province_page import ProvinceServer
from tests.support import axe
from tests.web.conftest import new_browser
from tests.web.pages import click, wait


def test_the_province_pages_have_no_serious_accessibility_violation(province) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    config, _ = province
    server = ProvinceServer(config)
    driver = new_browser()

    def signed_out() -> None:
        driver.get(f"{server.url}/province")
        driver.execute_script("localStorage.clear()")
        driver.get(f"{server.url}/province")
        wait(driver, "#token-form")

    def live() -> None:
        signed_out()
        wait(driver, "#device-token").send_keys("province-director-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#status", "Đã kết nối")
        wait(driver, '#sites tr[data-site="xa-an-binh"]')

    def drill_down() -> None:
        live()
        wait(driver, '#sites tr[data-site="xa-an-binh"]').find_element(By.TAG_NAME, "a").click()
        wait(driver, "#detail-dossiers")

    def report() -> None:
        live()
        click(driver, "#report-show")
        wait(driver, "#report-table", "Tổng cộng")

    try:
        axe.check_staff_pages(driver, {
            "/province: signing in": signed_out,
            "/province: live": live,
            "/province: a site's drill-down": drill_down,
            "/province: a report": report,
        })  # fmt: skip
    finally:
        with contextlib.suppress(Exception):
            driver.quit()
        shutil.rmtree(driver.motcua_profile, ignore_errors=True)
        server.stop()
