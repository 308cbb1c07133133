"""The manager dashboard in Chromium against a real server: live figures and wait alarms,
the boards' ticker, devices, reports with charts, and CSV and Excel exports that open."""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import openpyxl

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, text_of, type_into, wait


def downloaded(folder: Path, suffix: str, timeout: float = 15) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file in {folder}: {list(folder.iterdir())}")


def test_the_dashboard_shows_the_centre_live_edits_the_ticker_and_exports_reports(
    server: Server, listeners: list[Listener], browsers: list, tmp_path: Path
) -> None:
    board = Listener(server.ws_url, token=DEMO_TOKENS["board-hall"])
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-3"])
    listeners += [board, kiosk, counter]
    for service in ("HT", "HT", "DD", "DD", "DD"):
        kiosk.request("ticket.issue", service=service)
    counter.request("officer.sign_in", user="hung.tran", pin="1002")
    counter.request("counter.open")
    counter.request("ticket.call_next")
    counter.request("ticket.complete")
    counter.request("ticket.call_next")
    counter.request("ticket.no_show")
    kiosk.request("device.report", component="printer", ok=False, detail="paper_out")
    board.request("device.report", component="audio", ok=False, detail="clips_missing")  # as a board does

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    driver = new_browser(download_dir=downloads)
    browsers.append(driver)
    driver.get(f"{server.url}/dashboard")
    wait(driver, "#token-form")
    screenshot(driver, "dashboard-setup")
    type_into(driver, "#device-token", "wrong-token")
    click(driver, "#token-save")
    wait(driver, "#token-error", "không đúng")
    type_into(driver, "#device-token", DEMO_TOKENS["manager"])
    click(driver, "#token-save")
    wait(driver, "#live-waiting", "3")
    wait(driver, "#live-served", "1")
    wait(driver, "#live-open", "1/10")
    wait(driver, "#alarms", "Máy in lỗi (hết giấy)")
    wait(driver, "#alarms", "Âm thanh lỗi (thiếu tệp giọng đọc)")
    counters = text_of(driver, "#live-counters")
    assert "Trần Văn Hùng" in counters and "Đang mở" in counters
    assert "hung.tran" not in counters  # the officer's name, not the user id
    screenshot(driver, "dashboard-live")

    # the ticker reaches the boards
    click(driver, "#tab-ticker")
    type_into(driver, "#ticker-vi", "Trung tâm nghỉ trưa từ 11:30 đến 13:30")
    type_into(driver, "#ticker-en", "Lunch break 11:30–13:30")
    click(driver, "#ticker-save")
    changed = board.wait_for("announcement.changed")
    assert changed["text_vi"] == "Trung tâm nghỉ trưa từ 11:30 đến 13:30"
    wait(driver, "#ticker-current", "nghỉ trưa")

    click(driver, "#tab-devices")
    devices = text_of(driver, "#device-table")
    assert "Ki-ốt lấy số – sảnh chính" in devices and "Máy in: Hết giấy" in devices  # the fleet card (test_fleet.py)
    screenshot(driver, "dashboard-devices")

    # reports: the month by field, with charts; exports that open
    click(driver, "#tab-reports")
    wait(driver, "#report-issued", "5")
    from selenium.webdriver.support.select import Select

    Select(wait(driver, "#report-period")).select_by_value("month")
    click(driver, "#report-show")
    table = text_of(driver, "#report-table", "Tổng cộng")
    assert "Đất đai" in table and "Hộ tịch" in table
    assert len(driver.find_elements("css selector", "#chart-arrivals svg rect")) == 24
    screenshot(driver, "dashboard-report")
    driver.execute_script("document.querySelector('#chart-arrivals').scrollIntoView()")
    screenshot(driver, "dashboard-report-charts")

    # by officer: the officers' names, as in the live table
    Select(wait(driver, "#report-by")).select_by_value("officer")
    click(driver, "#report-show")
    table = text_of(driver, "#report-table", "Cán bộ")
    assert "Trần Văn Hùng" in table and "hung.tran" not in table
    Select(wait(driver, "#report-by")).select_by_value("service")
    click(driver, "#report-show")
    text_of(driver, "#report-table", "Lĩnh vực")

    click(driver, "#export-xlsx")
    book = openpyxl.load_workbook(downloaded(downloads, ".xlsx"))
    sheet = book["Báo cáo"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "Lĩnh vực (Field)"
    land = next(r for r in rows if r[0] == "Đất đai")
    assert land[1:5] == (3, 0, 1, 1)  # issued, transferred in, served, no-show
    assert rows[-1][0] == "Tổng cộng (Total)" and rows[-1][1] == 5
    assert sum(r[1] for r in book["Theo giờ"].iter_rows(min_row=2, values_only=True)) == 5

    click(driver, "#export-csv")
    text = downloaded(downloads, ".csv").read_text(encoding="utf-8-sig")
    table_rows = list(csv.reader(io.StringIO(text)))
    assert table_rows[0][0] == "Lĩnh vực (Field)"
    assert next(r for r in table_rows if r and r[0] == "Hộ tịch")[1] == "2"
