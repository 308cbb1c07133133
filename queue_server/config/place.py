"""``[site] kind`` and ``[site] commune``: where a site stands in its province, for the
province's page (its groups) and the province's reports chosen by group (docs/province.md).

    kind = "point"          # "centre" (the provincial centre), "ward", "commune" or "point"
    commune = "xa-an-binh"  # a receiving point: the site id of the ward's or commune's centre it belongs to
    province_code = "80"    # the province's official code on the 2025 map (Tỉnh Tây Ninh)
    ward_code = "25552"     # the ward's or commune's official code (Xã Dương Minh Châu): a centre needs none
    address = "Số 12 đường 30/4, phường Tân Ninh"   # where citizens find it (the kiosk's suggestions, the public page)
    latitude = 11.3102                               # both or neither: distances between centres
    longitude = 106.0983

All are optional; a site that says neither kind nor commune is placed by the province under
"other sites"; one without coordinates is listed without a distance. The codes are checked
against the 2025 map (:mod:`queue_server.core.admin_map`): a code of before 1 July 2025, a
district's, or a ward of another province is refused; a site that gives its province and is a
ward's, a commune's centre or a receiving point gives its ward's or commune's code too, and a
ward's centre (``kind = "ward"``) is a ward's (phường), a commune's a commune's (xã, đặc khu).
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re

from queue_server.config.checks import Table
from queue_server.core import admin_map


class SiteKind(enum.StrEnum):
    CENTRE = "centre"  # the provincial centre (Trung tâm Phục vụ hành chính công tỉnh)
    WARD = "ward"  # a ward's centre (phường)
    COMMUNE = "commune"  # a commune's centre (xã, đặc khu)
    POINT = "point"  # a receiving point of a ward or commune (điểm tiếp nhận)


@dataclasses.dataclass(frozen=True)
class SitePlace:
    kind: SiteKind | None = None
    commune: str | None = None  # a receiving point's ward or commune: that centre's site id
    address: str | None = None  # its street address, as citizens read it
    latitude: float | None = None  # WGS 84 degrees; both or neither
    longitude: float | None = None
    province_code: str | None = None  # two digits, on the 2025 map
    ward_code: str | None = None  # five digits, a ward or commune of that province


_SITE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def read_place(site: Table, own_id: str) -> SitePlace:
    """The two keys of ``[site]``, every problem reported against its key."""
    kind: SiteKind | None = None
    name = site.text("kind")
    if name is not None:
        try:
            kind = SiteKind(name)
        except ValueError:
            site.report("kind", f"must be one of {', '.join(repr(k.value) for k in SiteKind)}, not {name!r}")
    commune = site.text("commune")
    if commune is not None:
        if not _SITE_ID.fullmatch(commune):
            site.report("commune", f"must be the site id of the point's ward or commune centre (lower-case letters, digits, '-' and '_'), not {commune!r}")
            commune = None
        elif commune == own_id:
            site.report("commune", "a receiving point belongs to another site (its ward's or commune's centre), not to itself")
            commune = None
        elif kind is not SiteKind.POINT:
            if name is None or kind is not None:  # (a wrong kind is reported already)
                site.report("commune", 'only a receiving point (kind = "point") belongs to a ward or commune')
            commune = None
    elif kind is SiteKind.POINT:
        site.report("kind", 'a receiving point names its ward or commune: add commune = "<that centre\'s site id>"')
    address = site.text("address")
    if address is not None and len(address) > MAX_ADDRESS:
        site.report("address", f"must be at most {MAX_ADDRESS} characters, not {len(address)}")
        address = None
    latitude = _degrees(site, "latitude", 90.0)
    longitude = _degrees(site, "longitude", 180.0)
    if site.has("latitude") != site.has("longitude"):
        missing = "longitude" if site.has("latitude") else "latitude"
        site.report(missing, "missing: give both latitude and longitude (decimal degrees, e.g. 11.3102 and 106.0983), or neither")
    if latitude is None or longitude is None:
        latitude = longitude = None
    province_code, ward_code = _codes(site, kind)
    return SitePlace(kind, commune, address, latitude, longitude, province_code, ward_code)


def _codes(site: Table, kind: SiteKind | None) -> tuple[str | None, str | None]:
    """``province_code`` and ``ward_code``, checked against the 2025 map and the site's kind."""
    province = _code_text(site, "province_code", "80")
    if province is not None and (problem := admin_map.province_problem(province)):
        site.report("province_code", problem)
        province = None
    ward = _code_text(site, "ward_code", "00070")
    if ward is not None:
        if not site.has("province_code"):
            site.report("ward_code", "a ward's or commune's code comes with its province's: add province_code (e.g. '80')")
            ward = None
        elif problem := admin_map.unit_problem(ward, province):
            site.report("ward_code", problem)
            ward = None
    elif province is not None and kind in (SiteKind.WARD, SiteKind.COMMUNE, SiteKind.POINT):
        site.report("province_code", f'a {_KIND_NAMES[kind]} names its ward or commune too: add ward_code = "<its five-digit code>"')
    unit = admin_map.units().get(ward) if ward else None
    if unit is not None and kind in (SiteKind.WARD, SiteKind.COMMUNE) and unit.type.value != kind.value:
        site.report("kind", f"{unit.name} ({ward}) is a {_UNIT_NAMES[unit.type]}: its centre is kind = {unit.type.value!r}, not {kind.value!r}")
    return province, ward


def _code_text(site: Table, name: str, example: str) -> str | None:
    value = site.data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        site.report(name, f'must be written in quotes, as text: {name} = "{value:0{len(example)}d}" (a code keeps its leading zeros, e.g. "{example}")')
        return None
    return site.text(name)


_KIND_NAMES = {SiteKind.WARD: "ward's centre", SiteKind.COMMUNE: "commune's centre", SiteKind.POINT: "receiving point"}
_UNIT_NAMES = {admin_map.UnitType.WARD: "ward (phường)", admin_map.UnitType.COMMUNE: "commune (xã, đặc khu)"}


MAX_ADDRESS = 200


def _degrees(site: Table, name: str, bound: float) -> float | None:
    """``latitude`` (−90…90) or ``longitude`` (−180…180) in decimal degrees."""
    if not site.has(name):
        return None
    value = site.data[name]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        site.report(name, f"must be a number of decimal degrees (e.g. {11.3102 if bound == 90 else 106.0983}), not {value!r}")
        return None
    if not -bound <= value <= bound:
        site.report(name, f"must be between {-bound:g} and {bound:g} degrees, not {value:g}")
        return None
    return float(value)
