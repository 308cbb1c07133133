"""A number from the phone in Chromium against a real server (in this process, so the test
can move its clock): /q takes a number into the kiosk's queue; the ticket page confirms it
when called, shows its expiry as a no-show and rejoins the queue once; the daily limit
refuses a second number; the dashboard's outbox tab shows a dead letter, phone masked."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.gateways import Answer, Gateway
from queue_server.bootstrap import build_hub
from queue_server.config.settings import ServerSettings
from queue_server.config.settings_outreach import (
    Channel,
    NotificationSettings,
    OutboxSettings,
    OutreachSettings,
    PhoneQueueSettings,
    SmsGateway,
)
from queue_server.server.app import start
from tests.integration.conftest import Clock
from tests.integration.sites import PIN, TOKENS, site_config
from tests.support.ports import free_port
from tests.web.conftest import Listener, new_browser, screenshot
from tests.web.pages import click, text_of, type_into, wait

PHONE = (412, 915)


class InProcessLobby:
    """The queue server on a free port in a thread of this process, with a clock the test moves."""

    def __init__(self, tmp: Path, gateway: Gateway) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/"
        self.clock = Clock()
        sms = SmsGateway(url=gateway.url + "/send?to={phone_local}")
        outreach = OutreachSettings(
            outbox=OutboxSettings(max_attempts=2, retry_first_seconds=0.05, retry_max_seconds=0.1, timeout_seconds=2),
            notifications=NotificationSettings(channel=Channel.SMS, near_people=1, sms=sms),
            phone_queue=PhoneQueueSettings(confirm_minutes=5, rejoin_minutes=15),
        )
        config = dataclasses.replace(
            site_config(), settings=ServerSettings(public_url=self.url), outreach=outreach
        )
        self.hub = build_hub(config, tmp / "lobby.db", clock=self.clock)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server, self.ticker = self.run(start(self.hub, "127.0.0.1", self.port, tick_seconds=3600))

    def run(self, coroutine):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(15)

    def close(self) -> None:
        async def stop() -> None:
            self.ticker.cancel()
            self.server.close()
            await self.server.wait_closed()
            self.hub.close()
            await asyncio.sleep(0)  # the cancelled tasks end on the loop, not when it is gone

        self.run(stop())
        self.hub.deliverer.stop()
        self.hub.writer.stop()
        self.hub.reader.close()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def lobby(tmp_path: Path) -> Iterator[tuple[InProcessLobby, Gateway]]:
    gateway = Gateway(lambda r: Answer(400) if "0987000000" in r.path else Answer(200))
    running = InProcessLobby(tmp_path, gateway)
    yield running, gateway
    running.close()
    gateway.close()


def take_at_q(phone, lobby: InProcessLobby, service: str, number: str | None = None) -> str:
    phone.get(lobby.url + "/q")
    wait(phone, f'#services button[data-service="{service}"]')
    if number:
        type_into(phone, "#phone", number)
        click(phone, "#consent")
    click(phone, f'#services button[data-service="{service}"]')
    return wait(phone, "#label").text


def test_take_confirm_expire_and_rejoin_from_the_phone(lobby, listeners: list[Listener], browsers: list) -> None:
    server, gateway = lobby
    counter = Listener(server.ws_url, token=TOKENS["counter-1"])
    listeners.append(counter)
    counter.request("officer.sign_in", user="lan", pin=PIN)
    counter.request("counter.open")

    first = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(first)
    assert take_at_q(first, server, "HT", "0912 345 678") == "A001"
    assert "/t/" in first.current_url
    wait(first, "#remote-unconfirmed", "quét mã QR")
    wait(first, "#notify-done")
    screenshot(first, "phone-queue-taken")
    [near] = gateway.wait_accepted(1)  # nobody ahead: "còn 0 người nữa"
    assert "số A001 (Hộ tịch) còn 0 người nữa đến lượt bạn" in near.json["text"]

    counter.request("ticket.call_next")
    wait(first, "#called", "Quầy 1")
    click(first, "#confirm")
    wait(first, "#remote-confirmed", "Đã xác nhận")
    screenshot(first, "phone-queue-confirmed")
    counter.request("ticket.complete")

    second = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(second)
    assert take_at_q(second, server, "HT") == "A002"
    counter.request("ticket.call_next")
    wait(second, "#confirm")
    server.clock.advance(minutes=6)
    server.run(server.hub.housekeeping.expire_remote())  # not confirmed within 5 minutes of the call
    wait(second, "#no-show", "lỡ lượt")
    screenshot(second, "phone-queue-expired")
    click(second, "#rejoin")
    wait(second, "#waiting")
    assert text_of(second, "#ahead") == "0"
    screenshot(second, "phone-queue-rejoined")

    # the same browser may take one number a day
    second.get(server.url + "/q")
    click(second, '#services button[data-service="DD"]')
    assert "1 số một ngày" in wait(second, "#take-error").text


def test_the_dashboard_shows_a_dead_letter_with_the_phone_masked(lobby, listeners: list[Listener], browsers: list) -> None:
    server, gateway = lobby
    kiosk = Listener(server.ws_url, token=TOKENS["kiosk"])
    listeners.append(kiosk)
    ticket = kiosk.request("ticket.issue", service="HT")["ticket"]
    kiosk.request("ticket.notify", ticket=ticket["id"], phone="0987000000", consent=True)  # the gateway says 400

    manager = new_browser()
    browsers.append(manager)
    manager.get(server.url + "/dashboard")
    type_into(manager, "#device-token", TOKENS["manager"])
    click(manager, "#token-save")
    click(manager, "#tab-outbox")
    for _ in range(50):  # the dead letter is there once the gateway's 400 is on disk
        click(manager, "#outbox-refresh")
        time.sleep(0.1)
        if manager.find_elements("css selector", "#outbox-dead"):
            break
    row = wait(manager, "#outbox-dead")
    assert "098****000" in row.text and "HTTP 400" in row.text and "Sắp đến lượt" in row.text
    assert "0987000000" not in manager.page_source
    assert text_of(manager, '#outbox-counts tr[data-channel="sms"]').split()[-1] == "1"
    screenshot(manager, "dashboard-outbox")


def test_a_field_button_shows_its_names_and_its_count_apart(lobby, listeners: list[Listener], browsers: list) -> None:
    server, _ = lobby
    kiosk = Listener(server.ws_url, token=TOKENS["kiosk"])
    listeners.append(kiosk)
    for _ in range(3):
        kiosk.request("ticket.issue", service="HT")
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(server.url + "/q")
    button = wait(phone, '#services button[data-service="HT"]')
    lines = [line.strip() for line in button.text.splitlines() if line.strip()]
    # the English name on its line, the count on its own: never "…(Civil status)3 người đang chờ"
    assert lines == ["Hộ tịch", "Civil status", "3 người đang chờ"], lines
    screenshot(phone, "phone-queue-counts")
