"""The centre's configuration as values: opening hours, labels, lookups."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core.site import DEFAULT_PRIORITIES, DEFAULT_RATING_SCALE, OpeningHours, Policy, TimeRange
from tests.core.conftest import AFTERNOON, MORNING, TZ, WEEKDAYS, at, make_services

HOURS = OpeningHours(WEEKDAYS, (MORNING, AFTERNOON))


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(7, 29, 59), False),
        (at(7, 30), True),
        (at(11, 29, 59), True),
        (at(11, 30), False),  # a range's end is not in it
        (at(12, 0), False),
        (at(13, 30), True),
        (at(16, 59), True),
        (at(17, 0), False),
        (at(9, 0, day=5), False),  # Saturday
        (at(9, 0, day=6), False),  # Sunday
    ],
)
def test_a_service_is_open_within_its_ranges_on_its_weekdays(moment, is_open):
    assert HOURS.is_open(moment) is is_open


@pytest.mark.parametrize(
    ("moment", "opening"),
    [
        (at(6, 0), at(7, 30)),
        (at(7, 30), at(7, 30)),
        (at(9, 0), at(13, 30)),
        (at(12, 0), at(13, 30)),
        (at(17, 0), at(7, 30, day=1)),
        (at(17, 0, day=4), at(7, 30, day=7)),  # Friday evening: next Monday
        (at(10, 0, day=5), at(7, 30, day=7)),  # Saturday
    ],
)
def test_the_next_opening_is_the_first_range_start_at_or_after_now(moment, opening):
    assert HOURS.next_opening(moment) == opening


def test_the_next_opening_is_the_earliest_range_whatever_the_order_they_are_given_in():
    hours = OpeningHours(WEEKDAYS, (AFTERNOON, MORNING))
    assert hours.next_opening(at(6, 0)) == at(7, 30)


def test_hours_with_no_weekday_never_open():
    hours = OpeningHours(frozenset(), (MORNING,))
    assert not hours.is_open(at(9, 0))
    assert hours.next_opening(at(9, 0)) is None


def test_a_time_range_holds_its_start_but_not_its_end():
    r = TimeRange(dt.time(8), dt.time(9))
    assert dt.time(8) in r
    assert dt.time(9) not in r


@pytest.mark.parametrize(
    ("service", "number", "label"),
    [("HT", 1, "A001"), ("HT", 42, "A042"), ("HT", 1234, "A1234"), ("DD", 100, "B0100")],
)
def test_a_label_is_the_prefix_and_the_number_padded_to_the_service_width(service, number, label):
    services = {s.code: s for s in make_services()}
    assert services[service].label(number) == label


def test_the_site_finds_services_counters_and_priorities_by_code(site):
    assert site.service("DD").name_vi == "Đất đai"
    assert site.service("XX") is None
    assert site.counter(2).name == "Quầy 2"
    assert site.counter(9) is None
    assert site.priority("elderly").name_vi == "Người cao tuổi"
    assert site.priority("vip") is None


def test_the_site_gives_local_time_in_its_zone(site):
    utc = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)
    assert site.local(utc) == at(8, 0)
    assert site.local(utc).tzinfo is TZ


def test_the_defaults_are_five_priority_categories_and_a_four_level_scale():
    assert [p.code for p in DEFAULT_PRIORITIES] == ["elderly", "disabled", "pregnant", "veteran", "small_child"]
    assert [(lvl.score, lvl.name_vi) for lvl in DEFAULT_RATING_SCALE] == [
        (4, "Rất hài lòng"),
        (3, "Hài lòng"),
        (2, "Bình thường"),
        (1, "Không hài lòng"),
    ]
    policy = Policy()
    assert policy.checkin_early == dt.timedelta(minutes=15)
    assert policy.checkin_late == dt.timedelta(minutes=10)


SATURDAY_MORNINGS = OpeningHours(frozenset(range(6)), (MORNING, AFTERNOON), by_day=((5, (MORNING,)),))


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [(at(9, 0, day=5), True), (at(14, 0, day=5), False), (at(14, 0, day=4), True), (at(9, 0, day=6), False)],
)
def test_some_weekdays_may_have_their_own_ranges(moment, is_open):
    assert SATURDAY_MORNINGS.is_open(moment) is is_open


def test_the_next_opening_follows_the_ranges_of_each_day():
    assert SATURDAY_MORNINGS.next_opening(at(12, 0, day=5)) == at(7, 30, day=7)
    assert SATURDAY_MORNINGS.ranges_on(6) == ()
    assert SATURDAY_MORNINGS.ranges_on(5) == (MORNING,)
    assert SATURDAY_MORNINGS.ranges_on(0) == (MORNING, AFTERNOON)
