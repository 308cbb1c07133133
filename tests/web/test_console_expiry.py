"""The console warns before the sign-in ends and the PIN extends it, in Chromium against a real
server in this process whose clock the test moves (as tests/integration/test_sign_in_day.py
does): an office day of 07:30–17:00, the officer serving A001 when 16:52 comes."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import Clock
from tests.integration.sites import PIN, TOKENS, TZ, office_site
from tests.web.conftest import InProcessServer, Listener, new_browser, screenshot
from tests.web.pages import click, press, sign_in, text_of, type_into, wait, wait_gone

WARNING = "Phiên làm việc sẽ kết thúc lúc 17:00 — nhập mã PIN để gia hạn"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[InProcessServer]:
    running = InProcessServer(office_site(), tmp_path / "lobby.db", clock)
    yield running
    running.stop()


def test_the_console_warns_ten_minutes_before_the_end_and_the_pin_extends_it_keeping_the_ticket(
    server: InProcessServer, clock: Clock, listeners: list[Listener], browsers: list
) -> None:
    kiosk = Listener(server.running.url, token=TOKENS["kiosk"])
    manager = Listener(server.running.url, token=TOKENS["manager"])
    listeners += [kiosk, manager]
    for _ in range(2):
        kiosk.request("ticket.issue", service="HT")

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-1")
    type_into(driver, "#device-token", TOKENS["counter-1"])
    click(driver, "#token-save")
    sign_in(driver, "lan", PIN)
    click(driver, "#open")
    press(driver, "n")
    wait(driver, "#current-label", "A001")
    assert text_of(driver, "#expires") == "Phiên đến 17:00"
    assert not driver.find_element("css selector", "#expiry-warning").is_displayed()  # 8 hours left: no warning

    clock.now = dt.datetime(2026, 11, 23, 16, 52, tzinfo=TZ)  # the server's clock, not the PC's
    kiosk.request("ticket.issue", service="HT")  # the lobby goes on: the console asks counter.status again
    warning = text_of(driver, "#expiry-warning", WARNING)
    assert unicodedata.is_normalized("NFC", warning)
    screenshot(driver, "console-expiry-warning")

    type_into(driver, "#extend-pin", "0000\n")  # a wrong PIN: said, nothing extended
    wait(driver, "#extend-error", "không đúng")
    assert text_of(driver, "#expires") == "Phiên đến 17:00"
    type_into(driver, "#extend-pin", PIN + "\n")
    wait(driver, "#expires", "Phiên đến 17:52")
    wait_gone(driver, "#expiry-warning")
    wait(driver, "#message", "Đã gia hạn phiên làm việc đến 17:52.")
    assert text_of(driver, "#current-label") == "A001"  # the citizen at the counter is still there
    press(driver, "h")
    manager.wait_for("ticket.completed", label="A001", officer="lan")
    assert manager.count("counter.changed", officer=None) == 0  # never signed out
