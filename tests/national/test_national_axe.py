"""The national page (motcua-national's /national) checked by axe-core in Chromium against a
real national server and its provinces' PostgreSQL: no serious or critical WCAG 2.x A/AA
violation, on a desktop and at 200 % zoom, signing in and a day's figures
(tests/support/axe.py). A new page of the national server is one more line of ``pages``."""

from __future__ import annotations

import contextlib
import shutil

from selenium.webdriver.common.by import By

from tests.national.country import DAYS
from tests.national.test_national_page import NationalServer
from tests.support import axe
from tests.web.conftest import new_browser
from tests.web.pages import wait


def test_the_national_page_has_no_serious_accessibility_violation(country) -> None:  # type: ignore[no-untyped-def]
    _, config = country
    server = NationalServer(config)
    driver = new_browser()

    def signed_out() -> None:
        driver.get(f"{server.url}/national")
        driver.execute_script("localStorage.clear()")
        driver.get(f"{server.url}/national")
        wait(driver, "#device-token")

    def day() -> None:
        signed_out()
        wait(driver, "#device-token").send_keys("region-80-manager-token")
        driver.find_element(By.ID, "token-save").click()
        wait(driver, "#who", "Trần Thị Vùng")
        driver.execute_script("document.querySelector('#date').value = arguments[0]", DAYS[1].isoformat())
        driver.find_element(By.ID, "day-show").click()
        wait(driver, "#sites-80", "UBND xã An Bình")

    try:
        axe.check_staff_pages(driver, {"/national: signing in": signed_out, "/national: a day": day})
    finally:
        with contextlib.suppress(Exception):
            driver.quit()
        shutil.rmtree(driver.motcua_profile, ignore_errors=True)
        server.stop()
