"""Which centres the kiosk suggests when a field's wait here is long (queue_server/core/nearby.py)."""

from __future__ import annotations

from typing import Any

import pytest

from queue_server.core.nearby import distance_km, is_long, suggestions

HERE = (11.3102, 106.0983)  # Tân Ninh, Tây Ninh


def centre(site: str, waiting: int, longest: float | None = None, open_: int = 1, at: tuple[float, float] | None = None,
           offline: bool = False, code: str = "HT") -> dict[str, Any]:  # fmt: skip
    return {
        "site": site, "name": f"UBND {site}", "address": f"Địa chỉ {site}", "offline": offline,
        "latitude": at[0] if at else None, "longitude": at[1] if at else None,
        "fields": [{"code": code, "waiting": waiting, "longest_wait_minutes": longest, "counters_open": open_,
                    "takes_bookings": True, "phone_numbers": False, "next_free_slot": "2026-11-24T07:30:00+07:00"}],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("wait", "target", "long"), [(21, 20, True), (20, 20, False), (None, 20, False), (30, None, False)]
)
def test_a_wait_is_long_past_the_fields_target(wait: int | None, target: int | None, long: bool) -> None:
    assert is_long(wait, target) is long


def test_distances_are_great_circle_kilometres() -> None:
    assert distance_km(HERE, HERE) == 0
    # Tây Ninh to Hồ Chí Minh City's centre: about 88.5 km as the crow flies (0.53° of latitude, 0.60° of longitude)
    assert 88 < distance_km(HERE, (10.7769, 106.7009)) < 89


def test_nearest_first_then_those_without_coordinates_by_fewest_waiting() -> None:
    found = suggestions(
        "HT", waiting_here=9, wait_here_minutes=40, here=HERE,
        centres=[
            centre("far", 1, at=(11.56, 106.17)),
            centre("near", 3, 12.0, at=(11.33, 106.08)),
            centre("unplaced-2", 2),
            centre("unplaced-1", 1),
        ],
    )  # fmt: skip
    assert [s.site for s in found] == ["near", "far", "unplaced-1"]  # at most three
    assert found[0].distance_km == 3.0 and found[0].address == "Địa chỉ near" and found[0].next_free_slot
    assert found[2].distance_km is None


def test_no_distance_when_this_centre_has_no_coordinates() -> None:
    (found,) = suggestions("HT", 9, 40, None, [centre("near", 1, at=(11.33, 106.08))])
    assert found.distance_km is None and found.as_dict()["site"] == "near"


@pytest.mark.parametrize(
    "other",
    [
        centre("offline", 0, offline=True),  # out of touch: its figures may be old
        centre("closed", 0, open_=0),  # no counter open for the field
        centre("other-field", 0, code="DD"),  # does not serve it
        centre("as-busy", 9),  # as many waiting as here
        centre("as-slow", 2, longest=40.0),  # its longest wait is no shorter
    ],
)
def test_a_centre_that_is_not_better_is_not_suggested(other: dict[str, Any]) -> None:
    assert suggestions("HT", 9, 40, HERE, [other]) == []
