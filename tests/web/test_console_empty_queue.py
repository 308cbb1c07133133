"""The officer console's waiting list holds only what it says: nothing stray under it, with an
empty queue (issue 15: a literal ``null`` was drawn under “Không có ai đang chờ.”) or a short one."""

from __future__ import annotations

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, sign_in, text_of, wait


def test_the_waiting_list_shows_no_stray_text_empty_or_short(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-1")
    enter_token(driver, "counter-1")
    wait(driver, "#sign-in-form")
    sign_in(driver, "lan.nguyen", "1001")
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    wait(driver, "#waiting", "Không có ai đang chờ.")
    assert text_of(driver, "#waiting").splitlines() == ["Đang chờ (0) Waiting", "Không có ai đang chờ."]
    assert driver.execute_script("return document.querySelector('#waiting').childNodes.length") == 2
    screenshot(driver, "console-empty-queue")

    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners.append(kiosk)
    kiosk.request("ticket.issue", service="HT")
    wait(driver, "#waiting", "Đang chờ (1)")
    assert "null" not in text_of(driver, "#waiting")
    assert not driver.find_elements("css selector", "#waiting-more")
    assert driver.execute_script("return document.querySelector('#waiting').childNodes.length") == 2
