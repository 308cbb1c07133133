""""Cần hỗ trợ" on the phone page /q in Chromium against a real server: the request reaches the
volunteers' phones at once with what the citizen typed; the page says a volunteer is called and
how many are ahead; pressing again makes no second request; a volunteer taking it shows on the
page when it is opened again."""

from __future__ import annotations

from tests.support.demo import DEMO_TOKENS
from tests.web.conftest import Listener, Server, new_browser, screenshot
from tests.web.pages import click, text_of, type_into, wait

PHONE = (412, 915)


def test_the_phone_asks_for_help_once_and_sees_when_a_volunteer_comes(
    server: Server, listeners: list[Listener], browsers: list
) -> None:
    volunteer = Listener(server.ws_url, token=DEMO_TOKENS["volunteer-1"])
    kiosk = Listener(server.ws_url, token=DEMO_TOKENS["kiosk-1"])
    listeners += [volunteer, kiosk]
    kiosk.request("help.ask")  # one asked before: the phone's is the second

    phone = new_browser(width=PHONE[0], height=PHONE[1])
    browsers.append(phone)
    phone.get(f"{server.url}/q")
    wait(phone, "#help", "Cần hỗ trợ")
    type_into(phone, "#help-note", "Áo xanh, ghế hàng 3")
    click(phone, "#help")
    said = text_of(phone, "#help-said", "Đã gọi người hỗ trợ")
    assert "xin chờ trong giây lát" in said and "Có 1 người được hỗ trợ trước bạn" in said
    asked = volunteer.wait_for("help.requested", kind="phone")
    assert (asked["place_name"], asked["note"]) == ("Điện thoại", "Áo xanh, ghế hàng 3")
    screenshot(phone, "phone-help-asked")

    click(phone, "#help")  # again: the same request, no second one
    text_of(phone, "#help-said", "Đã gọi người hỗ trợ")
    assert volunteer.count("help.requested", kind="phone") == 1
    assert len(volunteer.request("help.list")["help"]) == 2

    volunteer.request("help.take", request=asked["request"])
    phone.refresh()
    wait(phone, "#help-said", "Tình nguyện viên đang đến")
