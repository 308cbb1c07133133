"""The citizen's phone pages in Chromium against a real server: following a ticket from its
QR address (position, people ahead, the called alert, rating within the window), and booking
an appointment whose QR code decodes back to the booking's address."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
import unicodedata
from pathlib import Path

import pytest

from queue_server.config.site import parse_config
from tests.integration.conftest import Clock
from tests.support.demo import DEMO, DEMO_TOKENS, demo_site
from tests.web.conftest import InProcessServer, Listener, Server, new_browser, screenshot
from tests.web.pages import click, text_of, wait, wait_gone

PHONE = (412, 915)


def page_clock(now: dt.datetime) -> str:
    """A script that sets the page's clock (``Date.now``: the times already past) to the server's."""
    return f"(() => {{ const real = Date.now; const shift = {now.timestamp() * 1000:.0f} - real(); Date.now = () => real() + shift; }})();"


def vietnamese(text: str) -> bool:
    """Whether ``text`` has a letter English has not (a diacritic, or đ)."""
    return "đ" in text.lower() or any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", text))


def test_the_ticket_page_follows_the_ticket_until_called_and_rates_it(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-1"])
    listeners += [kiosk, counter]
    first = kiosk.request("ticket.issue", service="HT")["ticket"]
    mine = kiosk.request("ticket.issue", service="HT")["ticket"]
    assert mine["url"].startswith(server.url + "/t/")

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(mine["url"])
    wait(phone, "#label", "A002")
    assert text_of(phone, "#ahead") == "1"
    assert "phút chờ ước tính" in text_of(phone, "#waiting")
    assert first["code"] not in phone.page_source  # one ticket only
    screenshot(phone, "phone-ticket-waiting")

    counter.request("officer.sign_in", user="lan.nguyen", pin="1001")
    counter.request("counter.open")
    counter.request("ticket.call_next")  # A001: my place moves up
    wait(phone, "#ahead", "0")
    assert text_of(phone, "#eta") == "<1′"  # not "~0′"
    counter.request("ticket.complete")
    counter.request("ticket.call_next")  # A002: called
    alert = wait(phone, "#called", "Quầy 1 – Hộ tịch")
    assert "Mời bạn đến" in alert.text
    assert phone.title.startswith("ĐẾN LƯỢT A002")
    screenshot(phone, "phone-ticket-called")

    counter.request("ticket.complete")
    wait(phone, "#rating")
    screenshot(phone, "phone-ticket-rate")
    click(phone, 'button[data-score="4"]')
    wait(phone, "#rated", "Cảm ơn")
    assert counter.wait_for("rating.recorded", label="A002")["score"] == 4


def test_a_wrong_ticket_address_says_so_and_a_malformed_one_is_not_found(server: Server, browsers: list) -> None:
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}/t/ABCDEFGH23")  # well-formed, no such ticket today
    wait(phone, "#unknown", "Không tìm thấy số này")
    # the page knows the answer and stops: no red "lost connection, retrying" above it
    wait_gone(phone, "#status")
    assert "Mất kết nối" not in text_of(phone, "body")
    phone.get(f"{server.url}/t/abc")
    assert "Không tìm thấy trang này" in text_of(phone, "h1")


def test_an_unknown_booking_says_so_in_vietnamese_first(server: Server, browsers: list) -> None:
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}/b/ABCD2345")  # well formed, nobody booked it
    card = wait(phone, "#unknown", "Không tìm thấy lịch hẹn")
    lines = [line for line in card.text.splitlines() if line.strip()]
    # every line starts in Vietnamese: the server's English message, if any, comes after it
    assert lines[1].startswith("Không có lịch hẹn nào với mã này"), lines
    assert not any(line.startswith("No ") for line in lines), lines
    screenshot(phone, "phone-booking-unknown")


def test_booking_gives_a_code_whose_qr_code_decodes_to_the_booking(
    midday_server: Server, browsers: list, tmp_path: Path
) -> None:
    server = midday_server
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}/book")
    wait(phone, "#service")
    slot = wait(phone, "#slots button:enabled")
    slot_start = slot.get_attribute("data-start")
    click(phone, f'#slots button[data-start="{slot_start}"]')
    screenshot(phone, "phone-book")
    click(phone, "#book")
    code_text = text_of(phone, "#booking-code")
    assert len(code_text) == 9 and code_text[4] == "-"
    code = code_text.replace("-", "")
    assert phone.current_url == f"{server.url}/b/{code}"
    assert text_of(phone, "#booking-service") == "Hộ tịch"
    assert text_of(phone, "#booking-time") == slot_start[11:16]
    slot = dt.datetime.fromisoformat(slot_start)  # the demo checks in from 15 min early to 10 min late
    window = f"Từ {slot - dt.timedelta(minutes=15):%H:%M} đến {slot + dt.timedelta(minutes=10):%H:%M} ngày {slot:%d/%m/%Y}"
    assert text_of(phone, "#checkin-window").startswith(window)
    wait(phone, "#qr")
    phone.execute_script("return document.querySelector('#qr').decode()")
    screenshot(phone, "phone-booking")
    qr_png = tmp_path / "qr.png"
    wait(phone, "#qr").screenshot(str(qr_png))
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(qr_png)], capture_output=True, text=True, timeout=20)
    assert decoded.stdout.strip() == f"{server.url}/b/{code}"

    # the booking is real: the kiosk checks it in
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    try:
        booked = kiosk.request("appointment.get", booking=code)["appointment"]
        assert booked["state"] == "booked" and booked["slot_start"] == slot_start
    finally:
        kiosk.close()

    # cancelled from the page: it says so, with no cancel button and nothing stray in its place
    click(phone, "#cancel")
    phone.switch_to.alert.accept()
    wait(phone, "#booking-state", "Đã hủy")
    assert not phone.find_elements("css selector", "#cancel")
    assert "null" not in text_of(phone, "#main")

def test_a_used_or_cancelled_booking_shows_its_state_and_no_cancel_button(midday_server: Server, browsers: list) -> None:
    server = midday_server
    import asyncio

    from queue_server.booker import book_next_slot

    used = asyncio.run(book_next_slot(server.ws_url, "HT"))
    cancelled = asyncio.run(book_next_slot(server.ws_url, "HT"))
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    try:
        kiosk.request("appointment.check_in", booking=used.code)
        manager.request("appointment.cancel", booking=cancelled.code)
    finally:
        kiosk.close()
        manager.close()
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    for booking, state in ((used, "Đã làm thủ tục tại ki-ốt"), (cancelled, "Đã hủy")):
        phone.get(f"{server.url}/b/{booking.code}")
        wait(phone, "#booking-state", state)
        page = phone.find_element("tag name", "main").text
        assert "null" not in page and "undefined" not in page, page  # the DOM writes a left-out child as "null"
        assert not phone.find_elements("css selector", "#cancel")
        assert not phone.find_elements("css selector", "#checkin-window")  # no "scan this code" any more
    screenshot(phone, "phone-booking-used")


@pytest.mark.parametrize("hour, minute", [(23, 50), (7, 0)])
def test_the_book_button_stays_in_sight_below_a_long_list_of_times(
    tmp_path: Path, browsers: list, hour: int, minute: int
) -> None:
    """On the server's clock and the page's, fixed at a late evening (no times left today) and an
    early morning: the test passes at any hour of the real day."""
    clock = Clock()
    clock.now = clock.now.replace(hour=hour, minute=minute)
    server = InProcessServer(parse_config(demo_site(), DEMO), tmp_path / "lobby.db", clock=clock)
    try:
        _book_a_time_below_a_long_list(server, browsers, clock.now)
    finally:
        server.stop()


def _book_a_time_below_a_long_list(server: InProcessServer, browsers: list, now: dt.datetime) -> None:
    from selenium.webdriver.support.ui import Select

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": page_clock(now)})
    phone.get(f"{server.url}/book")
    # today's times, whatever they are (none left late in the evening), before choosing tomorrow
    loaded = "const s = document.querySelector('#slots'); return !!s && !s.textContent.includes('Đang tải');"
    deadline = time.monotonic() + 10
    while not phone.execute_script(loaded):
        assert time.monotonic() < deadline, "today's times never loaded"
        time.sleep(0.05)
    assert phone.execute_script("return Date.now()") >= now.timestamp() * 1000
    Select(phone.find_element("css selector", "#day")).select_by_index(1)  # tomorrow: the demo's 96 times of a day
    wait(phone, '#slots button[data-start$="T00:00:00+07:00"]')
    click(phone, '#slots button[data-start$="T00:00:00+07:00"]')
    in_sight = "const r = document.querySelector('#book').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight;"
    assert phone.execute_script(in_sight)
    assert text_of(phone, "#book").startswith("Đặt lịch lúc 00:00")
    screenshot(phone, "phone-book-chosen")


def test_a_day_without_times_says_why_today_past_its_last_time_or_a_closed_day(tmp_path: Path, browsers: list) -> None:
    """Monday 23 November 2026 at 14:00 on the server's clock and the page's: Xây dựng takes
    bookings on weekday mornings only (07:30-11:30), so today its times are all past, and on
    Saturday it takes none; Hộ tịch (round the clock) still has today's afternoon."""
    from selenium.webdriver.support.ui import Select

    clock = Clock()
    clock.now = clock.now.replace(hour=14)
    server = InProcessServer(parse_config(demo_site(), DEMO), tmp_path / "lobby.db", clock=clock)
    try:
        phone = new_browser(width=PHONE[0], height=PHONE[1])
        browsers.append(phone)
        phone.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": page_clock(clock.now)})
        phone.get(f"{server.url}/book")
        wait(phone, '#slots button[data-start="2026-11-23T14:15:00+07:00"]')  # Hộ tịch: today's afternoon
        assert not phone.find_elements("css selector", "#no-times")
        Select(phone.find_element("css selector", "#service")).select_by_value("XD")
        past = text_of(phone, "#no-times", "Hôm nay")
        assert past == "Hôm nay đã hết giờ nhận lịch hẹn — xin chọn ngày khác. Today's times are over: choose another day."
        screenshot(phone, "phone-book-today-past")
        Select(phone.find_element("css selector", "#day")).select_by_value("2026-11-28")  # a Saturday
        closed = text_of(phone, "#no-times", "Ngày này")
        assert closed == "Ngày này không nhận lịch hẹn. No bookings on this day."
        Select(phone.find_element("css selector", "#day")).select_by_value("2026-11-24")  # Tuesday morning
        wait(phone, '#slots button[data-start="2026-11-24T07:30:00+07:00"]')
        assert not phone.find_elements("css selector", "#no-times")
        # what is marked English is English (the ID card's hint is Vietnamese, though grey and small)
        english = phone.execute_script("return [...document.querySelectorAll('[lang=en]')].map((n) => n.textContent)")
        assert "Today's times are over: choose another day." not in english  # gone with its day
        assert [text for text in english if vietnamese(text)] == []
    finally:
        server.stop()
