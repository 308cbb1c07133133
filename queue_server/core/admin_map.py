"""Vietnam's administrative map since 1 July 2025 — 34 provinces and centrally-run cities,
3,321 communes and wards, no districts — with their official codes and names, from the PyPI
package ``vietnam-provinces`` (the General Statistics Office's list; 2025.10.1 is the first
release checked to carry it whole). A province's official code is two digits (``"80"``: Tây
Ninh; ``"01"``: Hà Nội), a ward's or commune's five (``"25654"``: Phường Gò Dầu).

Here, below the site's configuration, the province and the nation, so that each names and
checks units the same way: the site's ``[site] province_code`` and ``ward_code``
(:mod:`queue_server.config.place`), the province's groups, the nation's provinces. Data only:
the package's tables are Python values, read once.
"""

from __future__ import annotations

import dataclasses
import enum
import functools

from vietnam_provinces import Province, VietNamDivisionType, Ward

PROVINCES_2025 = 34
WARDS_2025 = 3321
MAP_DATE = "1 July 2025"


class UnitType(enum.StrEnum):
    """A commune-level unit's type: what ``[site] kind`` a centre of it says."""

    WARD = "ward"  # phường
    COMMUNE = "commune"  # xã, and the 13 special zones (đặc khu)


@dataclasses.dataclass(frozen=True)
class Unit:
    """A ward or commune on the 2025 map."""

    code: str  # five digits, "25654"
    name: str  # its official name with its type, "Phường Gò Dầu", "Xã Dương Minh Châu", "Đặc khu Côn Đảo"
    type: UnitType
    province: str  # its province's code, two digits
    codename: str  # its name in plain ASCII, "phuong_go_dau"


# The 29 provinces' codes of the map before 1 July 2025 that no province has since, each with
# its old name and the code of the province it is part of now (Resolution 202/2025/QH15).
RETIRED_PROVINCES: dict[str, tuple[str, str]] = {
    "02": ("Hà Giang", "08"), "06": ("Bắc Kạn", "19"), "10": ("Lào Cai", "15"), "17": ("Hòa Bình", "25"),
    "26": ("Vĩnh Phúc", "25"), "27": ("Bắc Ninh", "24"), "30": ("Hải Dương", "31"), "34": ("Thái Bình", "33"),
    "35": ("Hà Nam", "37"), "36": ("Nam Định", "37"), "45": ("Quảng Trị", "44"), "49": ("Quảng Nam", "48"),
    "54": ("Phú Yên", "66"), "58": ("Ninh Thuận", "56"), "60": ("Bình Thuận", "68"), "62": ("Kon Tum", "51"),
    "64": ("Gia Lai", "52"), "67": ("Đắk Nông", "68"), "70": ("Bình Phước", "75"), "72": ("Tây Ninh", "80"),
    "74": ("Bình Dương", "79"), "77": ("Bà Rịa - Vũng Tàu", "79"), "83": ("Bến Tre", "86"), "84": ("Trà Vinh", "86"),
    "87": ("Đồng Tháp", "82"), "89": ("An Giang", "91"), "93": ("Hậu Giang", "92"), "94": ("Sóc Trăng", "92"),
    "95": ("Bạc Liêu", "96"),
}  # fmt: skip


@functools.cache
def provinces() -> dict[str, str]:
    """Each province's official code → its full name (``"80"`` → ``"Tỉnh Tây Ninh"``)."""
    return {f"{int(p.code):02d}": _full_name(p) for p in Province.iter_all()}


@functools.cache
def province_codenames() -> dict[str, str]:
    """Each province's official code → its name in plain ASCII (``"80"`` → ``"tay_ninh"``)."""
    return {f"{int(p.code):02d}": p.codename for p in Province.iter_all()}


def _full_name(province: Province) -> str:
    if province.division_type is VietNamDivisionType.TINH:
        return f"Tỉnh {province.name}"
    return province.name  # "Thành phố Hà Nội": the city's name says what it is


@functools.cache
def units() -> dict[str, Unit]:
    """Every ward and commune of the 2025 map by its code, in the package's order."""
    return {
        f"{int(w.code):05d}": Unit(
            f"{int(w.code):05d}",
            w.name,
            UnitType.WARD if w.division_type is VietNamDivisionType.PHUONG else UnitType.COMMUNE,
            f"{int(w.province_code):02d}",
            w.codename,
        )
        for w in Ward.iter_all()
    }


def units_of(province: str) -> list[Unit]:
    """A province's wards and communes, by code."""
    return sorted((u for u in units().values() if u.province == province), key=lambda u: u.code)


def unit_name(code: str | None) -> str | None:
    """A ward's or commune's official name (``"25654"`` → ``"Phường Gò Dầu"``); None for no
    code or one not on the map."""
    unit = units().get(code) if code else None
    return unit.name if unit else None


def is_official_form(code: str) -> bool:
    """Whether ``code`` is written as a province's official code is (two digits), known or not."""
    return len(code) == 2 and code.isdigit()


def province_problem(code: str) -> str | None:
    """What is wrong with ``code`` as a province's code on the 2025 map, or None."""
    if not is_official_form(code):
        return f"must be a province's official code of two digits on the 2025 map (e.g. '80' {provinces()['80']}), not {code!r}"
    if code in provinces():
        return None
    if code in RETIRED_PROVINCES:
        old, now = RETIRED_PROVINCES[code]
        return (
            f"{code!r} was the code of {old} before {MAP_DATE}, a province merged since: it is part of"
            f" {now!r} {provinces()[now]} on the 2025 map (province_code = {now!r})"
        )
    return f"{code!r} is no province's code on the 2025 map ({PROVINCES_2025} provinces: e.g. '01' {provinces()['01']}, '80' {provinces()['80']})"


_LAST_OLD_CODE = 32248  # the highest commune-level code of the map before 1 July 2025 (Cà Mau's last)


def unit_problem(code: str, province: str | None) -> str | None:
    """What is wrong with ``code`` as a ward's or commune's code of ``province`` (None: the
    province is not known) on the 2025 map, or None."""
    if code.isdigit() and len(code) == 3:
        return f"{code!r} is a district's code: districts were abolished on {MAP_DATE}; write the ward's or commune's five-digit code"
    if not (code.isdigit() and len(code) == 5):
        return f"must be a ward's or commune's official code of five digits on the 2025 map (e.g. '25654' {unit_name('25654')}), not {code!r}"
    unit = units().get(code)
    if unit is None:
        if int(code) <= _LAST_OLD_CODE:
            return (
                f"{code!r} is no ward's or commune's code on the 2025 map (a code of before {MAP_DATE}? the units"
                " merged then keep no code of their own: write the code of the ward or commune they are part of now)"
            )
        return f"{code!r} is no ward's or commune's code on the 2025 map ({WARDS_2025} of them, '00004' to '{_LAST_OLD_CODE}')"
    if province is not None and unit.province != province:
        return f"{code!r} is {unit.name} of {unit.province} {provinces()[unit.province]}, not of {province} {provinces()[province]}"
    return None
