"""Calls nobody can miss on the phone: /t/CODE in Chromium against a real server vibrates (the
Vibration API: an init script records navigator.vibrate's calls) and flashes the whole page
(body.call-flash) when its number is called — and not before."""

from __future__ import annotations

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import wait

PHONE = (412, 915)

RECORD_VIBRATIONS = """
window.__vibrations = [];
Object.defineProperty(Navigator.prototype, "vibrate", {
  configurable: true,
  value: function (pattern) { window.__vibrations.push(pattern); return true; },
});
"""


def test_the_ticket_page_vibrates_and_flashes_when_its_number_is_called(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-1"])
    listeners += [kiosk, counter]
    mine = kiosk.request("ticket.issue", service="HT")["ticket"]

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_VIBRATIONS})
    phone.get(mine["url"])
    wait(phone, "#label", mine["label"])
    assert phone.execute_script("return window.__vibrations") == []
    assert "call-flash" not in phone.execute_script("return document.body.className")

    counter.request("officer.sign_in", user="lan.nguyen", pin="1001")
    counter.request("counter.open")
    counter.request("ticket.call_next")
    wait(phone, "#called", "Mời bạn đến")
    assert phone.execute_script("return window.__vibrations") == [[400, 200, 400, 200, 800]]
    assert "call-flash" in phone.execute_script("return document.body.className")
    animation = phone.execute_script("return getComputedStyle(document.body).animationName")
    assert animation == "call-flash"
    screenshot(phone, "phone-ticket-flash")
