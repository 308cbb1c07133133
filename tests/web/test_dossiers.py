"""Dossiers in Chromium against a real server: the phone page /d/CODE (in progress, late,
then ready while the citizen watches; unknown and malformed codes), the console that calls a
pick-up ticket, and the dashboard's dossier tab (late-dossier alarms in working days, on-time
figures per field and unit)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.error
import urllib.request
import zoneinfo

from queue_server.config.site import load_config
from queue_server.core.dossiers.workdays import WorkCalendar
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import ROOT, Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, press, sign_in, text_of, type_into, wait

PHONE = (412, 915)
INTEGRATION = "demo-integration-token"
_DEMO = load_config(ROOT / "assets" / "demo.toml").dossiers
CALENDAR = WorkCalendar(holidays=_DEMO.holidays, weekend=_DEMO.weekend, make_up_days=_DEMO.make_up_days)


def today() -> dt.date:
    return dt.datetime.now(zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")).date()


def status_json(server: Server, code: str, query: str = "") -> tuple[int, dict]:  # type: ignore[type-arg]
    try:
        with urllib.request.urlopen(f"{server.url}/d/{code}/status.json?{query}", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def link(reply: dict) -> str:  # type: ignore[type-arg]
    """The page's path and check from a reply's ``url`` (its host is the site's public URL)."""
    return "/d/" + reply["url"].split("/d/", 1)[1]


def test_the_phone_page_says_where_the_dossier_is_and_sees_its_result_become_ready(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    portal = Listener(server.ws_url, token=INTEGRATION)
    listeners.append(portal)
    due = CALENDAR.add_working_days(today(), 3)
    received = today() - dt.timedelta(days=2)
    first = portal.request("dossier.upsert", code="000.00.16.H12-261201-0001", status="processing", version=1,
                   procedure="Đăng ký khai sinh", department="Phòng Tư pháp", officer="Trần Thị Bình",
                   received_date=received.isoformat(), due_date=due.isoformat(), collect_at="Quầy 10",
                   steps=[{"at": received.isoformat(), "status": "received", "unit": "Bộ phận một cửa"},
                          {"at": received.isoformat(), "status": "processing", "unit": "Phòng Tư pháp"}])  # fmt: skip
    late_due = CALENDAR.add_working_days(today() - dt.timedelta(days=14), 1)
    days_late = CALENDAR.working_days_after(late_due, today())
    late = portal.request("dossier.upsert", code="000.00.16.H12-261120-0002", status="processing", version=1,
                          department="Văn phòng Đăng ký đất đai", due_date=late_due.isoformat())  # fmt: skip

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}{link(first)}&every=2")  # the receipt's QR code: the link with its check
    wait(phone, "#state-text", "Đang xử lý")
    assert "Hồ sơ đang ở Phòng Tư pháp, cán bộ Trần Thị Bình." in text_of(phone, "#where")
    assert "còn 3 ngày làm việc" in text_of(phone, "#due") and due.strftime("%d/%m/%Y") in text_of(phone, "#due")
    assert "Phòng Tư pháp" in text_of(phone, "#steps") and "Đã tiếp nhận hồ sơ" in text_of(phone, "#steps")
    assert text_of(phone, "#procedure") == "Đăng ký khai sinh"
    screenshot(phone, "phone-dossier-processing")

    # the result is ready: the page, left open, shows it without a reload
    portal.request("dossier.upsert", code="000.00.16.H12-261201-0001", status="ready", version=2,
                   due_date=due.isoformat(), result_date=today().isoformat(), collect_at="Quầy 10")  # fmt: skip
    wait(phone, "#state-text", "Đã có kết quả")
    assert "Mời ông/bà đến nhận kết quả tại Quầy 10." in text_of(phone, "#where")
    assert phone.title.startswith("ĐÃ CÓ KẾT QUẢ")
    screenshot(phone, "phone-dossier-ready")

    phone.get(f"{server.url}{link(late).lower()}")  # lower case, as a hand might type it
    wait(phone, "#state-text", "Đang xử lý")
    expected = f"Đã quá hạn {days_late} ngày làm việc" if days_late else "Đã quá ngày hẹn trả"
    assert expected in text_of(phone, "#due")
    screenshot(phone, "phone-dossier-late")

    phone.get(f"{server.url}/d/000.00.16.H12-261120-9999?k=AAAAAAAAAA")  # a guess: asked for the digits
    wait(phone, "#factor-form")
    phone.get(f"{server.url}/d/hồ sơ")
    assert "Không tìm thấy trang này" in text_of(phone, "h1")
    code, body = status_json(server, "x%20y")
    assert code == 400 and body["error"]["code"] == "dossier_invalid"
    code, body = status_json(server, *link(late).removeprefix("/d/").split("?"))
    assert code == 200 and body["dossier"]["standing"] == {"progress": "overdue", "days_late": days_late, "days_left": None}


def test_a_typed_code_shows_nothing_but_a_form_for_the_applicants_last_id_digits(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    portal = Listener(server.ws_url, token=INTEGRATION)
    listeners.append(portal)
    portal.request("dossier.upsert", code="000.00.16.H57-261201-0002", status="processing", procedure="Đăng ký khai sinh",
                   department="Phòng Tư pháp", officer="Trần Thị Bình", applicant_id="001099012345",
                   steps=[{"at": today().isoformat(), "status": "received", "note": "thiếu bản sao"}])  # fmt: skip
    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    shown = []
    for code in ("000.00.16.H57-261201-0002", "000.00.16.H57-261201-0003"):  # a dossier, and no dossier
        phone.get(f"{server.url}/d/{code}")
        wait(phone, "#factor-form")
        shown.append(text_of(phone, "#main").replace(code, "CODE"))
    assert shown[0] == shown[1]  # the same page whether a dossier has the code or not
    assert "4 số cuối của số căn cước" in shown[0]
    assert not any(word in shown[0] for word in ("Đăng ký khai sinh", "Phòng Tư pháp", "Trần Thị Bình", "thiếu", "Đang xử lý"))
    screenshot(phone, "phone-dossier-factor")
    # wrong digits for the unknown code and the real one: the same message
    type_into(phone, "#digits", "2345")
    click(phone, "#factor-send")
    unknown = wait(phone, "#factor-error", "không đúng").text
    phone.get(f"{server.url}/d/000.00.16.H57-261201-0002")
    type_into(phone, "#digits", "9999")
    click(phone, "#factor-send")
    assert wait(phone, "#factor-error", "không đúng").text == unknown
    screenshot(phone, "phone-dossier-factor-wrong")
    for n, digits in enumerate(("1111", "2222", "3333", "4444"), start=2):  # 5 wrong tries spend the code's budget
        type_into(phone, "#digits", digits, clear=True)
        click(phone, "#factor-send")
        wait(phone, f'#factor-form[data-answered="{n}"]')
    type_into(phone, "#digits", "2345", clear=True)
    click(phone, "#factor-send")  # even the right digits, for an hour
    wait(phone, "#factor-error", "nhập sai quá nhiều lần")
    assert wait(phone, "#factor-error").get_attribute("data-code") == "dossier_factor_budget"
    screenshot(phone, "phone-dossier-factor-budget")
    # another dossier of the same applicant: the right digits open its page
    portal.request("dossier.upsert", code="000.00.16.H57-261201-0004", status="ready", collect_at="Quầy 10",
                   applicant_id="001099012345")  # fmt: skip
    phone.get(f"{server.url}/d/000.00.16.H57-261201-0004")
    type_into(phone, "#digits", "2345")
    click(phone, "#factor-send")
    wait(phone, "#state-text", "Đã có kết quả")
    assert "?k=" in phone.current_url and "Quầy 10" in text_of(phone, "#where")


def test_the_console_that_calls_a_pickup_ticket_shows_its_dossier(server: Server, listeners: list[Listener], browsers: list) -> None:
    portal = Listener(server.ws_url, token=INTEGRATION)
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners += [portal, kiosk]
    portal.request("dossier.upsert", code="000.00.16.H12-261201-0007", status="ready", department="Phòng Tư pháp")
    label = kiosk.request("dossier.pickup", code="000.00.16.H12-261201-0007")["ticket"]["label"]

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/console?device=counter-10")
    enter_token(driver, "counter-10")
    wait(driver, "#sign-in-form")
    sign_in(driver, "quang.do", "1008")
    click(driver, "#open")
    wait(driver, "#counter-state", "Đang mở")
    press(driver, "n")  # call next: the only number of the result-collection field
    wait(driver, "#current-label", label)
    assert wait(driver, "#current-dossier").text == "000.00.16.H12-261201-0007"
    assert "Nhận kết quả hồ sơ" in text_of(driver, "#current")
    screenshot(driver, "console-pickup-dossier")


def test_the_dashboard_lists_late_dossiers_and_counts_them_on_time(server: Server, listeners: list[Listener], browsers: list) -> None:
    portal = Listener(server.ws_url, token=INTEGRATION)
    listeners.append(portal)
    t = today()
    first = t.replace(day=1)
    overdue_due = CALENDAR.add_working_days(t - dt.timedelta(days=10), 1)
    soon_due = CALENDAR.add_working_days(t, 1)
    pushes = [
        dict(code="HT-0001", status="processing", field="Hộ tịch", department="Phòng Tư pháp", officer="Trần Thị Bình",
             procedure="Đăng ký khai sinh", received_date=first.isoformat(), due_date=overdue_due.isoformat()),
        dict(code="HT-0002", status="processing", field="Hộ tịch", department="Phòng Tư pháp",
             received_date=first.isoformat(), due_date=soon_due.isoformat()),
        dict(code="HT-0003", status="ready", field="Hộ tịch", department="Phòng Tư pháp",
             received_date=first.isoformat(), due_date=t.isoformat(), result_date=first.isoformat()),
        dict(code="DD-0001", status="collected", field="Đất đai", department="Văn phòng ĐKĐĐ",
             received_date=first.isoformat(), due_date=first.isoformat(), result_date=t.isoformat()),
    ]  # fmt: skip
    for values in pushes:
        portal.request("dossier.upsert", **values)
    early_or_on_time = "1" if first < t else "0"  # HT-0003: settled on the 1st, due today

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/dashboard")
    wait(driver, "#token-form")
    enter_token(driver, "manager")
    wait(driver, "#tab-dossiers")
    click(driver, "#tab-dossiers")
    assert wait(driver, "#dossier-overdue").text == "1"
    assert text_of(driver, "#dossier-due-soon") == "1"
    rows = driver.find_elements("css selector", "#dossier-alarm-table tbody tr")
    assert [r.get_attribute("data-code") for r in rows] == ["HT-0001", "HT-0002"]
    late = CALENDAR.working_days_after(overdue_due, t)
    assert (f"Quá hạn {late} ngày LV" if late else "Quá hạn") in rows[0].text and "Trần Thị Bình" in rows[0].text
    assert "Còn 1 ngày LV" in rows[1].text
    assert "null" not in text_of(driver, "#dossier-alarms")  # no pull configured: nothing said of it
    assert driver.find_element("css selector", "#tab-dossiers").get_attribute("data-alarms") == "2"
    click(driver, "#dossier-show")
    table = wait(driver, "#dossier-report-table")
    lines = [r.text for r in table.find_elements("css selector", "tbody tr")]
    # Hộ tịch: 3 received; HT-0003 settled (early, or on time when today is the 1st); 2 open
    # (HT-0001 past its due date, HT-0002 in time); Đất đai: DD-0001 settled today, late unless today is the 1st
    assert lines[0].startswith("Hộ tịch Phòng Tư pháp 3 " + ("1 0 0 0 1 1" if first < t else "0 1 0 0 1 1")), lines
    assert lines[1].startswith("Đất đai Văn phòng ĐKĐĐ 1 " + ("0 0 1 0 0 0" if first < t else "0 1 0 0 0 0")), lines
    assert lines[2].startswith("Tổng cộng 4 ") and early_or_on_time in lines[2]
    screenshot(driver, "dashboard-dossiers")


def test_booking_with_an_id_card_number_keeps_only_its_keyed_hash(server: Server, browsers: list) -> None:
    import sqlite3

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}/book")
    wait(phone, "#service")
    slot = wait(phone, "#slots button:enabled")
    click(phone, f'#slots button[data-start="{slot.get_attribute("data-start")}"]')
    type_into(phone, "#id-number", "12345")
    click(phone, "#book")
    assert "Số căn cước gồm 12 chữ số" in text_of(phone, "#book-error")  # refused: nothing booked
    type_into(phone, "#id-number", "001099012345", clear=True)
    screenshot(phone, "phone-book-id-number")
    click(phone, "#book")
    code = text_of(phone, "#booking-code").replace("-", "")
    with sqlite3.connect(server.db) as db:
        rows = db.execute("SELECT booking, id_hash FROM contacts").fetchall()
    assert len(rows) == 1 and rows[0][0] == code and len(rows[0][1]) == 64
    stored = b"".join(p.read_bytes() for p in server.db.parent.glob("lobby.db*") if not p.name.endswith("citizen-key"))
    assert b"001099012345" not in stored


def test_a_one_stop_system_that_is_down_is_said_on_the_phone_and_the_dashboard(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    from tests.support.ports import free_port

    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    server.stop()
    server.config.write_text(
        server.config.read_text(encoding="utf-8")
        + f'\n[dossier_lookup]\nurl_template = "{down}/api/hoso/{{code}}"\ntimeout_seconds = 1\n'
        + '[dossier_lookup.fields]\nstatus = "trangThai"\n'
        + f'\n[dossier_pull]\nurl_template = "{down}/api/thay-doi?tu={{since}}&trang={{page}}"\nitems = "danhSach"\n'
        + 'every_seconds = 1\ntimeout_seconds = 1\n[dossier_pull.fields]\ncode = "soHoSo"\nstatus = "trangThai"\nversion = "phienBan"\n',
        encoding="utf-8",
    )
    server.start()

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    from queue_server.core.dossiers.access import DossierKey
    from queue_server.store.citizen_key import key_beside

    # not pushed: the receipt's link (its check made with the site's key), the one-stop system asked, and down
    check = DossierKey(key_beside(server.db).derive("dossier-access")).check("000.00.16.H12-261120-0003")
    phone.get(f"{server.url}/d/000.00.16.H12-261120-0003?k={check}")
    wait(phone, "#unknown", "Chưa tra cứu được hồ sơ")
    assert "không trả lời" in text_of(phone, "#unknown")
    screenshot(phone, "phone-dossier-source-down")
    code, body = status_json(server, "000.00.16.H12-261120-0003", f"k={check}")
    assert code == 503 and body["error"]["code"] == "dossier_source_failed"

    driver = new_browser()
    browsers.append(driver)
    driver.get(f"{server.url}/dashboard")
    wait(driver, "#token-form")
    enter_token(driver, "manager")
    wait(driver, "#tab-dossiers")
    click(driver, "#tab-dossiers")
    assert "Không lấy được dữ liệu từ hệ thống một cửa" in wait(driver, "#dossier-pull", "cannot reach").text
    assert "lần thành công gần nhất: chưa có" in text_of(driver, "#dossier-pull")
    screenshot(driver, "dashboard-dossiers-pull-down")
