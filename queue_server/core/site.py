"""What a centre is made of: its services, counters, priority categories and rules.

Values only, built once at the edge from the site's configuration file and never changed
while the server runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping


@dataclasses.dataclass(frozen=True)
class TimeRange:
    """Opening ``start`` ≤ t < ``end`` within one day."""

    start: dt.time
    end: dt.time

    def __contains__(self, moment: dt.time) -> bool:
        # an end of 24:00 is written as time.max and includes the day's last instant
        return self.start <= moment and (moment < self.end or self.end == dt.time.max)


@dataclasses.dataclass(frozen=True)
class OpeningHours:
    """Weekdays (0 = Monday) and the time ranges on each of them.

    ``by_day`` gives other ranges on some of the weekdays (e.g. Saturday morning only).
    """

    weekdays: frozenset[int]
    ranges: tuple[TimeRange, ...]
    by_day: tuple[tuple[int, tuple[TimeRange, ...]], ...] = ()

    def ranges_on(self, weekday: int) -> tuple[TimeRange, ...]:
        """The ranges open on ``weekday`` (0 = Monday); none when closed that day."""
        if weekday not in self.weekdays:
            return ()
        return next((r for day, r in self.by_day if day == weekday), self.ranges)

    def is_open(self, local: dt.datetime) -> bool:
        moment = local.time().replace(tzinfo=None)
        return any(moment in r for r in self.ranges_on(local.weekday()))

    def next_opening(self, local: dt.datetime) -> dt.datetime | None:
        """The first opening at or after ``local`` within a week, for messages."""
        for days in range(8):
            day = local.date() + dt.timedelta(days=days)
            for r in sorted(self.ranges_on(day.weekday()), key=lambda r: r.start):
                start = dt.datetime.combine(day, r.start, local.tzinfo)
                if start >= local:
                    return start
        return None


@dataclasses.dataclass(frozen=True)
class Service:
    """A field (lĩnh vực) that citizens queue for."""

    code: str
    prefix: str
    name_vi: str
    name_en: str
    hours: OpeningHours
    daily_cap: int | None = None
    max_wait_minutes: int = 45
    target_wait_minutes: int = 20  # the service level counts calls within this wait
    number_start: int = 1
    number_width: int = 3
    slot_minutes: int = 15
    slot_capacity: int = 0  # appointments per slot; 0: this service takes no bookings
    unit: str | None = None  # the agency (đơn vị) the field belongs to; None: the centre itself
    wait_line: str | None = None  # where to wait, on its tickets ("Mời ngồi chờ tại khu B, tầng 1")

    def label(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.number_width}d}"


@dataclasses.dataclass(frozen=True)
class CounterSpec:
    """A counter (quầy) and the services it serves, each with a weight (higher: sooner)."""

    number: int
    name: str
    services: Mapping[str, float]


@dataclasses.dataclass(frozen=True)
class PriorityCategory:
    """A group served first: elderly, disabled, pregnant, veterans, small children…"""

    code: str
    name_vi: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class RatingLevel:
    score: int
    name_vi: str
    name_en: str


@dataclasses.dataclass(frozen=True)
class PauseReason:
    """Why an officer pauses a counter (họp, nghỉ trưa…), picked in the console."""

    code: str
    name_vi: str
    name_en: str


DEFAULT_PRIORITIES = (
    PriorityCategory("elderly", "Người cao tuổi", "Elderly"),
    PriorityCategory("disabled", "Người khuyết tật", "Person with a disability"),
    PriorityCategory("pregnant", "Phụ nữ mang thai", "Pregnant woman"),
    PriorityCategory("veteran", "Người có công", "Veteran / person of merit"),
    PriorityCategory("small_child", "Người đi cùng trẻ em dưới 6 tuổi", "With a child under 6"),
)

DEFAULT_RATING_SCALE = (
    RatingLevel(4, "Rất hài lòng", "Very satisfied"),
    RatingLevel(3, "Hài lòng", "Satisfied"),
    RatingLevel(2, "Bình thường", "Neutral"),
    RatingLevel(1, "Không hài lòng", "Dissatisfied"),
)

DEFAULT_PAUSE_REASONS = (
    PauseReason("meeting", "Họp", "Meeting"),
    PauseReason("lunch", "Nghỉ trưa", "Lunch break"),
    PauseReason("helping", "Hỗ trợ quầy khác", "Helping another counter"),
    PauseReason("paperwork", "Xử lý hồ sơ", "Processing dossiers"),
    PauseReason("personal", "Việc riêng", "Personal matter"),
    PauseReason("other", "Lý do khác", "Other"),
)


@dataclasses.dataclass(frozen=True)
class Policy:
    """The rules a centre may tune."""

    max_priority_in_row: int = 3
    no_show_returns: int = 1
    transfer_keeps_arrival: bool = True
    checkin_early: dt.timedelta = dt.timedelta(minutes=15)
    checkin_late: dt.timedelta = dt.timedelta(minutes=10)
    booking_days_ahead: int = 14
    rating_window: dt.timedelta = dt.timedelta(minutes=10)
    rating_scale: tuple[RatingLevel, ...] = DEFAULT_RATING_SCALE
    default_service_minutes: float = 6.0
    recent_services: int = 20
    service_level_percent: int = 80  # the share of citizens to call within their field's target wait
    pause_reasons: tuple[PauseReason, ...] = DEFAULT_PAUSE_REASONS
    reentry_working_days: int = 10  # a re-entry code ("cần bổ sung") works this many working days after

    def pause_reason(self, code: str) -> PauseReason | None:
        return next((r for r in self.pause_reasons if r.code == code), None)

    @property
    def lowest_rating(self) -> int:
        return min(level.score for level in self.rating_scale)


@dataclasses.dataclass(frozen=True)
class Site:
    site_id: str
    name: str
    tz: dt.tzinfo
    services: tuple[Service, ...]
    counters: tuple[CounterSpec, ...]
    priorities: tuple[PriorityCategory, ...] = DEFAULT_PRIORITIES
    policy: Policy = Policy()
    wait_line: str | None = None  # where to wait, for the fields that do not say it themselves

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def counter(self, number: int) -> CounterSpec | None:
        return next((c for c in self.counters if c.number == number), None)

    def priority(self, code: str) -> PriorityCategory | None:
        return next((p for p in self.priorities if p.code == code), None)

    def unit_of(self, service: Service) -> str:
        """The agency a field belongs to; the centre itself when none is named."""
        return service.unit or self.name

    def local(self, moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(self.tz)
