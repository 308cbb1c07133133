"""The 2025 map (queue_server/core/admin_map.py) from the package vietnam-provinces: 34
provinces, 3,321 wards and communes, names with their type, and what is wrong with a code."""

from __future__ import annotations

import unicodedata

from queue_server.core import admin_map
from queue_server.core.admin_map import UnitType


def test_the_map_has_the_34_provinces_and_3321_wards_and_communes_of_1_july_2025() -> None:
    provinces = admin_map.provinces()
    assert len(provinces) == admin_map.PROVINCES_2025 == 34
    assert provinces["80"] == "Tỉnh Tây Ninh" and provinces["01"] == "Thành phố Hà Nội"
    assert admin_map.province_codenames()["80"] == "tay_ninh"
    assert len(admin_map.units()) == admin_map.WARDS_2025
    assert not set(admin_map.RETIRED_PROVINCES) & set(provinces)
    assert {now for _old, now in admin_map.RETIRED_PROVINCES.values()} <= set(provinces)
    names = [*provinces.values(), *(u.name for u in admin_map.units().values())]
    assert all(unicodedata.is_normalized("NFC", name) for name in names)


def test_a_unit_is_named_with_its_type_and_belongs_to_its_province() -> None:
    go_dau = admin_map.units()["25654"]
    assert (go_dau.name, go_dau.type, go_dau.province) == ("Phường Gò Dầu", UnitType.WARD, "80")
    assert admin_map.units()["25552"].type is UnitType.COMMUNE
    assert admin_map.unit_name("25552") == "Xã Dương Minh Châu"
    assert admin_map.unit_name(None) is None and admin_map.unit_name("99999") is None
    tay_ninh = admin_map.units_of("80")
    assert go_dau in tay_ninh and all(u.province == "80" for u in tay_ninh)
    assert [u.code for u in tay_ninh] == sorted(u.code for u in tay_ninh)


def test_a_province_code_is_two_digits_of_the_2025_map_and_a_retired_one_says_where_it_went() -> None:
    assert admin_map.is_official_form("80") and not admin_map.is_official_form("8")
    assert not admin_map.is_official_form("ab")
    assert admin_map.province_problem("80") is None
    assert "two digits" in (admin_map.province_problem("Tây Ninh") or "")
    retired = admin_map.province_problem("72") or ""
    assert "Tây Ninh before 1 July 2025" in retired and "'80' Tỉnh Tây Ninh" in retired
    assert "no province's code" in (admin_map.province_problem("99") or "")


def test_a_ward_code_is_five_digits_of_the_2025_map_in_its_province() -> None:
    assert admin_map.unit_problem("25654", "80") is None
    assert admin_map.unit_problem("25654", None) is None
    assert "district" in (admin_map.unit_problem("709", "80") or "")
    assert "five digits" in (admin_map.unit_problem("2565", "80") or "")
    old = next(f"{n:05d}" for n in range(1, 32248) if f"{n:05d}" not in admin_map.units())
    assert "a code of before 1 July 2025?" in (admin_map.unit_problem(old, "80") or "")
    assert "'00004' to '32248'" in (admin_map.unit_problem("40000", "80") or "")
    elsewhere = admin_map.unit_problem("25654", "01") or ""
    assert "Phường Gò Dầu of 80 Tỉnh Tây Ninh, not of 01 Thành phố Hà Nội" in elsewhere
