"""The boards' ticker and the state of devices, as the manager sees them."""

from __future__ import annotations

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from tests.core.conftest import Centre


def test_the_manager_sets_and_clears_the_ticker(centre: Centre) -> None:
    (event,) = centre.run(c.SetAnnouncement(centre.now, "  Chiều nay nghỉ từ 16:00 ", "Closing at 16:00"))
    assert event.type is EventType.ANNOUNCEMENT_CHANGED
    assert centre.lobby.announcement_view() == {"text_vi": "Chiều nay nghỉ từ 16:00", "text_en": "Closing at 16:00"}
    centre.run(c.SetAnnouncement(centre.later(1), ""))
    assert centre.lobby.announcement_view() == {"text_vi": "", "text_en": ""}


def test_setting_the_same_announcement_again_changes_nothing(centre: Centre) -> None:
    centre.run(c.SetAnnouncement(centre.now, "Xin chào"))
    assert centre.run(c.SetAnnouncement(centre.later(1), "Xin chào ")) == []


def test_an_overlong_announcement_is_refused(centre: Centre) -> None:
    centre.refuse(c.SetAnnouncement(centre.now, "á" * 501), ErrorCode.TEXT_TOO_LONG)


def test_a_device_fault_is_recorded_once_until_it_changes(centre: Centre) -> None:
    fault = c.ReportDevice(centre.now, "kiosk-1", "printer", ok=False, detail="paper_out")
    (event,) = centre.run(fault)
    assert event.data == {"device": "kiosk-1", "component": "printer", "ok": False, "detail": "paper_out"}
    centre.later(5)
    assert centre.run(c.ReportDevice(centre.now, "kiosk-1", "printer", ok=False, detail="paper_out")) == []
    (status,) = centre.lobby.devices_view()
    assert status["ok"] is False and status["since"] == fault.now.isoformat()


def test_a_device_keeps_the_time_of_its_last_change_between_ok_and_fault(centre: Centre) -> None:
    first = centre.now
    centre.run(c.ReportDevice(first, "kiosk-1", "printer", ok=False, detail="paper_out"))
    centre.run(c.ReportDevice(centre.later(1), "kiosk-1", "printer", ok=False, detail="cover_open"))
    assert centre.lobby.devices_view()[0]["since"] == first.isoformat()
    mended = centre.later(2)
    centre.run(c.ReportDevice(mended, "kiosk-1", "printer", ok=True))
    assert centre.lobby.devices_view()[0] == {
        "device": "kiosk-1", "component": "printer", "ok": True, "detail": "", "since": mended.isoformat()
    }


def test_an_unknown_device_part_is_refused(centre: Centre) -> None:
    error = centre.refuse(c.ReportDevice(centre.now, "kiosk-1", "toaster", ok=False), ErrorCode.COMPONENT_UNKNOWN)
    assert "printer" in error.message


def test_notices_are_rebuilt_from_the_log(centre: Centre) -> None:
    centre.run(c.SetAnnouncement(centre.now, "Thông báo", "Notice"))
    centre.run(c.ReportDevice(centre.now, "pad-1", "pad", ok=False, detail="gone"))
    again = Lobby(centre.site)
    again.replay(centre.log)
    assert again.announcement_view() == centre.lobby.announcement_view()
    assert again.devices_view() == centre.lobby.devices_view()
