"""Every page of a centre's server checked by axe-core (tests/support/axe.py) in Chromium
against a real server on the demo centre: no serious or critical WCAG 2.x A/AA violation.

The pages show Vietnamese and English side by side (English in ``lang="en"`` spans), so each
page is checked once per mode: the citizens' pages on a phone (412 px) and in their "Chữ lớn"
large-text mode on a 360-px-wide phone, where nothing may also run out of its box sideways;
the staff's pages on a desktop window and at 200 % zoom (the same layout a browser zoomed to
200 % draws: half the CSS pixels, twice the device pixels). One server and one browser for all.

A new page is one line of :data:`PAGES`: its name, whether citizens use it, and the function
that opens it and waits until it is drawn.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import axe
from tests.support.axe import viewport
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, sign_in, wait

PHONE = (412, 915)
SMALL_PHONE = (360, 780)
DESKTOP = axe.DESKTOP
INTEGRATION = "demo-integration-token"
DOSSIER = "000.00.16.H12-261201-0001"
LARGE_TEXT_KEY = "motcua.largeText"  # the large-text module's key in localStorage (large_text.js)


class Lobby:
    """The demo server, the devices the pages need around them, and one browser."""

    def __init__(self, tmp: Path) -> None:
        self.server = Server(tmp)
        self.url = self.server.url
        self.kiosk = Listener(self.server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        self.counter = Listener(self.server.ws_url, token=DEMO_TOKENS["counter-3"])
        self.portal = Listener(self.server.ws_url, token=INTEGRATION)
        self.phone = Listener(self.server.ws_url)
        self.counter.request("officer.sign_in", user="hung.tran", pin="1002")
        self.counter.request("counter.open")
        self.ticket = self.kiosk.request("ticket.issue", service="HT")["ticket"]
        self.kiosk.request("ticket.issue", service="DD")
        today = dt.date.today()
        self.dossier = self.portal.request(
            "dossier.upsert", code=DOSSIER, status="processing", version=1, procedure="Đăng ký khai sinh",
            department="Phòng Tư pháp", received_date=today.isoformat(),
            due_date=(today + dt.timedelta(days=5)).isoformat(), collect_at="Quầy 10",
            steps=[{"at": today.isoformat(), "status": "received", "unit": "Bộ phận một cửa"}],
        )  # fmt: skip
        self.booking = self._book()
        self.driver = new_browser(width=DESKTOP[0], height=DESKTOP[1])

    def _book(self) -> dict[str, Any]:
        for days in range(1, 15):
            day = (dt.date.today() + dt.timedelta(days=days)).isoformat()
            slots = self.phone.request("appointment.slots", service="HT", day=day)["slots"]
            free = [s for s in slots if s.get("free", 1)]
            if free:
                booked = self.phone.request("appointment.book", service="HT", slot_start=free[0]["start"])["appointment"]
                # and Đất đai an hour later: that day's forecast (the planning tab) has half-hours
                # in which one field needs no counter, the cells drawn grey (.need0)
                later = dt.datetime.fromisoformat(free[0]["start"]) + dt.timedelta(hours=1)
                other = self.phone.request("appointment.slots", service="DD", day=day)["slots"]
                start = next(s["start"] for s in other if s.get("free") and dt.datetime.fromisoformat(s["start"]) >= later)
                self.phone.request("appointment.book", service="DD", slot_start=start)
                return booked
        raise AssertionError("the demo centre has no free slot in two weeks")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.driver.quit()
        shutil.rmtree(self.driver.motcua_profile, ignore_errors=True)
        for listener in (self.kiosk, self.counter, self.portal, self.phone):
            listener.close()
        self.server.stop()


@pytest.fixture(scope="module")
def lobby(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lobby]:
    running = Lobby(tmp_path_factory.mktemp("axe"))
    yield running
    running.close()


# ---- how each page is opened (and drawn) ----


def store_token(lobby: Lobby, device: str) -> None:
    lobby.driver.execute_script(f"localStorage.setItem('motcua.token.{device}', arguments[0])", DEMO_TOKENS[device])


def settled(driver: Any, css: str = "main", timeout: float = 10) -> None:
    """Wait until ``css``'s text stops changing (a tab filled from a few replies)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        text = driver.execute_script("const n = document.querySelector(arguments[0]); return n ? n.innerText : null", css)
        if text and text == last and "Đang tải" not in text:
            return
        last = text
        time.sleep(0.3)


def dashboard_planning(lobby: Lobby) -> None:
    """The planning tab's forecast of the day of the lobby's two bookings: a field's half-hour
    that needs no counter is drawn (.need0), so its grey is checked too."""
    dashboard("planning")(lobby)
    lobby.driver.execute_script("document.querySelector('#planning-date').value = arguments[0]", lobby.booking["slot_start"][:10])
    click(lobby.driver, "#planning-show")
    wait(lobby.driver, "#staffing-table .need0")
    settled(lobby.driver, "#planning")


def console_token(lobby: Lobby) -> None:
    lobby.driver.execute_script("localStorage.removeItem('motcua.token.counter-1'); sessionStorage.clear()")
    lobby.driver.get(f"{lobby.url}/console?device=counter-1")
    wait(lobby.driver, "#token-form")


def console_sign_in(lobby: Lobby) -> None:
    store_token(lobby, "counter-1")
    lobby.driver.execute_script("sessionStorage.clear()")
    lobby.driver.get(f"{lobby.url}/console?device=counter-1")
    wait(lobby.driver, "#sign-in-form")


def console(lobby: Lobby) -> None:
    console_sign_in(lobby)
    sign_in(lobby.driver, "lan.nguyen", "1001")
    wait(lobby.driver, "#controls")
    settled(lobby.driver)


def console_transfer(lobby: Lobby) -> None:
    console(lobby)
    lobby.driver.execute_script("document.querySelector('#transfer-dialog').showModal()")
    wait(lobby.driver, "#transfer-form")


def console_serving(lobby: Lobby) -> None:
    """Counter 1 open and serving a number: the visit's boxes (dossiers, re-entry, fee)."""
    console(lobby)
    lobby.kiosk.request("ticket.issue", service="HT")
    for step in ("#open", "#complete"):  # as the counter was left by the case before
        with contextlib.suppress(AssertionError):
            click(lobby.driver, step + ":enabled", timeout=1)
            time.sleep(0.5)
    click(lobby.driver, "#call-next:enabled")
    wait(lobby.driver, "#current .label")
    settled(lobby.driver)


def console_pause(lobby: Lobby) -> None:
    console_serving(lobby)
    click(lobby.driver, "#pause")
    wait(lobby.driver, "#pause-dialog[open], #message")


def dashboard(tab: str) -> Callable[[Lobby], None]:
    def open_tab(lobby: Lobby) -> None:
        store_token(lobby, "manager")
        lobby.driver.get(f"{lobby.url}/dashboard")
        wait(lobby.driver, "#tab-live")
        if tab != "live":
            click(lobby.driver, f"#tab-{tab}")
        wait(lobby.driver, f"#{tab}")
        settled(lobby.driver, f"#{tab}")

    open_tab.__name__ = f"dashboard_{tab}"
    return open_tab


def ticket(lobby: Lobby) -> None:
    lobby.driver.get(lobby.ticket["url"])
    wait(lobby.driver, "#label", lobby.ticket["label"])
    settled(lobby.driver)


def ticket_called(lobby: Lobby) -> None:
    """A number of its own, called at counter 3: the page flashes its red call."""
    mine = lobby.kiosk.request("ticket.issue", service="DD")["ticket"]
    lobby.driver.get(mine["url"])
    wait(lobby.driver, "#label", mine["label"])
    for _ in range(20):  # counter 3 serves whoever is before it
        with contextlib.suppress(Exception):
            lobby.counter.request("ticket.complete")
        if lobby.counter.request("ticket.call_next")["ticket"]["label"] == mine["label"]:
            break
    wait(lobby.driver, "#called")


def dossier(lobby: Lobby) -> None:
    lobby.driver.get(lobby.dossier["url"])
    wait(lobby.driver, "#state-text")
    settled(lobby.driver)


def dossier_digits(lobby: Lobby) -> None:
    lobby.driver.get(f"{lobby.url}/d/{DOSSIER}")  # typed, without its check: asks for the ID's last digits
    wait(lobby.driver, "main form, main input")
    settled(lobby.driver)


def phone_queue(lobby: Lobby) -> None:
    lobby.driver.get(f"{lobby.url}/q")
    wait(lobby.driver, "#services, #none-open")
    settled(lobby.driver)


def book(lobby: Lobby) -> None:
    lobby.driver.get(f"{lobby.url}/book")
    wait(lobby.driver, "#service")
    settled(lobby.driver)


def booking(lobby: Lobby) -> None:
    lobby.driver.get(f"{lobby.url}/b/{lobby.booking['code']}")
    wait(lobby.driver, "main .code, main img")
    settled(lobby.driver)


def rate_idle(lobby: Lobby) -> None:
    store_token(lobby, "pad-3")
    lobby.driver.get(f"{lobby.url}/rate?device=pad-3&timeout=60")
    wait(lobby.driver, "#idle")


def rate_asking(lobby: Lobby) -> None:
    rate_idle(lobby)
    lobby.kiosk.request("ticket.issue", service="DD")
    with contextlib.suppress(Exception):
        lobby.counter.request("ticket.complete")
    lobby.counter.request("ticket.call_next")
    lobby.counter.request("ticket.complete")
    wait(lobby.driver, "#rating")


def reentry(lobby: Lobby) -> None:
    lobby.driver.get(f"{lobby.url}/r/23456789ABCD")
    wait(lobby.driver, "#reentry-code", "2345-6789-ABCD")


def phone_queue_help(lobby: Lobby) -> None:
    phone_queue(lobby)
    click(lobby.driver, "#help")
    wait(lobby.driver, "#help-said", "hỗ trợ")
    settled(lobby.driver)


def volunteer_request(lobby: Lobby) -> None:
    lobby.kiosk.request("help.ask")
    volunteer(lobby)
    wait(lobby.driver, ".help-request")


def volunteer(lobby: Lobby) -> None:
    store_token(lobby, "volunteer-1")
    lobby.driver.get(f"{lobby.url}/volunteer?device=volunteer-1")
    wait(lobby.driver, "#no-help, .help-request")
    settled(lobby.driver)


@dataclasses.dataclass(frozen=True)
class Page:
    name: str
    citizen: bool
    open: Callable[[Lobby], None]


PAGES = [
    Page("console: device token", False, console_token),
    Page("console: sign in", False, console_sign_in),
    Page("console", False, console),
    Page("console: transfer", False, console_transfer),
    Page("console: serving", False, console_serving),
    Page("console: pause", False, console_pause),
    *(Page(f"dashboard: {tab}", False, dashboard(tab))
      for tab in ("live", "reports", "insight", "dossiers", "outbox", "devices", "ticker")),
    Page("dashboard: planning", False, dashboard_planning),
    Page("rating tablet: idle", True, rate_idle),
    Page("rating tablet: asking", True, rate_asking),
    Page("/t ticket", True, ticket),
    Page("/t ticket: called", True, ticket_called),
    Page("/d dossier", True, dossier),
    Page("/d dossier: last digits", True, dossier_digits),
    Page("/q phone queue", True, phone_queue),
    Page("/q phone queue: help asked", True, phone_queue_help),
    Page("/book", True, book),
    Page("/b booking", True, booking),
    Page("/r re-entry", True, reentry),
    Page("/volunteer", True, volunteer),
    Page("/volunteer: a help request", True, volunteer_request),
]  # fmt: skip


# ---- modes ----


def large_text(lobby: Lobby, on: bool) -> None:
    lobby.driver.get(f"{lobby.url}/healthz")  # this origin's storage, before the page opens
    if on:
        lobby.driver.execute_script("localStorage.setItem(arguments[0], '1')", LARGE_TEXT_KEY)
    else:
        lobby.driver.execute_script("localStorage.removeItem(arguments[0])", LARGE_TEXT_KEY)


def open_in(lobby: Lobby, page: Page, mode: str) -> None:
    driver = lobby.driver
    large_text(lobby, mode == "large text")
    if page.citizen:
        width, height = SMALL_PHONE if mode == "large text" else PHONE
        viewport(driver, width, height, scale=3, mobile=True)
    else:
        axe.STAFF_MODES[mode](driver)
    page.open(lobby)


CASES = [
    pytest.param(page, mode, id=f"{page.name} · {mode}")
    for page in PAGES
    for mode in (("normal", "large text") if page.citizen else ("normal", "zoom 200%"))
]


@pytest.mark.parametrize(("page", "mode"), CASES)
def test_the_page_has_no_serious_accessibility_violation(lobby: Lobby, page: Page, mode: str) -> None:
    open_in(lobby, page, mode)
    where = f"{page.name} ({mode})"
    try:
        axe.check(lobby.driver, where)
        if mode == "large text":
            assert lobby.driver.execute_script("return document.documentElement.classList.contains('large-text')"), (
                f"{where}: the page is not in large-text mode"
            )
            spilled = axe.overflows(lobby.driver)
            assert not spilled, f"{where} at {SMALL_PHONE[0]} px: " + "; ".join(spilled)
    except AssertionError:
        screenshot(lobby.driver, "axe-" + "".join(c if c.isalnum() else "-" for c in where))
        raise


def test_the_large_text_button_turns_it_on_keeps_it_for_the_next_page_and_turns_it_off(lobby: Lobby) -> None:
    driver = lobby.driver
    large_text(lobby, False)
    viewport(driver, *PHONE, scale=3, mobile=True)
    ticket(lobby)
    size = "return parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"
    normal = driver.execute_script(size)
    click(driver, "#large-text", "Chữ lớn")
    wait(driver, '#large-text[aria-pressed="true"]')
    assert driver.execute_script(size) >= 1.4 * normal
    phone_queue(lobby)  # another page of the centre opens in large text too
    assert driver.execute_script("return document.documentElement.classList.contains('large-text')")
    click(driver, "#large-text")
    wait(driver, '#large-text[aria-pressed="false"]')
    ticket(lobby)
    assert driver.execute_script(size) == normal
