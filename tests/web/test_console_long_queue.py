"""The officer console with a long queue, in Chromium against a real server: the waiting list
draws its first rows and a count of the rest, a call shows at once and keeps the list and the
count right without asking counter.status again, and any number can still be called (its row's
button, or G and the number, also one not drawn)."""

from __future__ import annotations

import re
import time
import unicodedata
import urllib.request

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, press, sign_in, text_of, type_into, wait, wait_value

ROWS = 30  # WAITING_ROWS in console_model.js
TICKETS = 230  # over the demo kiosk's burst of 200 requests: two kiosks take turns


def listed(driver) -> tuple[int, list[str], int | None]:  # type: ignore[no-untyped-def]
    """(the count in the list's heading, the numbers drawn, the count of the "more" line)."""
    heading, labels, more = driver.execute_script("""
        const waiting = document.querySelector("#waiting");
        const more = document.querySelector("#waiting-more");
        if (!waiting || !waiting.querySelector("h2")) return ["", [], null];
        return [waiting.querySelector("h2").textContent,
                [...waiting.querySelectorAll("tbody tr td:first-child")].map((td) => td.textContent.trim()),
                more && more.textContent];
    """)
    count = re.match(r"Đang chờ \((\d+)\)", heading)
    rest = re.match(r"… và (\d+) số khác đang chờ", more) if more else None
    return (int(count.group(1)) if count else -1, labels, int(rest.group(1)) if rest else None)


def expected(waiting: list[str]) -> tuple[int, list[str], int | None]:
    return (len(waiting), waiting[:ROWS], len(waiting) - ROWS if len(waiting) > ROWS else None)


def status_requests(server: Server) -> int:
    """How many counter.status requests the server has answered (its /metrics)."""
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = re.search(r'^motcua_requests_total\{op="counter\.status",outcome="ok"\} (\d+)$', text, re.M)
    return int(found.group(1)) if found else 0


def settled_status_requests(server: Server) -> int:
    """The count once the page has asked nothing for a while (its refreshes come 0.1 s late)."""
    before = status_requests(server)
    while True:
        time.sleep(0.5)
        now = status_requests(server)
        if now == before:
            return now
        before = now


def test_a_long_queue_shows_its_first_rows_and_a_call_needs_no_new_status(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    kiosks = [Listener(server.ws_url, token=f"demo-kiosk-{n}-token") for n in (1, 2)]
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners += [*kiosks, manager]
    tickets = [kiosks[n % 2].request("ticket.issue", service="HT")["ticket"] for n in range(TICKETS)]
    ids = {t["label"]: t["id"] for t in tickets}
    waiting = [t["label"] for t in tickets]
    assert waiting[0] == "A001" and waiting[-1] == "A230"

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-1")
    enter_token(driver, "counter-1")
    sign_in(driver, "lan.nguyen", "1001")
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    wait_value(lambda: listed(driver), expected(waiting))
    assert len(driver.find_elements("css selector", "#waiting tbody tr")) == ROWS
    more = text_of(driver, "#waiting-more")
    assert more == unicodedata.normalize("NFC", more) and "200 số khác đang chờ" in more
    asked = settled_status_requests(server)

    # call next: the number, the list and the count follow from the event and the reply alone
    press(driver, "n")
    wait(driver, "#current-label", "A001")
    waiting.remove("A001")
    wait_value(lambda: listed(driver), expected(waiting))
    assert listed(driver)[1][-1] == "A031"  # the next row came up from the ones not drawn
    time.sleep(0.5)
    assert status_requests(server) == asked, "calling asked counter.status again"
    screenshot(driver, "console-long-queue")

    # G and a number not drawn in the list
    press(driver, "h")
    wait(driver, "#tally-served", "1")
    type_into(driver, "#call-number", "a150\n")
    wait(driver, "#current-label", "A150")
    waiting.remove("A150")
    wait_value(lambda: listed(driver), expected(waiting))

    # a row's own button
    press(driver, "h")
    wait(driver, "#tally-served", "2")
    click(driver, 'button[data-label="A010"]')
    wait(driver, "#current-label", "A010")
    waiting.remove("A010")
    wait_value(lambda: listed(driver), expected(waiting))

    # the lobby moves meanwhile: a drawn ticket cancelled (its event), a new one issued (its
    # place in the list comes from counter.status)
    manager.request("ticket.cancel", ticket=ids["A002"])
    waiting.remove("A002")
    wait_value(lambda: listed(driver), expected(waiting))
    kiosks[0].request("ticket.issue", service="HT")
    waiting.append("A231")
    wait_value(lambda: listed(driver), expected(waiting))
    assert wait(driver, "#current-label").text == "A010"
