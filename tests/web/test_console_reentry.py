"""The officer console marks "cần bổ sung" in Chromium: an empty note is refused in words and
nothing is printed; with the note, the re-entry code is shown with its last day, the slip comes
out of the counter's (simulated) printer and its QR code, read back by zbarimg, is the code's
link; the answer stays on screen when the console redraws; the link's page (/r/CODE) shows the
code and its QR code; and the kiosk's scan of that code gives a return-visit ticket for this
counter."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from hardware.printer.sim import list_jobs
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, new_browser, screenshot
from tests.web.pages import click, enter_token, sign_in, text_of, type_into, wait, wait_value
from tests.web.test_console_fee import PrintingServer


def test_the_console_marks_papers_missing_and_prints_the_reentry_slip(tmp_path: Path, listeners: list[Listener], browsers: list) -> None:
    server = PrintingServer(tmp_path)
    try:
        kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
        listeners.append(kiosk)
        kiosk.request("ticket.issue", service="HT")
        driver = new_browser()
        browsers.append(driver)
        driver.get(f"{server.url}/console?device=counter-1")
        enter_token(driver, "counter-1")
        sign_in(driver, "lan.nguyen", "1001")
        click(driver, "#open")
        click(driver, "#call-next")
        wait(driver, "#current-label", "A001")
        click(driver, "#reentry-open")
        click(driver, "#reentry-mark")
        wait(driver, "#reentry-result", "Hãy ghi giấy tờ còn thiếu.")
        assert list_jobs(server.printer_dir) == []
        type_into(driver, "#reentry-note", "Thiếu bản sao giấy khai sinh có chứng thực")
        type_into(driver, "#reentry-dossier", "000.00.16.H57-261123-0001")
        kiosk.request("ticket.issue", service="HT")  # an event: the console redraws meanwhile
        click(driver, "#reentry-mark")
        wait(driver, "#reentry-result", "Đã in phiếu.")
        shown = text_of(driver, "#reentry-result")
        assert "Đã ghi hồ sơ cần bổ sung. Mã quay lại" in shown and ", dùng đến hết Thứ " in shown, shown
        code = text_of(driver, "#reentry-code")
        assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code), code
        screenshot(driver, "console-reentry-marked")
        [job] = list_jobs(server.printer_dir)
        read = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(job.png)], capture_output=True, text=True)
        [payload] = read.stdout.splitlines()
        assert payload.endswith("/r/" + code.replace("-", "")), payload
        kiosk.request("ticket.issue", service="DD")  # another redraw: the answer stays
        wait(driver, "#reentry-code", code)
        # the SMS's link on the citizen's phone: the code written out and its QR code, for the kiosk
        phone = new_browser(width=412, height=915)
        browsers.append(phone)
        phone.get(f"{server.url}/r/{code.replace('-', '')}")
        assert text_of(phone, "#reentry-code", code) == code
        image = wait(phone, "#reentry-qr")
        wait_value(lambda: phone.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image), True)
        click(driver, "#complete")
        used = kiosk.request("reentry.use", code=code)
        assert (used["ticket"]["priority"], used["reentry"]["target"], used["reentry"]["counter"]) == ("return-visit", "officer", 1)
    finally:
        server.stop()
