"""Quiet booking slots: a slot's expected arrivals from its field's forecast, and which to offer first."""

from __future__ import annotations

import datetime as dt

from queue_server.core.planning.forecast import FieldForecast
from queue_server.core.planning.offpeak import quiet_slots, slot_load

ARRIVALS = [0.0] * 48
ARRIVALS[15], ARRIVALS[16], ARRIVALS[17] = 3.0, 9.0, 6.0  # 07:30, 08:00, 08:30
EXPECTED = FieldForecast("DD", tuple(ARRIVALS), (0,) * 48)


def at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 23, hour, minute)


def test_a_slot_takes_its_share_of_each_half_hour_it_overlaps() -> None:
    assert slot_load(EXPECTED, at(8, 0), 15) == 4.5  # half of 08:00's 9
    assert slot_load(EXPECTED, at(8, 20), 20) == 5.0  # 10 min of 08:00 (9 × 1/3) + 10 min of 08:30 (6 × 1/3)
    assert slot_load(EXPECTED, at(7, 30), 60) == 12.0  # 3 + 9
    assert slot_load(EXPECTED, at(23, 45), 30) == 0.0  # runs past midnight: nothing after it


def test_the_quietest_third_with_free_places_comes_first() -> None:
    loads = [4.5, 1.0, 2.0, 6.0, 0.5, 3.0]
    free = [2, 2, 0, 2, 2, 1]  # the third slot is full
    # five slots with places: the quietest ⌈5/3⌉ = 2 are 0.5 and 1.0
    assert quiet_slots(loads, free) == [False, True, False, False, True, False]
    assert quiet_slots([1.0, 1.0, 2.0], [1, 1, 1]) == [True, True, False]  # ties are both quiet


def test_with_no_difference_or_no_place_nothing_is_marked() -> None:
    assert quiet_slots([0.0, 0.0, 0.0], [2, 2, 2]) == [False, False, False]  # no history
    assert quiet_slots([1.0, 2.0], [0, 0]) == [False, False]
    assert quiet_slots([], []) == []
