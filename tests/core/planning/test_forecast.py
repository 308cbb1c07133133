"""The forecast and the staffing table: exact on a made-up history, and within the method's
expected error on a simulated 8-week history whose Poisson rates are known."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from queue_server.core.planning.erlang import counters_needed
from queue_server.core.planning.forecast import forecast, history_days, plannable
from queue_server.core.planning.slots import busy_span, slot_label, slot_of
from queue_server.core.planning.staffing import staffing
from queue_server.core.site import OpeningHours, Service
from tests.planning.simulated import CENTRE, LAST, ROWS, hand_history

MONDAY = dt.date(2026, 11, 23)
HOURS = OpeningHours(frozenset(range(7)), ())


def test_half_hours_are_numbered_from_midnight() -> None:
    assert slot_of(dt.time(7, 29)) == 14 and slot_of(dt.time(7, 30)) == 15 and slot_of(dt.time(23, 59)) == 47
    assert slot_label(15) == "07:30" and slot_label(0) == "00:00" and slot_label(47) == "23:30"
    assert busy_span((0,) * 10 + (1,) + (0,) * 37, (0,) * 12 + (2,) + (0,) * 35) == range(10, 13)
    assert busy_span((0,) * 48) == range(0)


def test_the_history_is_the_same_weekday_of_the_weeks_before() -> None:
    assert history_days(MONDAY, 3) == (dt.date(2026, 11, 16), dt.date(2026, 11, 9), dt.date(2026, 11, 2))
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        history_days(MONDAY, 0)
    with pytest.raises(ValueError, match="1 to 12 weeks"):
        history_days(MONDAY, 13)


def test_a_day_is_plannable_when_its_history_fits_in_the_calendar() -> None:
    assert plannable(MONDAY) and plannable(dt.date(1, 1, 29), 4) and plannable(dt.date(9999, 12, 24))
    assert not plannable(dt.date(1, 1, 28), 4) and not plannable(dt.date(9999, 12, 25))


def test_the_forecast_averages_the_weeks_and_adds_the_bookings() -> None:
    history = {
        dt.date(2026, 11, 16): {("HT", 16): 6, ("HT", 17): 3, ("DD", 16): 1},
        dt.date(2026, 11, 9): {("HT", 16): 4},
        # 2 November: no ticket at all (a holiday) — left out, not counted as zero
        dt.date(2026, 10, 26): {("HT", 16): 5, ("HT", 17): 3},
        dt.date(2026, 11, 17): {("HT", 16): 99},  # a Tuesday: not the same weekday
    }
    result = forecast(MONDAY, ["HT", "DD"], history, {("HT", 17): 2, ("DD", 20): 1}, weeks=4)
    assert result.days_used == (dt.date(2026, 11, 16), dt.date(2026, 11, 9), dt.date(2026, 10, 26))
    ht, dd = result.fields
    assert ht.walk_in[16] == 5.0  # (6 + 4 + 5) / 3
    assert ht.walk_in[17] == 2.0 and ht.booked[17] == 2 and ht.arrivals[17] == 4.0  # (3 + 0 + 3) / 3 + 2
    assert dd.walk_in[16] == pytest.approx(0.3333) and dd.arrivals[20] == 1.0
    assert ht.total == 9.0 and sum(ht.walk_in) == 7.0
    assert result.field("KD") is None


def test_with_no_history_the_forecast_is_the_bookings() -> None:
    result = forecast(MONDAY, ["HT"], {}, {("HT", 18): 3})
    assert result.days_used == () and result.fields[0].arrivals[18] == 3 and result.fields[0].total == 3


def test_the_staffing_table_runs_erlang_c_on_each_half_hour() -> None:
    ht = Service("HT", "A", "Hộ tịch", "Civil status", HOURS, target_wait_minutes=1)
    kd = Service("KD", "C", "Đăng ký kinh doanh", "Business", HOURS, target_wait_minutes=20)
    history = {dt.date(2026, 11, 16): {("HT", 16): 20, ("HT", 17): 10, ("KD", 16): 10}}
    plan = staffing(forecast(MONDAY, ["HT", "KD"], history, {}), [ht, kd], {"HT": 3.0}, 6.0, 80)
    by_code = {f.service: f for f in plan.fields}
    # HT: 20 in 30 min at 3 min = 2 Erlangs, 80 % within 1 min → 4 counters (test_erlang's hand values)
    assert by_code["HT"].counters[16] == 4 and by_code["HT"].measured and by_code["HT"].service_minutes == 3.0
    # 10 in 30 min at 3 min = 1 Erlang. n = 2: C = 1/3, 1 − 1/3 · e^(−1/3) = 0.761 < 0.8;
    # n = 3: C = (1/6 · 3/2) / (1 + 1 + 1/2 + 1/4) = 1/11, 1 − 1/11 · e^(−2/3) = 0.953 → 3
    assert by_code["HT"].counters[17] == counters_needed(10, 3, 1, 80) == 3
    # KD: no measured service time → the site's 6 minutes; 10 in 30 min = 2 Erlangs, 20 min target → 3
    assert (by_code["KD"].measured, by_code["KD"].service_minutes, by_code["KD"].counters[16]) == (False, 6.0, 3)
    assert plan.total[16] == 7 and plan.total[17] == 3 and plan.total[0] == 0 and plan.level_percent == 80


def test_a_field_missing_from_the_forecast_needs_no_counter() -> None:
    ht = Service("HT", "A", "Hộ tịch", "Civil status", HOURS)
    plan = staffing(forecast(MONDAY, [], {}, {}), [ht], {}, 6.0, 80)
    assert plan.fields[0].counters == (0,) * 48


def test_on_a_simulated_history_the_error_is_what_averaging_four_weeks_gives() -> None:
    """Eight weeks drawn from known Poisson rates; forecast each open day of the week after
    from the four weeks before it. Averaging k = 4 Poisson counts of mean λ gives an unbiased
    estimate with standard error √(λ/4), so the expected absolute error of a half-hour is about
    √(2/π) · √(λ/4) (normal approximation). The measured total must be within 15 % of that sum,
    and the signed errors must cancel out (no bias)."""
    absolute, expected, signed, truth = 0.0, 0.0, 0.0, 0.0
    cells = 0
    for offset in range(1, 7):  # Monday 23 … Saturday 28 November
        day = LAST + dt.timedelta(days=offset)
        history = hand_history(ROWS, history_days(day, 4))
        assert len(history) == 4
        result = forecast(day, list(CENTRE.peak_rates), history, {})
        for field in result.fields:
            for slot in range(48):
                rate = CENTRE.walk_in_rate(field.service, day, slot)
                if rate == 0:
                    assert field.walk_in[slot] == 0  # closed half-hours stay empty
                    continue
                cells += 1
                absolute += abs(field.walk_in[slot] - rate)
                signed += field.walk_in[slot] - rate
                truth += rate
                expected += math.sqrt(2 / math.pi) * math.sqrt(rate / 4)
    assert cells > 300
    assert 0.85 < absolute / expected < 1.15
    assert abs(signed) / truth < 0.03  # 3 standard errors of the total: 3 · √(Σλ/4) / Σλ ≈ 0.03
