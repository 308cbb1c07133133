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
