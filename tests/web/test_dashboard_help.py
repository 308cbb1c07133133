"""Help requests on the manager dashboard in Chromium against a real server on a clock the test
moves: the live view lists the open requests (where, since when, who is on the way) and follows
them as volunteers take and close them; the day's report shows the help figures (requested,
from kiosks and phones, answered, unanswered, average and longest time to answer, by
volunteer) as report.get gives them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.config.site import parse_config
from tests.integration.conftest import Clock
from tests.support.demo import DEMO, DEMO_TOKENS, demo_site
from tests.web.conftest import InProcessServer, Listener, new_browser, screenshot
from tests.web.pages import click, enter_token, text_of, wait, wait_gone


@pytest.fixture
def clock() -> Clock:
    return Clock()  # Monday 23 November 2026, 09:00 in Hanoi


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[InProcessServer]:
    running = InProcessServer(parse_config(demo_site(), DEMO), tmp_path / "lobby.db", clock=clock)
    yield running
    running.stop()


def test_the_dashboard_lists_open_help_requests_live_and_reports_the_help_figures(
    server: InProcessServer, clock: Clock, listeners: list[Listener], browsers: list
) -> None:
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    volunteer = Listener(server.ws_url, token=DEMO_TOKENS["volunteer-1"])
    phone = Listener(server.ws_url)  # a citizen's phone on /q: the public role
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners += [kiosk, volunteer, phone, manager]
    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/dashboard")
    enter_token(driver, "manager")
    wait(driver, "#live-help-none", "Không có ai đang chờ hỗ trợ")

    asked = kiosk.request("help.ask")["request"]["id"]
    wait(driver, f'#live-help-table tr[data-request="{asked}"]', "Ki-ốt")
    clock.advance(seconds=30)
    on_phone = phone.request("help.ask", device="f00dfeedf00dfeedf00dfeed", note="áo xanh, ghế hàng 3")["request"]["id"]
    row = wait(driver, f'#live-help-table tr[data-request="{on_phone}"]', "Điện thoại")
    assert "áo xanh, ghế hàng 3" in row.text and "Chưa có người nhận" in row.text
    assert text_of(driver, "#live-help h2").startswith("Cần hỗ trợ (2)")
    assert manager.request("help.list")["help"][0]["id"] == asked  # the same list, oldest first

    clock.advance(seconds=60)  # the kiosk's citizen has waited 90 s when a volunteer takes it
    volunteer.request("help.take", request=asked)
    taken = wait(driver, f'#live-help-table tr[data-request="{asked}"]', "Tình nguyện viên Hoa đang đến")
    assert "1,5 phút" in taken.text
    driver.execute_script("document.querySelector('#live-help').scrollIntoView()")
    screenshot(driver, "dashboard-help-live")
    clock.advance(seconds=120)
    volunteer.request("help.close", request=asked)
    wait_gone(driver, f'#live-help-table tr[data-request="{asked}"]')
    assert text_of(driver, "#live-help h2").startswith("Cần hỗ trợ (1)")

    click(driver, "#tab-reports")
    click(driver, "#report-show")
    figures = manager.request("report.get")["report"]["help"]
    assert (figures["requested"], figures["answered"], figures["average_answer_seconds"]) == (2, 1, 90.0)
    wait(driver, "#report-help-requested", "2")
    shown = {css: text_of(driver, f"#report-help-{css}") for css in ("kiosks", "phones", "answered", "unanswered", "average", "longest")}
    assert shown == {"kiosks": "1", "phones": "1", "answered": "1", "unanswered": "1", "average": "1,5 phút", "longest": "1,5 phút"}
    volunteers = text_of(driver, "#report-help-volunteers")
    assert "Tình nguyện viên Hoa" in volunteers and volunteers.splitlines()[-1].endswith("1")
    driver.execute_script("document.querySelector('#report-help').scrollIntoView()")
    screenshot(driver, "dashboard-help-report")
