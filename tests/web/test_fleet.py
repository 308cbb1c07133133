"""The dashboard's fleet card in Chromium against a real server in this process whose clock the
test moves (as test_console_expiry does): the demo centre with kiosk-2 declared without a
token. The devices are real websocket clients; a code made by the card is enrolled with by
the device's own enrolment (queue_server.protocol.enrolling.ask_token)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from queue_server.config.settings import SiteConfig
from queue_server.config.site import parse_config
from queue_server.protocol.enrolling import ask_token
from queue_server.protocol.version import software_version
from queue_server.server.enrolment import CLOSE_REVOKED
from tests.integration.conftest import Clock
from tests.support.demo import DEMO, DEMO_TOKENS, demo_site
from tests.web.conftest import InProcessServer, Listener, new_browser, screenshot
from tests.web.pages import click, enter_token, text_of, wait, wait_gone

POLL = 10 + 10  # s: fleet.js asks device.list every 10 s when nothing is pushed (a connection, a silence)


def fleet_site() -> SiteConfig:
    text = demo_site().replace('token = "demo-kiosk-2-token"\n', "", 1)
    assert "demo-kiosk-2-token" not in text
    return parse_config(text, DEMO)


class Machine:
    """A device's own connection (websockets' sync client): hello with its token and version."""

    def __init__(self, url: str, token: str, version: str | None = None) -> None:
        self.ids = itertools.count(1)
        self.stack = contextlib.ExitStack()
        self.connection = self.stack.enter_context(connect(url, compression=None))
        self.hello = self.request("hello", token=token, version=version or software_version())

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        number = next(self.ids)
        self.connection.send(json.dumps({"id": number, "op": op, **fields}))
        while True:
            message = json.loads(self.connection.recv(timeout=10))
            if message.get("re") == number:
                assert message["ok"], message
                return message

    def closed_with(self) -> tuple[int, str]:
        """The close frame the server sends (events before it are skipped)."""
        try:
            while True:
                self.connection.recv(timeout=10)
        except ConnectionClosed as exc:
            assert exc.rcvd is not None
            return exc.rcvd.code, exc.rcvd.reason

    def close(self) -> None:
        self.stack.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def server(tmp_path: Path, clock: Clock) -> Iterator[InProcessServer]:
    running = InProcessServer(fleet_site(), tmp_path / "lobby.db", clock)
    yield running
    running.stop()


def row(driver: Any, device: str, text: str | None = None, timeout: float = 10) -> str:
    return text_of(driver, f'#device-table tr[data-device="{device}"]', text, timeout=timeout)


def open_fleet(server: InProcessServer, browsers: list) -> Any:
    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/dashboard")
    enter_token(driver, "manager")
    wait(driver, "#live-waiting")
    click(driver, "#tab-devices")
    wait(driver, "#device-table")
    return driver


def test_the_fleet_card_shows_each_device_and_a_device_that_stops_talking_raises_the_alarm(
    server: InProcessServer, clock: Clock, browsers: list
) -> None:
    kiosk = Machine(server.ws_url, DEMO_TOKENS["kiosk-1"], version="0.0.9")
    kiosk.request("device.report", component="printer", ok=False, detail="paper_out")
    board = Machine(server.ws_url, DEMO_TOKENS["board-hall"])
    board.request("device.report", component="audio", ok=False, detail="no_sound_card")
    try:
        driver = open_fleet(server, browsers)
        mine = row(driver, "kiosk-1", "Đang kết nối")
        assert "Ki-ốt lấy số – sảnh chính" in mine and "127.0.0.1" in mine and "vừa xong" in mine
        assert "Hết giấy" in mine and "Máy in: Hết giấy" in mine  # the printer's column and the last fault
        assert f"0.0.9 ≠ {software_version()}" in text_of(
            driver, '#device-table tr[data-device="kiosk-1"] .fleet-version'
        )
        assert "Mã trong tệp cấu hình" in mine
        hall = row(driver, "board-hall", "Không có card âm thanh")
        assert "Đang kết nối" in hall and "≠" not in hall  # the server's own version
        assert "Chưa đăng ký" in row(driver, "kiosk-2")
        assert unicodedata.is_normalized("NFC", text_of(driver, "#device-table"))
        assert "Ki-ốt lấy số – sảnh chính" not in driver.find_element("css selector", "#fleet-alarm").text
        screenshot(driver, "fleet-card")

        kiosk.close()  # the kiosk goes away: not silent yet
        row(driver, "kiosk-1", "Mất kết nối", timeout=POLL)
        clock.advance(minutes=6)  # the server's clock: six minutes without a word from it
        silent = row(driver, "kiosk-1", "Im lặng", timeout=POLL)
        assert "6 phút trước" in silent
        assert "Ki-ốt lấy số – sảnh chính (liên lạc cuối 6 phút trước)" in text_of(driver, "#fleet-alarm")
        assert "Đang kết nối" in row(driver, "board-hall")  # still there
        screenshot(driver, "fleet-silent")
        click(driver, "#tab-live")
        alarms = text_of(driver, "#alarms", "Thiết bị im lặng quá 5 phút")
        assert "Ki-ốt lấy số – sảnh chính (liên lạc cuối 6 phút trước)" in alarms
    finally:
        board.close()


def test_a_code_from_the_card_enrols_the_device_revoke_cuts_it_off_and_rotate_gives_a_new_code(
    server: InProcessServer, listeners: list[Listener], browsers: list
) -> None:
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners.append(manager)
    driver = open_fleet(server, browsers)

    click(driver, '#device-table tr[data-device="kiosk-2"] .fleet-enrol')
    code = text_of(driver, "#fleet-code")
    assert len(code) == 9 and code[4] == "-"
    expiry = text_of(driver, "#fleet-code-expiry")
    assert re.search(r"Còn hiệu lực 1[45]:\d\d \(hết hạn lúc 09:15\)", expiry), expiry  # the server's clock, its zone
    qr = driver.find_element("css selector", "#fleet-qr")
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert driver.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", qr
    )  # an image that draws
    screenshot(driver, "fleet-code")
    click(driver, "#fleet-code-close")

    reply = asyncio.run(ask_token(server.ws_url, code, "kiosk"))  # the kiosk's own enrolment
    assert reply["device"] == "kiosk-2"
    enrolled = row(driver, "kiosk-2", "Đã đăng ký")  # pushed: device.enrolled
    assert "Chưa đăng ký" not in enrolled
    kiosk = Machine(server.ws_url, str(reply["token"]))
    row(driver, "kiosk-2", "Đang kết nối", timeout=POLL)

    click(driver, '#device-table tr[data-device="kiosk-2"] .fleet-revoke')
    assert "ngắt kết nối ngay" in text_of(driver, "#fleet-revoke-dialog")
    click(driver, "#fleet-revoke-cancel")  # the confirm step: nothing happens without it
    wait_gone(driver, "#fleet-revoke-dialog")
    assert kiosk.request("queue.snapshot")["ok"]
    click(driver, '#device-table tr[data-device="kiosk-2"] .fleet-revoke')
    click(driver, "#fleet-revoke-confirm")
    assert kiosk.closed_with() == (CLOSE_REVOKED, "device revoked")
    revoked = row(driver, "kiosk-2", "Đã thu hồi")
    assert "Đang kết nối" not in revoked
    wait(driver, "#fleet-note", "Đã thu hồi Ki-ốt lấy số – tầng 2")
    with connect(server.ws_url, compression=None) as again:
        again.send(json.dumps({"id": 1, "op": "hello", "token": reply["token"]}))
        assert json.loads(again.recv(timeout=10))["error"]["code"] == "device_revoked"

    click(driver, '#device-table tr[data-device="kiosk-1"] .fleet-rotate')
    rotated = manager.wait_for("device.rotated", device="kiosk-1")
    new_code = text_of(driver, "#fleet-code")
    assert new_code != code and "Mã cũ của thiết bị vẫn dùng được" in text_of(driver, "#fleet-code-rotated")
    assert rotated["expires_at"]
    click(driver, "#fleet-code-close")
    assert "Mã trong tệp cấu hình" in row(driver, "kiosk-1")  # the old token lives until it enrols
    assert asyncio.run(ask_token(server.ws_url, new_code, "kiosk"))["device"] == "kiosk-1"
    assert manager.wait_for("device.enrolled", device="kiosk-1")["replaced"] is True
    row(driver, "kiosk-1", "Đã đăng ký")
