"""A counter PC's console enrolled by a code typed in its set-up form, in Chromium against a real
server (the demo centre with counter-2 declared without a token): the code the manager made
with device.enrolment_code, typed as people type it; the token kept in the browser; the
console then works, and a revocation cuts it off with the server's words."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.config.site import parse_config
from queue_server.protocol.enrolling import ask_token
from queue_server.server.enrolment import BAD_CODE_WORDS, REVOKED_WORDS
from tests.support.demo import DEMO, DEMO_TOKENS, OFFICERS, demo_site
from tests.web.conftest import InProcessServer, Listener, new_browser, screenshot
from tests.web.pages import click, sign_in, text_of, type_into, wait

TOKEN_KEY = "motcua.token.counter-2"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[InProcessServer]:
    text = demo_site().replace('token = "demo-counter-2-token"\n', "", 1)
    assert "demo-counter-2-token" not in text
    running = InProcessServer(parse_config(text, DEMO), tmp_path / "lobby.db")
    yield running
    running.stop()


def test_the_console_is_enrolled_by_a_code_typed_in_its_set_up_form_then_works(
    server: InProcessServer, listeners: list[Listener], browsers: list
) -> None:
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners.append(manager)
    code = manager.request("device.enrolment_code", device="counter-2")["code"]

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-2")
    wait(driver, "#token-form", "Mã đăng ký")
    type_into(driver, "#enrol-code", "12")  # not a code: said here, nothing sent
    click(driver, "#token-save")
    wait(driver, "#token-error", "Mã đăng ký gồm 8 ký tự")
    wrong = "ABCD-EFGH" if code != "ABCD-EFGH" else "HGFE-DCBA"
    type_into(driver, "#enrol-code", wrong, clear=True)
    click(driver, "#token-save")
    error = text_of(driver, "#token-error", "Mã đăng ký sai")
    assert error == BAD_CODE_WORDS  # the server's words; the form stays, the code in its box
    assert driver.find_element("css selector", "#enrol-code").get_attribute("value") == wrong
    assert driver.execute_script(f"return localStorage.getItem({TOKEN_KEY!r})") is None
    screenshot(driver, "console-enrol-refused")

    typed = f"  {code[:4].lower()} {code[5:].lower()} "  # any case, a space for the dash
    type_into(driver, "#enrol-code", typed, clear=True)
    click(driver, "#token-save")
    wait(driver, "#sign-in-form")
    assert manager.wait_for("device.enrolled", device="counter-2")["replaced"] is False
    token = driver.execute_script(f"return localStorage.getItem({TOKEN_KEY!r})")
    assert token and len(token) == 43  # its own token, kept as a typed one is

    user, pin = OFFICERS[2]
    sign_in(driver, user, pin)
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    manager.wait_for("counter.changed", counter=2, state="open")
    driver.refresh()  # the kept token: no set-up form again
    wait(driver, "#counter-state", "Đang mở")
    assert not driver.find_elements("css selector", "#token-form")
    screenshot(driver, "console-enrolled")

    other = new_browser()  # the code was used once
    browsers.append(other)
    other.get(f"{server.url}/console?device=counter-2")
    type_into(other, "#enrol-code", code)
    click(other, "#token-save")
    wait(other, "#token-error", "Mã đăng ký sai")

    manager.request("device.revoke", device="counter-2")  # cut off now, and told why
    assert text_of(driver, "#token-error", "thu hồi") == REVOKED_WORDS
    assert driver.execute_script(f"return localStorage.getItem({TOKEN_KEY!r})") is None


def test_a_code_of_another_counter_pc_opens_its_page_and_one_of_a_kiosk_is_not_kept(
    server: InProcessServer, listeners: list[Listener], browsers: list
) -> None:
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners.append(manager)
    driver = new_browser()
    browsers.append(driver)

    code = manager.request("device.enrolment_code", device="counter-2")["code"]
    driver.get(f"{server.url}/console?device=counter-5")
    type_into(driver, "#enrol-code", code)
    click(driver, "#token-save")
    wait(driver, "#sign-in-form")  # counter-2's page: the code said which PC this is
    assert driver.current_url.endswith("/console?device=counter-2")
    assert driver.execute_script(f"return localStorage.getItem({TOKEN_KEY!r})")
    assert driver.execute_script('return localStorage.getItem("motcua.token.counter-5")') is None

    code = manager.request("device.enrolment_code", device="kiosk-1")["code"]
    driver.get(f"{server.url}/console?device=counter-6")
    type_into(driver, "#enrol-code", code)
    click(driver, "#token-save")  # refused by the server (hello's role), in its words: the form stays
    words = text_of(driver, "#token-error", "không phải máy tính quầy")
    assert words.startswith("Mã này dành cho thiết bị khác (ki-ốt kiosk-1), không phải máy tính quầy")
    assert driver.find_element("css selector", "#enrol-code").get_attribute("value") == code
    assert driver.execute_script('return localStorage.getItem("motcua.token.counter-6")') is None
    assert driver.execute_script('return localStorage.getItem("motcua.token.kiosk-1")') is None
    assert asyncio.run(ask_token(server.ws_url, code, "kiosk"))["device"] == "kiosk-1"  # not used: the kiosk's still
