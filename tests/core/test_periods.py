"""A report's periods: a day, an ISO week (Monday to Sunday), a calendar month."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core.periods import Period, period_bounds


@pytest.mark.parametrize(
    ("period", "day", "bounds"),
    [
        (Period.DAY, dt.date(2026, 11, 25), (dt.date(2026, 11, 25), dt.date(2026, 11, 25))),
        (Period.WEEK, dt.date(2026, 11, 25), (dt.date(2026, 11, 23), dt.date(2026, 11, 29))),
        (Period.WEEK, dt.date(2026, 11, 29), (dt.date(2026, 11, 23), dt.date(2026, 11, 29))),
        (Period.MONTH, dt.date(2028, 2, 14), (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        (Period.MONTH, dt.date(2026, 12, 31), (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
    ],
)
def test_a_period_covers_the_days_around_the_one_given(period: Period, day: dt.date, bounds: tuple[dt.date, dt.date]) -> None:
    assert period_bounds(period, day) == bounds
