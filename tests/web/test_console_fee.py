"""The officer console prints a fee receipt in Chromium: the current ticket's fee shown, the
receipt printed on the counter's (simulated) printer with the dossier's code, and its VietQR
code read back from the printed raster by zbarimg."""

from __future__ import annotations

import subprocess
from pathlib import Path

from hardware.printer.sim import list_jobs
from queue_server.core.payments import vietqr
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, enter_token, sign_in, text_of, type_into, wait


class PrintingServer(Server):
    """The demo site with counter-1's printer in the test's folder, not under var/."""

    def __init__(self, tmp: Path) -> None:
        self.printer_dir = tmp / "counter-1-printer"
        super().__init__(tmp)

    def start(self) -> None:
        text = self.config.read_text(encoding="utf-8")
        self.config.write_text(text.replace("sim://var/sim/counter-1-printer", f"sim://{self.printer_dir}"), encoding="utf-8")
        super().start()


def test_the_console_prints_the_fee_with_its_vietqr_code(tmp_path: Path, listeners: list[Listener], browsers: list) -> None:
    server = PrintingServer(tmp_path)
    try:
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        listeners.append(kiosk)
        kiosk.request("ticket.issue", service="HT")  # Hộ tịch: 8.000 đ in the demo
        driver = new_browser()
        browsers.append(driver)
        driver.get(f"{server.url}/console?device=counter-1")
        enter_token(driver, "counter-1")
        sign_in(driver, "lan.nguyen", "1001")
        click(driver, "#open")
        click(driver, "#call-next")
        wait(driver, "#current-label", "A001")
        wait(driver, "#fee-amount", "8.000 đ")
        type_into(driver, "#fee-dossier", "HS-2026-000123")
        click(driver, "#fee-print")
        wait(driver, "#fee-result", "Đã in phiếu thu phí, nội dung HS-2026-000123")
        screenshot(driver, "console-fee-printed")
        [job] = list_jobs(server.printer_dir)
        read = subprocess.run(["zbarimg", "--quiet", "--raw", str(job.png)], capture_output=True, text=True).stdout.splitlines()
        [payload] = read
        parsed = vietqr.parse(payload)
        assert (parsed.amount, parsed.reference, parsed.account) == (8000, "HS-2026-000123", "0011000012345")
        assert "8.000 đ" in text_of(driver, "#fee")
    finally:
        server.stop()
