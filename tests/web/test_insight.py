"""The quality views in Chromium against a real server: today's service level and the open
follow-ups on the dashboard's live view, closing a follow-up with a note, the quality tab on a
generated month (figures, table, charts) and its CSV and Excel downloads, each figure checked
against the hand count of the generated history; and the console's pause-reason picker."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
from selenium.webdriver.support.select import Select

from tests.integration.history import demo_plan, hand_count, make_history
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, press, sign_in, text_of, type_into, wait, wait_gone
from tests.web.test_dashboard import downloaded


def test_the_quality_views_show_the_history_close_a_follow_up_and_download_the_figures(
    tmp_path: Path, listeners: list[Listener], browsers: list
) -> None:
    plan = demo_plan()
    history = make_history(tmp_path / "lobby.db", days=35, seed=5, plan=plan)  # the server's database, before it starts
    october = [leg for leg in history.legs if leg.day.month == 10]
    expected = hand_count(october, plan.targets)
    unhappy = [leg for leg in history.legs if leg.rating == 1]
    assert len(unhappy) >= 2
    server = Server(tmp_path)
    try:
        manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-3"])
        listeners += [manager, kiosk, counter]
        kiosk.request("ticket.issue", service="DD")
        counter.request("officer.sign_in", user="hung.tran", pin="1002")
        counter.request("counter.open")
        counter.request("ticket.call_next")  # at once: within the 20-minute target

        downloads = tmp_path / "downloads"
        downloads.mkdir()
        driver = new_browser(download_dir=downloads)
        browsers.append(driver)
        driver.get(f"{server.url}/dashboard")
        enter_token(driver, "manager")

        # live: today's service level per field, against its target
        land = wait(driver, '#live-service-levels tr[data-service="DD"]', "100 %")
        assert land.text.split() == ["Đất", "đai", "20′", "1", "1", "100", "%"]
        assert "—" in text_of(driver, '#live-service-levels tr[data-service="HT"]')
        assert "Mục tiêu: 80 %" in text_of(driver, "#service-levels")

        # the open follow-ups: one per "Không hài lòng" of the history
        wait(driver, f'#follow-up-list li[data-id="{unhappy[-1].id}"]')
        items = driver.find_elements("css selector", "#follow-up-list li")
        assert [int(i.get_attribute("data-id")) for i in items] == [leg.id for leg in unhappy]
        first = unhappy[0]
        shown = text_of(driver, f'#follow-up-list li[data-id="{first.id}"]')
        officer = plan.config.officer(first.officer).name  # type: ignore[union-attr]
        assert "Quầy" in shown and officer in shown and first.day.strftime("%d/%m/%Y") in shown
        driver.execute_script("document.querySelector('#insight-live').scrollIntoView()")
        screenshot(driver, "dashboard-follow-ups")
        # an empty note is refused and the item stays
        click(driver, f'#follow-up-list li[data-id="{first.id}"] .follow-up-close')
        wait(driver, f'#follow-up-list li[data-id="{first.id}"] .follow-up-error', "ghi chú")
        # a note typed while events redraw the live view survives them
        type_into(driver, f'#follow-up-list li[data-id="{first.id}"] textarea', "Đã gọi điện xin lỗi công dân")
        kiosk.request("ticket.issue", service="HT")
        wait(driver, "#live-waiting", "1")
        type_into(driver, f'#follow-up-list li[data-id="{first.id}"] textarea', "; nhắc cán bộ.")
        click(driver, f'#follow-up-list li[data-id="{first.id}"] .follow-up-close')
        closed = manager.wait_for("follow_up.closed", item=first.id)
        assert closed["note"] == "Đã gọi điện xin lỗi công dân; nhắc cán bộ." and closed["by"] == "manager"
        wait_gone(driver, f'#follow-up-list li[data-id="{first.id}"]')
        assert len(driver.find_elements("css selector", "#follow-up-list li")) == len(unhappy) - 1

        # the quality tab: October by agency
        click(driver, "#tab-insight")
        Select(wait(driver, "#insight-period")).select_by_value("month")
        driver.execute_script("document.querySelector('#insight-date').value = '2026-10-15'")
        Select(wait(driver, "#insight-by")).select_by_value("unit")
        click(driver, "#insight-show")
        wait(driver, "#insight-table", "Tổng cộng")
        wait(driver, "#insight-visits", str(expected["visits"]))
        assert text_of(driver, "#insight-transactions") == str(expected["transactions"])
        level = f"{expected['service_level_percent']:.1f}".replace(".", ",").replace(",0", "")
        assert text_of(driver, "#insight-level") == f"{level} %"
        table = text_of(driver, "#insight-table")
        for unit in ("Sở Tư pháp", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư"):
            assert unit in table
        assert len(driver.find_elements("css selector", "#chart-service-level svg rect")) == 3
        assert len(driver.find_elements("css selector", "#chart-paused svg rect")) == len(plan.config.site.policy.pause_reasons) + 1
        officers = text_of(driver, "#officer-time")
        assert "Nguyễn Thị Lan" in officers and "TD: Nghỉ trưa" in officers
        screenshot(driver, "dashboard-quality")
        driver.execute_script("document.querySelector('#chart-service-level').scrollIntoView()")
        screenshot(driver, "dashboard-quality-charts")

        click(driver, "#insight-csv")
        text = downloaded(downloads, ".csv").read_text(encoding="utf-8-sig")
        lines = list(csv.reader(io.StringIO(text)))
        headings = lines[1]
        total = next(line for line in lines if line and line[0] == "Tổng cộng (Total)")
        assert int(total[headings.index("Lượt công dân (Visits)")]) == expected["visits"]
        assert int(total[headings.index("Đã gọi (Called)")]) == expected["called"]
        assert int(total[headings.index("Gọi trong mục tiêu (Within target)")]) == expected["within_target"]
        assert float(total[headings.index("Tỷ lệ vắng % (No-show rate %)")]) == expected["no_show_rate"]
        assert float(total[headings.index("Chỉ số hài lòng 0–100 (Satisfaction index)")]) == expected["satisfaction_index"]
        justice = next(line for line in lines if line and line[0] == "Sở Tư pháp")
        assert int(justice[headings.index("Lượt công dân (Visits)")]) == hand_count(
            [leg for leg in october if leg.service == "HT"], plan.targets
        )["visits"]

        click(driver, "#insight-xlsx")
        book = openpyxl.load_workbook(downloaded(downloads, ".xlsx"))
        assert book.sheetnames == ["Chất lượng", "Thời gian cán bộ"]
        rows = list(book["Chất lượng"].iter_rows(values_only=True))
        assert rows[1][0] == "Đơn vị (Unit)" and rows[-1][0] == "Tổng cộng (Total)"
        assert rows[-1][rows[1].index("Giao dịch (Transactions)")] == expected["transactions"]
        times = list(book["Thời gian cán bộ"].iter_rows(values_only=True))
        worked = {(officer, day.isoformat()) for officer, day in history.officer if day.month == 10}
        assert {(r[0], r[1]) for r in times[2:]} == {
            (plan.config.officer(officer).name, day) for officer, day in worked  # type: ignore[union-attr]
        }
    finally:
        server.stop()


def test_the_console_asks_why_the_counter_pauses(server: Server, listeners: list[Listener], browsers: list) -> None:
    manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
    listeners.append(manager)
    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-1")
    enter_token(driver, "counter-1")
    sign_in(driver, "lan.nguyen", "1001")
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")

    click(driver, "#pause")
    wait(driver, "#pause-dialog", "Lý do tạm dừng")
    buttons = [b.text.split("\n")[0] for b in driver.find_elements("css selector", "#pause-reasons button")]
    assert [b.split(" ")[0] for b in buttons][:2] == ["Họp", "Nghỉ"] and len(buttons) == 6
    screenshot(driver, "console-pause-reasons")
    click(driver, "#pause-lunch")
    changed = manager.wait_for("counter.changed", counter=1, state="paused")
    assert changed["reason"] == "lunch"
    wait(driver, "#counter-state", "Tạm dừng – Nghỉ trưa")
    wait_gone(driver, "#pause-dialog")

    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    press(driver, "p")  # the key opens the picker; 1 picks the first reason
    wait(driver, "#pause-dialog", "Lý do tạm dừng")
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys("1").perform()
    assert manager.wait_for("counter.changed", counter=1, state="paused", reason="meeting")
    wait(driver, "#counter-state", "Tạm dừng – Họp")

    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    click(driver, "#pause")
    click(driver, "#pause-cancel")
    wait_gone(driver, "#pause-dialog")
    assert text_of(driver, "#counter-state") == "Đang mở"
    assert manager.count("counter.changed", counter=1, state="paused") == 2
