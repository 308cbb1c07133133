"""The demo centre in assets/demo.toml has what the issue asks for."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from queue_server.config.settings import Role, SiteConfig
from queue_server.config.site import load_config
from queue_server.core import pins

DEMO = Path(__file__).resolve().parents[2] / "assets" / "demo.toml"


@pytest.fixture(scope="module")
def demo() -> SiteConfig:
    return load_config(DEMO)


def demo_pins() -> dict[str, str]:
    """The plain demo PINs listed in the DEMO ONLY comment block at the top of the file."""
    head = DEMO.read_text(encoding="utf-8").split("[site]")[0]
    assert "DEMO ONLY" in head
    return dict(re.findall(r"([a-z]+\.[a-z]+)\s+(\d{4,8})\b", head))


def test_it_is_a_provincial_centre_in_vietnam(demo: SiteConfig) -> None:
    assert demo.site.name.startswith("Trung tâm Phục vụ hành chính công tỉnh")
    assert demo.site.tz.key == "Asia/Ho_Chi_Minh"  # type: ignore[attr-defined]
    assert demo.settings.public_url == "http://127.0.0.1:8765"
    assert demo.settings.language == "vi"


def test_it_has_at_least_six_fields_with_vietnamese_and_english_names(demo: SiteConfig) -> None:
    services = demo.site.services
    assert len(services) >= 6
    names = {s.name_vi for s in services}
    for expected in ("Hộ tịch", "Đất đai", "Đăng ký kinh doanh", "Giấy phép lái xe"):
        assert expected in names
    for service in services:
        assert service.name_en and service.name_en != service.name_vi
        assert unicodedata.is_normalized("NFC", service.name_vi)
    assert any(s.slot_capacity > 0 for s in services)
    assert all(s.daily_cap for s in services)


def test_the_demo_opens_round_the_clock_so_it_can_be_tried_any_time(demo: SiteConfig) -> None:
    tz = demo.site.tz
    hours = demo.site.service("HT").hours  # type: ignore[union-attr]
    sunday = dt.datetime(2025, 3, 9, tzinfo=tz)
    for hour, minute in ((0, 0), (3, 0), (12, 0), (23, 59)):
        assert hours.is_open(sunday.replace(hour=hour, minute=minute))
    assert hours.is_open(sunday.replace(hour=23, minute=59, second=59, microsecond=999_999))


def test_construction_keeps_weekday_morning_office_hours(demo: SiteConfig) -> None:
    tz = demo.site.tz
    hours = demo.site.service("XD").hours  # type: ignore[union-attr]
    monday = dt.datetime(2025, 3, 3, tzinfo=tz)
    assert hours.is_open(monday.replace(hour=7, minute=30))
    assert not hours.is_open(monday.replace(hour=7, minute=29))
    assert not hours.is_open(monday.replace(hour=11, minute=30))
    assert not hours.is_open(monday.replace(hour=14))
    assert not hours.is_open((monday + dt.timedelta(days=5)).replace(hour=9))

def test_it_has_at_least_eight_counters_with_weights(demo: SiteConfig) -> None:
    counters = demo.site.counters
    assert len(counters) >= 8
    assert any(len(c.services) > 1 and len(set(c.services.values())) > 1 for c in counters)


def test_its_devices(demo: SiteConfig) -> None:
    roles = Counter(d.role for d in demo.devices)
    assert roles[Role.KIOSK] == 2
    assert roles[Role.DISPLAY] == 2
    assert 2 <= roles[Role.PAD] <= 3
    assert roles[Role.MANAGER] == 1
    assert roles[Role.INTEGRATION] == 1
    assert roles[Role.VOLUNTEER] == 1
    counter_pcs = {d.counter for d in demo.devices if d.role is Role.COUNTER}
    assert counter_pcs == {c.number for c in demo.site.counters}
    assert any(d.role is Role.DISPLAY and d.counters for d in demo.devices)
    for device in demo.devices:
        assert device.token.startswith("demo-") and len(device.token) >= 16
        for url in (device.printer, device.scanner, device.pad):
            assert url is None or url.startswith("sim://")
        if device.role is Role.PAD:
            assert device.counter and device.pad == "sim://pads" and device.pad_address
        if device.role is Role.KIOSK:
            assert device.printer and device.scanner


def test_its_officers_sign_in_with_the_listed_demo_pins(demo: SiteConfig) -> None:
    listed = demo_pins()
    assert set(listed) == {o.user for o in demo.officers}
    for officer in demo.officers:
        assert pins.verify_pin(listed[officer.user], officer.pin_hash)
        assert not pins.verify_pin("0000", officer.pin_hash)
    assert any(o.manager for o in demo.officers)
    assert all(unicodedata.is_normalized("NFC", o.name) for o in demo.officers)
