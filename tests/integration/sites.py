"""A small site for integration tests, built in code, open every day and all day long."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import zoneinfo

from queue_server.config.settings import Device, Officer, Role, ServerSettings, SiteConfig
from queue_server.core import pins
from queue_server.core.site import CounterSpec, OpeningHours, Policy, Service, Site, TimeRange

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def midday_zone() -> str:
    """A fixed-offset zone where it is now between 08:00 and 20:00: for tests that run a real
    server on the real clock and book the next slot, so that it is one the kiosk checks in
    today (near midnight, tomorrow's first slot is on another day: the kiosk rightly refuses
    it) — such a test must not depend on when it runs."""
    hour = time.gmtime().tm_hour
    offset = next(o for o in range(-12, 15) if 8 <= (hour + o) % 24 < 20)
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"  # Etc/GMT-7 is UTC+7
ALWAYS = OpeningHours(frozenset(range(7)), (TimeRange(dt.time(0, 0), dt.time.max),))
PIN = "2468"
_PIN_HASH = pins.hash_pin(PIN)

TOKENS = {
    "kiosk": "test-kiosk-token-0001",
    "display": "test-display-token-01",
    "display-floor2": "test-display-token-02",
    "counter-1": "test-counter-token-01",
    "counter-2": "test-counter-token-02",
    "counter-3": "test-counter-token-03",
    "pad-1": "test-pad-token-000001",
    "manager": "test-manager-token-01",
    "integration": "test-integration-tok1",
    "volunteer": "test-volunteer-token-1",
    "volunteer-2": "test-volunteer-token-2",
}


def site_config(**settings: object) -> SiteConfig:
    site = Site(
        site_id="test-site",
        name="Trung tâm Phục vụ hành chính công (thử nghiệm)",
        tz=TZ,
        services=(
            Service("HT", "A", "Hộ tịch", "Civil status", ALWAYS, slot_capacity=2),
            Service("DD", "B", "Đất đai", "Land", ALWAYS, daily_cap=500),
            Service("KD", "C", "Đăng ký kinh doanh", "Business registration", ALWAYS, daily_cap=3),
        ),
        counters=(
            CounterSpec(1, "Quầy 1", {"HT": 1.0}),
            CounterSpec(2, "Quầy 2", {"HT": 1.0, "DD": 2.0}),
            CounterSpec(3, "Quầy 3", {"KD": 1.0}),
        ),
        policy=Policy(),
    )
    devices = (
        Device("kiosk", Role.KIOSK, TOKENS["kiosk"]),
        Device("display", Role.DISPLAY, TOKENS["display"]),
        Device("display-floor2", Role.DISPLAY, TOKENS["display-floor2"], counters=(3,)),
        Device("counter-1", Role.COUNTER, TOKENS["counter-1"], counter=1),
        Device("counter-2", Role.COUNTER, TOKENS["counter-2"], counter=2),
        Device("counter-3", Role.COUNTER, TOKENS["counter-3"], counter=3),
        Device("pad-1", Role.PAD, TOKENS["pad-1"], counter=1),
        Device("manager", Role.MANAGER, TOKENS["manager"]),
        Device("integration", Role.INTEGRATION, TOKENS["integration"]),
        Device("volunteer", Role.VOLUNTEER, TOKENS["volunteer"], name="Tình nguyện viên Hoa"),
        Device("volunteer-2", Role.VOLUNTEER, TOKENS["volunteer-2"], name="Nhân viên sảnh Nam"),
    )
    officers = (
        Officer("lan", "Nguyễn Thị Lan", _PIN_HASH),
        Officer("minh", "Trần Văn Minh", _PIN_HASH),
        Officer("hoa", "Lê Thị Hoa", _PIN_HASH, counters=(3,)),
    )
    return SiteConfig(site, devices, officers, ServerSettings(**settings))  # type: ignore[arg-type]


# an office day (Monday to Friday, 07:30–11:30 and 13:30–17:00): sign-ins end at 17:00
OFFICE_DAY = OpeningHours(
    frozenset(range(5)), (TimeRange(dt.time(7, 30), dt.time(11, 30)), TimeRange(dt.time(13, 30), dt.time(17, 0)))
)


def office_site(**settings: object) -> SiteConfig:
    """The test site with every field open the office day only."""
    config = site_config(**settings)
    services = tuple(dataclasses.replace(s, hours=OFFICE_DAY) for s in config.site.services)
    return dataclasses.replace(config, site=dataclasses.replace(config.site, services=services))
