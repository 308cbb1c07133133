"""Which sites a report is about, chosen on the server: a group (kind), a commune's receiving
points, a search by name — or, with none of these, every site the manager sees. The page
sends the choice, never a list of ids (a province has 65–170 sites, a country thousands).

The search looks in the site's name, its id and its ward's or commune's name on the 2025 map
(``[site] ward_code``: "go dau" finds the centre of Phường Gò Dầu, whatever its own name), and
ignores case, diacritics and the letter đ: "an binh", "AN BÌNH" and "Ấn Bình" all find
"UBND xã An Bình".
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable, Sequence

from province.live import SiteNow


class Group(enum.StrEnum):
    CENTRE = "centre"  # the provincial centre
    WARD = "ward"  # wards' centres (phường)
    COMMUNE = "commune"  # communes' centres (xã)
    POINT = "point"  # receiving points (điểm tiếp nhận)
    OTHER = "other"  # sites that do not say their kind


def fold(text: str) -> str:
    """``text`` without case, diacritics or đ, its spaces made single."""
    plain = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in plain if not unicodedata.combining(c)).split())


def group_of(site: SiteNow) -> Group:
    try:
        return Group(site.kind) if site.kind else Group.OTHER
    except ValueError:  # a kind this server does not know (a newer site's)
        return Group.OTHER


def choose(sites: Iterable[SiteNow], group: str | None, commune: str | None, search: str | None) -> list[str]:
    """The ids of ``sites`` (the manager's) that are in ``group``, receiving points of
    ``commune``, and whose name, id or ward's or commune's name holds ``search`` — each
    condition only when given."""
    wanted = fold(search) if search else ""
    return [
        site.site
        for site in sites
        if (not group or group_of(site) == group)
        and (not commune or (group_of(site) is Group.POINT and site.commune == commune))
        and (not wanted or wanted in fold(site.name) or wanted in site.site or wanted in fold(site.unit or ""))
    ]


def names(sites: Sequence[SiteNow]) -> dict[str, str]:
    return {site.site: site.name for site in sites}
