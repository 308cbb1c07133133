"""The phone page shows the fee of its ticket's field as a VietQR code a bank app can read:
the code on the screen (a Chromium screenshot) decodes with zbarimg to the server's payload."""

from __future__ import annotations

import subprocess

from queue_server.core.payments import vietqr
from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import text_of, wait, wait_value

PHONE = (412, 915)


def test_the_phone_page_shows_the_fee_as_a_vietqr_code(server: Server, listeners: list[Listener], browsers: list) -> None:
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners.append(kiosk)
    mine = kiosk.request("ticket.issue", service="HT")["ticket"]  # Hộ tịch: 8.000 đ in the demo
    free = kiosk.request("ticket.issue", service="DD")["ticket"]  # Đất đai: no fee

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(mine["url"])
    wait(phone, "#fee-amount", "8.000 đ")
    reference = text_of(phone, "#fee-reference")
    assert reference.startswith("A001-")
    image = wait(phone, "#fee-qr")
    phone.execute_script("arguments[0].scrollIntoView()", image)
    wait_value(lambda: phone.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image), True)
    shot = screenshot(phone, "phone-ticket-fee")
    read = subprocess.run(["zbarimg", "--quiet", "--raw", str(shot)], capture_output=True, text=True).stdout.splitlines()
    payloads = [r for r in read if r.startswith("000201")]
    assert len(payloads) == 1
    parsed = vietqr.parse(payloads[0])
    assert (parsed.bank_bin, parsed.account, parsed.amount, parsed.reference) == ("970436", "0011000012345", 8000, reference)

    phone.get(free["url"])
    wait(phone, "#label", "B001")
    assert not phone.find_elements("css selector", "#fee")
