"""The peak view: arrivals and average waits by weekday × hour, from hourly cells."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.planning.heatmap import HOURS, WEEKDAYS, ArrivalCell, heat_map, weekday_counts

D = dt.date
MONDAY = D(2026, 11, 23)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


@given(st.dates(min_value=D(2020, 1, 1), max_value=D(2030, 12, 31)), st.integers(min_value=0, max_value=800))
def test_each_weekday_is_counted_once_a_week_and_the_rest_goes_to_the_first_ones(first: dt.date, length: int) -> None:
    last = first + dt.timedelta(days=length)
    counts = weekday_counts(first, last)
    days = length + 1
    assert sum(counts) == days
    for weekday, count in enumerate(counts):
        extra = (weekday - first.weekday()) % WEEKDAYS < days % WEEKDAYS
        assert count == days // WEEKDAYS + extra


def test_cells_of_the_same_weekday_and_hour_add_up_and_waits_average_over_those_called() -> None:
    cells = [
        ArrivalCell(at(MONDAY, 8), arrivals=10, called=8, wait_minutes=80.0),
        ArrivalCell(at(MONDAY + dt.timedelta(days=7), 8), arrivals=6, called=2, wait_minutes=50.0),
        ArrivalCell(at(MONDAY, 9), arrivals=3, called=0, wait_minutes=0.0),
        ArrivalCell(at(MONDAY + dt.timedelta(days=4), 14), arrivals=5, called=3, wait_minutes=10.0),
    ]
    result = heat_map(cells, MONDAY, MONDAY + dt.timedelta(days=13))
    assert result.days == (2,) * WEEKDAYS
    assert result.arrivals[0][8] == 16 and result.average_wait[0][8] == 13.0  # 130 minutes / 10 called
    assert result.arrivals[0][9] == 3 and result.average_wait[0][9] is None  # nobody called yet
    assert result.arrivals[4][14] == 5 and result.average_wait[4][14] == 3.33
    assert result.arrivals_per_day[0][8] == 8.0 and result.arrivals_per_day[4][14] == 2.5
    assert sum(map(sum, result.arrivals)) == 24
    assert all(len(row) == HOURS for row in result.arrivals + result.average_wait)


def test_a_period_shorter_than_a_week_has_no_per_day_figure_for_the_days_it_lacks() -> None:
    result = heat_map([ArrivalCell(at(MONDAY + dt.timedelta(days=1), 10), 4, 4, 6.0)], MONDAY, MONDAY + dt.timedelta(days=2))
    assert result.days == (1, 1, 1, 0, 0, 0, 0)
    assert result.arrivals_per_day[1][10] == 4.0 and result.arrivals_per_day[1][11] == 0.0
    assert result.arrivals_per_day[3] == (None,) * HOURS
    assert (result.first, result.last) == (MONDAY, MONDAY + dt.timedelta(days=2))
