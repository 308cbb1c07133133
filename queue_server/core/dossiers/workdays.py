"""Working days (ngày làm việc): the calendar due dates are counted in.

    calendar = WorkCalendar(holidays=frozenset({dt.date(2026, 9, 2)}))
    calendar.working_days_after(dt.date(2026, 9, 1), dt.date(2026, 9, 4))   # 2 (the 3rd, the 4th)

A day is worked when it is not a weekend day (Saturday and Sunday unless configured) and not
a holiday, or when it is a make-up day (ngày làm bù: a Saturday worked for a bridged holiday).
Pure: dates in, numbers out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

DEFAULT_WEEKEND = frozenset({5, 6})  # date.weekday(): Saturday, Sunday
MAX_SPAN_DAYS = 3660  # counting stops at ten years: a due date further away is a data error


@dataclasses.dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[dt.date] = frozenset()
    weekend: frozenset[int] = DEFAULT_WEEKEND
    make_up_days: frozenset[dt.date] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.make_up_days:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def working_days_after(self, start: dt.date, end: dt.date) -> int:
        """How many working days come after ``start`` up to ``end`` included (0 when
        ``end <= start``). Spans over ten years are cut there."""
        count = 0
        day = start + dt.timedelta(days=1)
        last = min(end, start + dt.timedelta(days=MAX_SPAN_DAYS))
        while day <= last:
            count += self.is_working_day(day)
            day += dt.timedelta(days=1)
        return count

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself for 0)."""
        day = start
        for _ in range(min(days, MAX_SPAN_DAYS)):
            day += dt.timedelta(days=1)
            while not self.is_working_day(day):
                day += dt.timedelta(days=1)
        return day
