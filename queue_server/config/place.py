"""``[site] kind`` and ``[site] commune``: where a site stands in its province, for the
province's page (its groups) and the province's reports chosen by group (docs/province.md).

    kind = "point"          # "centre" (the provincial centre), "ward", "commune" or "point"
    commune = "xa-an-binh"  # a receiving point: the site id of the ward's or commune's centre it belongs to

Both are optional; a site that says neither is placed by the province under "other sites".
"""

from __future__ import annotations

import dataclasses
import enum
import re

from queue_server.config.checks import Table


class SiteKind(enum.StrEnum):
    CENTRE = "centre"  # the provincial centre (Trung tâm Phục vụ hành chính công tỉnh)
    WARD = "ward"  # a ward's centre (phường)
    COMMUNE = "commune"  # a commune's centre (xã, đặc khu)
    POINT = "point"  # a receiving point of a ward or commune (điểm tiếp nhận)


@dataclasses.dataclass(frozen=True)
class SitePlace:
    kind: SiteKind | None = None
    commune: str | None = None  # a receiving point's ward or commune: that centre's site id


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
    return SitePlace(kind, commune)
