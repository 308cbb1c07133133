"""The officer console in Chromium against a real server: signing in, calling (the call
reaches a listening display board), recall, transfer, complete, reload and a second console
showing the same state, a dropped connection shown and recovered."""

from __future__ import annotations

from pathlib import Path

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enabled, enter_token, press, sign_in, text_of, type_into, wait


def test_a_call_from_the_console_reaches_the_board_and_every_control_works(
    server: Server, listeners: list[Listener], browsers: list, tmp_path: Path
) -> None:
    board = Listener(server.ws_url, token=DEMO_TOKENS["board-hall"])
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners += [board, kiosk]
    issued = [kiosk.request("ticket.issue", service="HT")["ticket"]["label"] for _ in range(3)]
    assert issued == ["A001", "A002", "A003"]

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-1")
    enter_token(driver, "counter-1")
    wait(driver, "#sign-in-form")
    sign_in(driver, "lan.nguyen", "9999")
    wait(driver, "#sign-in-error", "không đúng")
    screenshot(driver, "console-sign-in-error")
    sign_in(driver, "lan.nguyen", "1001")
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    assert "Đang chờ (3)" in text_of(driver, "#waiting")

    press(driver, "n")  # call next
    called = board.wait_for("ticket.called", counter=1)
    assert called["label"] == "A001" and called["counter_name"] == "Quầy 1 – Hộ tịch"
    wait(driver, "#current-label", "A001")
    wait(driver, "#waiting", "Đang chờ (2)")
    screenshot(driver, "console-called")

    press(driver, "r")  # recall
    assert board.wait_for("ticket.recalled", label="A001")["recalls"] == 1

    # a reload keeps the sign-in (resume token in the tab's sessionStorage) and the state
    driver.refresh()
    wait(driver, "#current-label", "A001")
    assert "Nguyễn Thị Lan" in text_of(driver, "#officer-name")

    # a second console on the same counter (another browser) shows the same ticket once signed in
    second = new_browser(width=1366, height=768)
    browsers.append(second)
    second.get(f"{server.url}/console?device=counter-1")
    enter_token(second, "counter-1")
    wait(second, "#sign-in-form", "Nguyễn Thị Lan")
    sign_in(second, "lan.nguyen", "1001")
    wait(second, "#current-label", "A001")
    screenshot(second, "console-second-1366x768")

    # transfer to a field with a note
    press(driver, "t")
    wait(driver, "#transfer-dialog")
    from selenium.webdriver.support.select import Select

    Select(wait(driver, "#transfer-service")).select_by_value("TP")
    type_into(driver, "#transfer-note", "Cần chứng thực bản sao")
    screenshot(driver, "console-transfer")
    click(driver, "#transfer-confirm")
    moved = board.wait_for("ticket.transferred", label="A001")
    assert moved["to_service"] == "TP" and "note" not in moved  # boards see no notes
    wait(driver, "#message", "Đã chuyển số A001")

    # call a specific number from the waiting list, serve, complete
    type_into(driver, "#call-number", "a003\n")
    assert board.wait_for("ticket.called", label="A003")["counter"] == 1
    wait(driver, "#current-label", "A003")
    wait(second, "#current-label", "A003")  # the second console follows
    press(driver, "s")
    wait(driver, "#current-state", "Đang phục vụ")
    press(driver, "h")
    board.wait_for("ticket.completed", label="A003")
    wait(driver, "#tally-served", "1")
    press(driver, "n")
    wait(driver, "#current-label", "A002")
    press(driver, "v")  # no-show
    board.wait_for("ticket.no_show", label="A002")
    wait(driver, "#tally-no-show", "1")
    press(driver, "p")  # asks why: 2 is Nghỉ trưa
    wait(driver, "#pause-dialog", "Lý do tạm dừng")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys("2").perform()
    wait(driver, "#counter-state", "Tạm dừng – Nghỉ trưa")
    assert not enabled(driver, "#call-next")
    screenshot(driver, "console-paused")

    # the server goes away: shown; it comes back on the same port: recovered, still signed in
    server.stop()
    wait(driver, "#status.disconnected", "Mất kết nối")
    screenshot(driver, "console-disconnected")
    server.start()
    wait(driver, "#status.connected", "Đã kết nối", timeout=20)
    wait(driver, "#counter-state", "Tạm dừng – Nghỉ trưa")
    assert enabled(driver, "#open")

    # signing out closes the counter
    click(driver, "#sign-out")
    wait(driver, "#sign-in-form")
    wait(driver, "#counter-state", "Đóng")
