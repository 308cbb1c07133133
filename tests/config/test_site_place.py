"""``[site] kind`` and ``[site] commune``: a site's group in its province, each problem named
by file, line and key."""

from __future__ import annotations

import pytest

from queue_server.config.place import SiteKind, SitePlace
from tests.config.helpers import MINIMAL, error_of, line_of, parse

SITE_LINE = 'name = "Bộ phận Một cửa UBND xã An Bình"\n'


def with_keys(lines: str) -> str:
    return MINIMAL.replace(SITE_LINE, SITE_LINE + lines + "\n", 1)


def test_a_site_that_says_nothing_has_no_place() -> None:
    assert parse(MINIMAL).place == SitePlace(None, None)


@pytest.mark.parametrize("kind", ["centre", "ward", "commune"])
def test_a_centre_ward_or_commune_says_its_kind(kind: str) -> None:
    assert parse(with_keys(f'kind = "{kind}"')).place == SitePlace(SiteKind(kind), None)


def test_a_receiving_point_names_its_commune() -> None:
    place = parse(with_keys('kind = "point"\ncommune = "xa-tan-phu"')).place
    assert place == SitePlace(SiteKind.POINT, "xa-tan-phu")


@pytest.mark.parametrize(
    ("lines", "at", "message"),
    [
        ('kind = "district"', "kind =", "site.kind: must be one of 'centre', 'ward', 'commune', 'point', not 'district'"),
        ("kind = 3", "kind =", "site.kind: must be a string"),
        ('kind = "point"', "kind =", 'site.kind: a receiving point names its ward or commune: add commune = '),
        ('kind = "point"\ncommune = "Xã Tân Phú"', "commune =", "site.commune: must be the site id of the point's ward or commune centre"),
        ('kind = "point"\ncommune = "xa-an-binh"', "commune =", "site.commune: a receiving point belongs to another site"),
        ('kind = "ward"\ncommune = "xa-tan-phu"', "commune =", 'site.commune: only a receiving point (kind = "point") belongs to a ward or commune'),
        ('commune = "xa-tan-phu"', "commune =", 'site.commune: only a receiving point (kind = "point") belongs'),
    ],
)
def test_each_problem_names_its_line_and_key(lines: str, at: str, message: str) -> None:
    text = with_keys(lines)
    error = str(error_of(text))
    assert f"<config>:{line_of(text, at)}: {message}" in error, error


def test_a_wrong_kind_is_one_problem_not_two() -> None:
    error = error_of(with_keys('kind = "diem"\ncommune = "xa-tan-phu"'))
    assert [p.key for p in error.problems] == ["site.kind"], error


# --- [site] province_code and ward_code: checked against the 2025 map (vietnam-provinces) ---


@pytest.mark.parametrize(
    ("lines", "province", "ward"),
    [
        ('kind = "centre"\nprovince_code = "80"', "80", None),  # a provincial centre needs only its province
        ('kind = "commune"\nprovince_code = "80"\nward_code = "25552"', "80", "25552"),  # Xã Dương Minh Châu
        ('kind = "ward"\nprovince_code = "80"\nward_code = "25654"', "80", "25654"),  # Phường Gò Dầu
        ('kind = "point"\ncommune = "xa-duong-minh-chau"\nprovince_code = "80"\nward_code = "25552"', "80", "25552"),
        ('kind = "commune"\nprovince_code = "79"\nward_code = "26732"', "79", "26732"),  # Đặc khu Côn Đảo: a commune's kind
        ('province_code = "01"\nward_code = "00070"', "01", "00070"),  # Phường Hoàn Kiếm; no kind said
    ],
)
def test_a_site_names_its_province_and_ward_by_official_code(lines: str, province: str, ward: str | None) -> None:
    place = parse(with_keys(lines)).place
    assert (place.province_code, place.ward_code) == (province, ward)


def test_the_map_names_the_units() -> None:
    from queue_server.core import admin_map

    assert len(admin_map.units()) == admin_map.WARDS_2025 == 3321
    assert admin_map.unit_name("25654") == "Phường Gò Dầu" and admin_map.unit_name("25552") == "Xã Dương Minh Châu"
    assert admin_map.unit_name("26732") == "Đặc khu Côn Đảo" and admin_map.unit_name("99999") is None
    assert len(admin_map.units_of("79")) == 168 and len(admin_map.units_of("80")) == 96


@pytest.mark.parametrize(
    ("lines", "at", "message"),
    [
        # unknown codes
        ('province_code = "99"', "province_code =", "site.province_code: '99' is no province's code on the 2025 map (34 provinces"),
        ('province_code = "tay-ninh"', "province_code =", "site.province_code: must be a province's official code of two digits"),
        ('province_code = "80"\nward_code = "99999"', "ward_code =", "site.ward_code: '99999' is no ward's or commune's code on the 2025 map (3321"),
        ('province_code = "80"\nward_code = "2555"', "ward_code =", "site.ward_code: must be a ward's or commune's official code of five digits"),
        # written as numbers: the leading zeros would be lost
        ("province_code = 1", "province_code =", 'site.province_code: must be written in quotes, as text: province_code = "01"'),
        ('province_code = "01"\nward_code = 70', "ward_code =", 'site.ward_code: must be written in quotes, as text: ward_code = "00070"'),
        # a ward of another province
        ('province_code = "79"\nward_code = "25654"', "ward_code =",
         "site.ward_code: '25654' is Phường Gò Dầu of 80 Tỉnh Tây Ninh, not of 79 Thành phố Hồ Chí Minh"),
        # the map before 1 July 2025: a merged province, a district, a merged commune
        ('province_code = "72"', "province_code =",
         "site.province_code: '72' was the code of Tây Ninh before 1 July 2025, a province merged since: it is part of '80' Tỉnh Tây Ninh"),
        ('province_code = "74"', "province_code =", "site.province_code: '74' was the code of Bình Dương before 1 July 2025, a province merged since: it is part of '79'"),
        ('province_code = "80"\nward_code = "718"', "ward_code =", "site.ward_code: '718' is a district's code: districts were abolished on 1 July 2025"),
        ('province_code = "80"\nward_code = "25666"', None, None),  # (Xã Truông Mít: a 2025 code, for the next line's contrast)
        ('province_code = "80"\nward_code = "25468"', "ward_code =", "site.ward_code: '25468' is no ward's or commune's code on the 2025 map (a code of before 1 July 2025?"),
        # what goes with what
        ('ward_code = "25552"', "ward_code =", "site.ward_code: a ward's or commune's code comes with its province's: add province_code"),
        ('kind = "commune"\nprovince_code = "80"', "province_code =", "site.province_code: a commune's centre names its ward or commune too: add ward_code"),
        ('kind = "point"\ncommune = "xa-tan-phu"\nprovince_code = "80"', "province_code =", "site.province_code: a receiving point names its ward or commune too"),
        ('kind = "ward"\nprovince_code = "80"\nward_code = "25552"', "kind =",
         "site.kind: Xã Dương Minh Châu (25552) is a commune (xã, đặc khu): its centre is kind = 'commune', not 'ward'"),
        ('kind = "commune"\nprovince_code = "80"\nward_code = "25654"', "kind =",
         "site.kind: Phường Gò Dầu (25654) is a ward (phường): its centre is kind = 'ward', not 'commune'"),
    ],
)
def test_each_wrong_code_is_refused_at_its_line_and_key(lines: str, at: str | None, message: str | None) -> None:
    text = with_keys(lines)
    if message is None:
        parse(text)  # valid
        return
    error = error_of(text)
    assert f"<config>:{line_of(text, at)}: {message}" in str(error), str(error)
    assert len(error.problems) == 1, error  # one problem, said once


def test_the_codes_travel_in_the_configuration_snapshot() -> None:
    from queue_server.shipping.site_record import describe_site

    described = describe_site(parse(with_keys('kind = "commune"\nprovince_code = "80"\nward_code = "25552"')))
    assert (described["kind"], described["province_code"], described["ward_code"]) == ("commune", "80", "25552")
    assert describe_site(parse(MINIMAL))["ward_code"] is None
