"""A report's periods: a day, an ISO week (Monday to Sunday), a calendar month."""

from __future__ import annotations

import datetime as dt
import enum


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"  # ISO week, Monday to Sunday
    MONTH = "month"


def period_bounds(period: Period, day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the ``period`` that holds ``day``."""
    if period is Period.DAY:
        return day, day
    if period is Period.WEEK:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)
