"""``[site] address``, ``latitude`` and ``longitude``: where citizens find a centre (the
kiosks' suggestions elsewhere, the province's public page), each problem named by file, line
and key."""

from __future__ import annotations

import pytest

from queue_server.config.place import SitePlace
from queue_server.shipping.site_record import describe_site
from tests.config.helpers import MINIMAL, error_of, line_of, parse
from tests.config.test_site_place import with_keys


def test_an_address_and_coordinates_are_read_and_travel_in_the_snapshot() -> None:
    config = parse(with_keys('address = "Ấp Thạnh Hiệp, xã Thạnh Điền"\nlatitude = 11.33\nlongitude = 106'))
    assert config.place == SitePlace(None, None, "Ấp Thạnh Hiệp, xã Thạnh Điền", 11.33, 106.0)
    record = describe_site(config)
    assert (record["address"], record["latitude"], record["longitude"]) == ("Ấp Thạnh Hiệp, xã Thạnh Điền", 11.33, 106.0)


def test_a_site_without_them_has_none() -> None:
    place = parse(MINIMAL).place
    assert (place.address, place.latitude, place.longitude) == (None, None, None)


@pytest.mark.parametrize(
    ("lines", "at", "message"),
    [
        ("latitude = 11.3", "latitude =", "site.longitude: missing: give both latitude and longitude"),
        ("longitude = 106.1", "longitude =", "site.latitude: missing: give both latitude and longitude"),
        ("latitude = 91\nlongitude = 106.1", "latitude =", "site.latitude: must be between -90 and 90 degrees, not 91"),
        ("latitude = 11.3\nlongitude = -181", "longitude =", "site.longitude: must be between -180 and 180 degrees, not -181"),
        ('latitude = "11.3"\nlongitude = 106.1', "latitude =", "site.latitude: must be a number of decimal degrees (e.g. 11.3102), not '11.3'"),
        ("latitude = true\nlongitude = 106.1", "latitude =", "site.latitude: must be a number of decimal degrees"),
        ("latitude = nan\nlongitude = 106.1", "latitude =", "site.latitude: must be a number of decimal degrees"),
        ('address = ""', "address =", "site.address: must not be empty"),
        (f'address = "{"x" * 201}"', "address =", "site.address: must be at most 200 characters, not 201"),
    ],
)  # fmt: skip
def test_each_problem_names_its_line_and_key(lines: str, at: str, message: str) -> None:
    text = with_keys(lines)
    error = str(error_of(text))
    line = line_of(text, at) if "missing" not in message else None
    assert (f"<config>:{line}: {message}" if line else message) in error, error
