"""The volunteers' page (/volunteer) in Chromium against a real server on the demo centre, with
volunteer-1 declared without a token: the phone is enrolled by the code the manager made; a
real kiosk-role websocket client presses "Cần hỗ trợ"; the volunteer sees the request with its
kiosk and age, takes it and closes it; issues a priority number for a citizen; checks a
booking in by its code. Each action is an event carrying the phone's device id."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.config.site import parse_config
from tests.integration.conftest import Clock
from tests.support.demo import DEMO, DEMO_TOKENS, demo_site
from tests.web.conftest import InProcessServer, Listener, new_browser, screenshot
from tests.web.pages import click, text_of, type_into, wait, wait_gone

PHONE = (412, 915)


@pytest.fixture
def clock() -> Clock:
    return Clock()  # Monday 23 November 2026, 09:00 in Hanoi


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[InProcessServer]:
    text = demo_site().replace('token = "demo-volunteer-1-token"\n', "", 1)
    assert "demo-volunteer-1-token" not in text
    config = parse_config(text, DEMO)
    port_free = InProcessServer(config, tmp_path / "lobby.db", clock=clock)
    yield port_free
    port_free.stop()


def test_a_volunteer_takes_and_closes_a_kiosks_request_issues_a_number_and_checks_a_booking_in(
    server: InProcessServer, clock: Clock, listeners: list[Listener], browsers: list
) -> None:
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners.extend([manager, kiosk])
    code = manager.request("device.enrolment_code", device="volunteer-1")["code"]

    driver = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(driver)
    driver.get(f"{server.url}/volunteer")
    wait(driver, "#token-form", "Mã đăng ký")
    kiosks_code = manager.request("device.enrolment_code", device="kiosk-1")["code"]
    type_into(driver, "#enrol-code", kiosks_code)
    click(driver, "#token-save")  # a kiosk's code on a volunteer's phone: refused, and still the kiosk's
    words = text_of(driver, "#token-error", "không phải điện thoại tình nguyện viên")
    assert words.startswith("Mã này dành cho thiết bị khác (ki-ốt kiosk-1)")
    assert driver.execute_script("return localStorage.getItem('motcua.token.kiosk-1')") is None
    type_into(driver, "#enrol-code", code.lower().replace("-", " "), clear=True)
    click(driver, "#token-save")
    wait(driver, "#no-help", "Chưa có ai cần hỗ trợ")
    assert manager.wait_for("device.enrolled", device="volunteer-1")
    assert driver.execute_script("return location.search") == "?device=volunteer-1"
    assert len(driver.execute_script("return localStorage.getItem('motcua.token.volunteer-1')")) == 43

    # the kiosk presses "Cần hỗ trợ": the page shows it at once, with its kiosk's name
    asked = kiosk.request("help.ask")
    assert asked["words_vi"] == "Đã gọi người hỗ trợ, xin chờ trong giây lát"
    request = asked["request"]["id"]
    card = wait(driver, f"#help-{request}", "Ki-ốt lấy số – sảnh chính")
    assert "Tại ki-ốt" in card.text and "giây trước" in card.text
    screenshot(driver, "volunteer-request")
    clock.advance(seconds=100)
    click(driver, f"#help-{request} button.take")
    wait(driver, f"#help-{request}", "Bạn đang đến")
    taken = manager.wait_for("help.taken", request=request)
    assert (taken["volunteer"], taken["waited_seconds"]) == ("volunteer-1", 100.0)
    assert kiosk.request("help.status")["request"]["taken"] is True
    clock.advance(seconds=60)
    click(driver, f"#help-{request} button.close")
    wait(driver, "#no-help")
    closed = manager.wait_for("help.closed", request=request)
    assert (closed["volunteer"], closed["open_seconds"]) == ("volunteer-1", 160.0)
    assert kiosk.request("help.status")["request"] is None

    # a priority number in Hộ tịch for the citizen in front of the volunteer
    driver.find_element("css selector", "#issue-service option[value='HT']").click()
    driver.find_element("css selector", "#issue-priority option[value='elderly']").click()
    click(driver, "#issue")
    label = text_of(driver, "#ticket-label")
    issued = manager.wait_for("ticket.issued", label=label)
    assert (issued["service"], issued["priority"], issued["source"]) == ("HT", "elderly", "volunteer-1")
    assert "/t/" in text_of(driver, "#ticket-url")
    screenshot(driver, "volunteer-ticket")

    # a booking checked in by its code (the slot at 09:30, its check-in open from 09:15)
    phone = Listener(server.ws_url)
    listeners.append(phone)
    booking = phone.request("appointment.book", service="HT", slot_start="2026-11-23T09:30:00+07:00")["appointment"]
    clock.advance(minutes=15)
    type_into(driver, "#booking-code", booking["code"].lower())
    click(driver, "#check-in")
    wait(driver, "#ticket", "Đã xác nhận lịch hẹn")
    checked = manager.wait_for("appointment.checked_in", id=booking["id"])
    assert manager.wait_for("ticket.issued", ticket=checked["ticket"])["source"] == "volunteer-1"
    assert driver.find_element("css selector", "#booking-code").get_attribute("value") == ""  # ready for the next
    type_into(driver, "#booking-code", booking["code"])
    click(driver, "#check-in")  # the same code again: refused, said in Vietnamese
    wait(driver, "#action-error", "Lịch hẹn này đã được dùng")
    wait_gone(driver, "#token-form")
    screenshot(driver, "volunteer-check-in")
