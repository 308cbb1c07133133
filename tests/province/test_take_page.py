"""The province's public page in a real headless Chromium: a number taken at another centre, and
a booking at a commune with two receiving points (one place, one booking book: the citizen picks
a time, the point is a detail of it), decided by each site's own server process through the
central PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from province.config import load_province
from tests.province.remote_sites import bookings, phone_tickets, province_file, site_file, start_site, wait_known
from tests.province.test_province_page import ProvinceServer
from tests.support import axe
from tests.web.conftest import new_browser, screenshot
from tests.web.pages import wait

# A slow answer, made in the browser (the page's socket, before the page's own code sees the
# message): the first take.slots answer (the day the booking opens on) is held until the answer
# of a later take.slots has been handled, then handled itself — the order a slow site gives.
HOLD_FIRST_SLOTS = """
(() => {
  const Native = window.WebSocket;
  window.firstSlots = "not yet";
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      const send = this.send.bind(this);
      let first = null, later = false, held = null, handler = null;
      this.send = (data) => {
        const message = JSON.parse(data);
        if (message.op === "take.slots" && first === null) first = message.id;
        send(data);
      };
      Object.defineProperty(this, "onmessage", { set: (h) => { handler = h; }, get: () => handler });
      this.addEventListener("message", (event) => {
        const message = JSON.parse(event.data);
        if (message.re === first && !later) { held = event; return; }
        handler(event);
        if (message.re === first) window.firstSlots = "handled last";
        else if ("slots" in message) {
          later = true;
          if (held !== null) { handler(held); held = null; window.firstSlots = "handled last"; }
        }
      });
    }
  };
})();
"""
POINTS = {
    "xa-phuoc-dong-thon-1": ("Xã Phước Đông — điểm Thôn 1", "07:00-10:00"),
    "xa-phuoc-dong-thon-2": ("Xã Phước Đông — điểm Thôn 2", "14:00-17:00"),
}


def test_a_number_at_another_centre_and_a_booking_at_a_two_point_commune(tmp_path: Path, central_dsn: str) -> None:
    site_file(tmp_path, "tp-tay-ninh", "Trung tâm tỉnh Tây Ninh", central_dsn, kind="centre")
    for site, (name, hours) in POINTS.items():
        site_file(tmp_path, site, name, central_dsn, kind="point", commune="xa-phuoc-dong", slot_hours=hours)
    sites = [start_site(tmp_path, s) for s in ("tp-tay-ninh", *POINTS)]
    province = ProvinceServer(load_province(province_file(tmp_path, central_dsn)))
    driver = new_browser()
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_FIRST_SLOTS})
    try:
        wait_known(central_dsn, ["tp-tay-ninh", *POINTS])
        driver.get(f"{province.url}/province/take?field=HT")
        wait(driver, "#province-name", "Tỉnh Tây Ninh")
        commune = wait(driver, 'article[data-place="xa-phuoc-dong"]', "Xã Phước Đông")
        assert commune.find_element(By.TAG_NAME, "h2").text == "Xã Phước Đông", "the points' shared name"
        assert len(driver.find_elements(By.CSS_SELECTOR, "article.place")) == 2, "the commune's points are one place"
        assert "Lấy số tại Xã Phước Đông — điểm Thôn 1" in commune.text
        axe.check(driver, "/province/take: a field's places")  # no serious or critical WCAG violation

        # a number at the provincial centre, asked here, decided there
        wait(driver, 'article[data-place="tp-tay-ninh"] button.take').click()
        number = wait(driver, "#answer-number", timeout=30).text
        ((_, label, code),) = phone_tickets(tmp_path / "tp-tay-ninh.db")
        assert number == label
        assert wait(driver, "#answer-code").text == code
        assert "Trung tâm tỉnh Tây Ninh" in driver.find_element(By.ID, "result").text

        # a booking at the commune: the union of its two points' times, each with its point
        # (today's slots asked first and answered last: what is shown is still tomorrow's)
        commune.find_element(By.CSS_SELECTOR, "button.book").click()
        day = Select(wait(driver, "#day"))
        tomorrow = day.options[1].get_attribute("value")
        assert dt.date.fromisoformat(tomorrow) == dt.date.fromisoformat(day.options[0].get_attribute("value")) + dt.timedelta(days=1)
        day.select_by_index(1)
        wait(driver, "#slots button.slot", "14:00", timeout=30)
        for _ in range(100):
            if driver.execute_script("return window.firstSlots") == "handled last":
                break
            time.sleep(0.1)
        assert driver.execute_script("return window.firstSlots") == "handled last", "today's answer handled after tomorrow's"
        starts = [b.get_attribute("data-start") for b in driver.find_elements(By.CSS_SELECTOR, "#slots button.slot")]
        assert starts and all(s.startswith(tomorrow) for s in starts), starts
        slots = [b.text for b in driver.find_elements(By.CSS_SELECTOR, "#slots button.slot")]
        assert [s.split(" — ", 1)[0] for s in slots] == ["07:00", "08:00", "09:00", "14:00", "15:00", "16:00"]
        assert slots[0].endswith("Xã Phước Đông — điểm Thôn 1 (còn 1 chỗ)")
        assert slots[3].endswith("Xã Phước Đông — điểm Thôn 2 (còn 1 chỗ)")
        screenshot(driver, "province-take-slots")
        driver.find_elements(By.CSS_SELECTOR, "#slots button.slot")[3].click()
        booked = wait(driver, "#answer-code", timeout=30).text
        assert "Xã Phước Đông — điểm Thôn 2" in driver.find_element(By.ID, "result").text
        screenshot(driver, "province-take-booked")
        ((code, service, slot_start),) = bookings(tmp_path / "xa-phuoc-dong-thon-2.db")
        assert booked.replace("-", "") == code and service == "HT" and "T14:00:00" in slot_start
        assert bookings(tmp_path / "xa-phuoc-dong-thon-1.db") == [], "the booking went to the point whose time it is"
    finally:
        driver.quit()
        province.stop()
        for site in sites:
            site.stop()


class ProvinceOnPort(ProvinceServer):
    """The province server in a thread, on a given port (a restart takes it again)."""

    def __init__(self, config, port: int) -> None:  # type: ignore[no-untyped-def]
        import asyncio
        import threading

        from province.database import Database
        from province.server import Province, start

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.database = Database(config.dsn)
        self.server = asyncio.run_coroutine_threadsafe(start(Province(config, self.database), "127.0.0.1", port), self.loop).result(20)
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        super().stop()
        self.database.close()


def test_a_centre_out_of_touch_is_shown_and_a_request_survives_a_reload_and_a_province_restart(tmp_path: Path, central_dsn: str) -> None:
    import psycopg

    from tests.support.ports import free_port

    site_file(tmp_path, "tp-tay-ninh", "Trung tâm tỉnh Tây Ninh", central_dsn, kind="centre")
    site_file(tmp_path, "huyen-go-dau", "UBND phường Gò Dầu", central_dsn, kind="ward")
    sites = {s: start_site(tmp_path, s) for s in ("tp-tay-ninh", "huyen-go-dau")}
    config = load_province(province_file(tmp_path, central_dsn))
    port = free_port()
    province = ProvinceOnPort(config, port)
    driver = new_browser()
    try:
        wait_known(central_dsn, list(sites))
        sites["tp-tay-ninh"].stop()  # its link down for 10 minutes
        with psycopg.connect(central_dsn, autocommit=True) as conn:
            conn.execute("UPDATE sites SET last_contact = now() - interval '10 minutes' WHERE site = 'tp-tay-ninh'")
        driver.get(f"{province.url}/province/take?field=HT")
        centre = wait(driver, 'article[data-place="tp-tay-ninh"]', "Mất liên lạc từ")
        assert "phút trước" in centre.text
        assert not centre.find_element(By.CSS_SELECTOR, "button.take").is_enabled(), "not offered while out of touch"
        assert centre.find_elements(By.CSS_SELECTOR, "button.book") == []
        screenshot(driver, "province-take-offline")

        sites["huyen-go-dau"].stop()  # the site busy elsewhere: the request waits for it
        wait(driver, 'article[data-place="huyen-go-dau"] button.take').click()
        wait(driver, "#waiting", "Đang chờ UBND phường Gò Dầu trả lời")
        driver.refresh()  # the citizen reloads: the page asks again with the same request
        wait(driver, "#waiting", "UBND phường Gò Dầu")
        province.stop()  # and the province server restarts meanwhile
        province = ProvinceOnPort(config, port)
        sites["huyen-go-dau"].start()
        number = wait(driver, "#answer-number", timeout=60).text
        ((_, label, _),) = phone_tickets(tmp_path / "huyen-go-dau.db")
        assert number == label
        with psycopg.connect(central_dsn) as conn:
            assert conn.execute("SELECT count(*) FROM remote_requests").fetchone() == (1,), "one request, asked three times"
    finally:
        driver.quit()
        province.stop()
        for site in sites.values():
            site.stop()
