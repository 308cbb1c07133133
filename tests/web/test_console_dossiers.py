"""The officer console links the visit to its dossiers in Chromium: a signed-in officer serving
a ticket scans one receipt (key D, then the scanner's keystrokes and Enter, as a USB scanner
types them), types another and clicks Gắn, a bad code is refused in the box and changes
nothing, a wrong code is removed; a reload shows the links again; the pad's rating then
carries the code that stayed, to the manager."""

from __future__ import annotations

from pathlib import Path

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, sign_in, text_of, type_into, wait, wait_value

SCANNED = "000.00.16.H57-261201-0002"
TYPED = "000.00.16.h57-261201-0003"


def linked(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return driver.execute_script('return [...document.querySelectorAll("#dossier-list li[data-code]")].map((li) => li.dataset.code)')


def scan(driver, text: str) -> None:  # type: ignore[no-untyped-def]
    """What a USB barcode scanner does: a burst of keystrokes ending with Enter, wherever the focus is."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(text + "\n").perform()


def test_the_officer_links_two_dossiers_removes_one_and_the_rating_carries_the_other(
    tmp_path: Path, listeners: list[Listener], browsers: list
) -> None:
    server = Server(tmp_path)
    try:
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        manager = Listener(server.ws_url, token=DEMO_TOKENS["manager"])
        pad = Listener(server.ws_url, token=DEMO_TOKENS["pad-1"])
        listeners += [kiosk, manager, pad]
        ticket = kiosk.request("ticket.issue", service="HT")["ticket"]
        driver = new_browser()
        browsers.append(driver)
        driver.get(f"{server.url}/console?device=counter-1")
        enter_token(driver, "counter-1")
        sign_in(driver, "lan.nguyen", "1001")
        click(driver, "#open")
        click(driver, "#call-next")
        wait(driver, "#current-label", ticket["label"])
        text_of(driver, "#dossier-list", "Chưa gắn hồ sơ nào")
        from selenium.webdriver.common.action_chains import ActionChains

        driver.execute_script("document.activeElement && document.activeElement.blur()")
        ActionChains(driver).send_keys("d").perform()  # D: the cursor into the box…
        wait_value(lambda: driver.execute_script("return document.activeElement.id"), "dossier-code")
        scan(driver, SCANNED)  # …and the scanner types the receipt's code and Enter
        text_of(driver, "#dossier-result", f"Đã gắn hồ sơ {SCANNED}")
        type_into(driver, "#dossier-code", TYPED)
        click(driver, "#dossier-link")
        text_of(driver, "#dossier-result", f"Đã gắn hồ sơ {TYPED.upper()}")
        assert linked(driver) == [SCANNED, TYPED.upper()]
        assert ticket["label"] == text_of(driver, "#current-label")  # no single-key action fired while scanning
        scan(driver, "HỒ SƠ SỐ 1")  # the box keeps the focus for the next scan: a bad one is refused there
        text_of(driver, "#dossier-result", "Mã hồ sơ không hợp lệ")
        assert "error" in wait(driver, "#dossier-result").get_attribute("class")
        assert linked(driver) == [SCANNED, TYPED.upper()]
        click(driver, f'#dossier-list button[data-remove="{TYPED.upper()}"]')
        text_of(driver, "#dossier-result", f"Đã bỏ hồ sơ {TYPED.upper()}")
        assert linked(driver) == [SCANNED]
        screenshot(driver, "console-dossiers")
        assert [e["dossier"] for e in manager.events if e["ev"].startswith("visit.")] == [SCANNED, TYPED.upper(), TYPED.upper()]
        assert [e["ev"] for e in manager.events if e["ev"].startswith("visit.")] == [
            "visit.dossier_linked", "visit.dossier_linked", "visit.dossier_unlinked",
        ]  # fmt: skip
        driver.refresh()  # a reload: the links come back with counter.status
        wait(driver, "#current-label", ticket["label"])
        wait_value(lambda: linked(driver), [SCANNED])
        click(driver, "#complete")
        wait(driver, "#current-label", None)
        pad.wait_for("ticket.completed", ticket=ticket["id"])
        pad.request("rating.submit", ticket=ticket["id"], score=4)
        rated = manager.wait_for("rating.recorded", ticket=ticket["id"])
        assert rated["dossiers"] == [SCANNED] and rated["score"] == 4
        assert "dossiers" not in pad.wait_for("rating.recorded", ticket=ticket["id"])
    finally:
        server.stop()


class EvaluatingServer(Server):
    """The demo site sending its dossier-linked ratings to ``system`` (a stand-in), giving up at once."""

    def __init__(self, tmp: Path, system: str) -> None:
        self.system = system
        super().__init__(tmp)

    def start(self) -> None:
        text = self.config.read_text(encoding="utf-8")
        if "[evaluation_sync]" not in text:
            text += (
                "\n[outbox]\nmax_attempts = 2\nretry_first_seconds = 0.05\nretry_max_seconds = 0.1\n"
                f'\n[evaluation_sync]\nurl_template = "{self.system}/api/hoso/{{code}}/danh-gia"\n'
                '[evaluation_sync.fields]\ndossier = "maHoSo"\nscore = "mucDo"\n'
            )
            self.config.write_text(text, encoding="utf-8")
        super().start()


def test_an_evaluation_the_system_refuses_is_a_dead_letter_on_the_dashboards_outbox_card(
    tmp_path: Path, listeners: list[Listener], browsers: list
) -> None:
    import time

    from bench.gateways import Answer, Gateway

    system = Gateway(lambda _: Answer(400, b'{"error": "ma ho so khong ton tai"}'))
    server = EvaluatingServer(tmp_path, system.url)
    try:
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        counter = Listener(server.ws_url, token=DEMO_TOKENS["counter-1"])
        pad = Listener(server.ws_url, token=DEMO_TOKENS["pad-1"])
        listeners += [kiosk, counter, pad]
        ticket = kiosk.request("ticket.issue", service="HT")["ticket"]
        counter.request("officer.sign_in", user="lan.nguyen", pin="1001")
        counter.request("counter.open")
        counter.request("ticket.call_next")
        counter.request("visit.link_dossier", ticket=ticket["id"], code=SCANNED)
        counter.request("ticket.complete")
        pad.request("rating.submit", ticket=ticket["id"], score=3)
        driver = new_browser()
        browsers.append(driver)
        driver.get(f"{server.url}/dashboard")
        type_into(driver, "#device-token", DEMO_TOKENS["manager"])
        click(driver, "#token-save")
        click(driver, "#tab-outbox")
        for _ in range(100):  # the dead letter is there once the system's 400 is on disk
            click(driver, "#outbox-refresh")
            time.sleep(0.1)
            if driver.find_elements("css selector", "#outbox-dead"):
                break
        row = text_of(driver, "#outbox-dead", "HTTP 400")
        assert "Đánh giá → hệ thống TTHC" in row and "procedures-system" in row and "Đánh giá hồ sơ" in row
        assert text_of(driver, '#outbox-counts tr[data-channel="evaluation"]').split()[-1] == "1"
        [request] = system.requests  # a 4xx is not tried again
        assert request.path == f"/api/hoso/{SCANNED}/danh-gia" and request.json == {"maHoSo": SCANNED, "mucDo": 3}
        screenshot(driver, "dashboard-outbox-evaluation")
    finally:
        server.stop()
        system.close()
