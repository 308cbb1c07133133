"""The province's public page (``/centres``): choose a field → every centre that serves it,
with its people waiting now and its next free booking slot (issue 22).

No token: the page says ``hello`` without one and may then ask ``public.waits`` alone, within
the budget the request loop gives a connection that is not a manager's (2 requests a second,
10 at once), within a budget per address across connections (:data:`PER_ADDRESS`, as the
sites' public doors: reconnecting does not refill it) and one for every address together,
and from the province's own pages only (``[province] origins``), as the managers' doors. The answer is the figures ``motcua-central`` published last (:mod:`province.waits`),
never a computation per request: public figures only — no ticket, no officer, no citizen. A
centre out of touch ("mất liên lạc") is listed without figures, never with stale ones. The
browser sorts by distance with its own position, which never leaves it.
"""

from __future__ import annotations

import collections
import math
from typing import Any

from province.waits import CentreNow, ProvinceWaits
from queue_server.protocol.budgets import Allowance, DoorBudget
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field

PUBLIC_FIELDS = {"service": Field(str, required=False, max_length=20)}
PER_ADDRESS = Allowance(30, 60.0)  # an address (IPv4, IPv6 /64): 30 at once, then 30 a minute (the page: 4 a minute)
EVERYONE = Allowance(6000, 60.0)  # every address together: 100 a second


def budget() -> DoorBudget:
    return DoorBudget(PER_ADDRESS, EVERYONE)


def within(door: DoorBudget, address: str, now: float) -> None:
    """One request of ``address``'s; ``rate_limited`` with ``retry_after`` past its budget."""
    wait = door.take(address, now)
    if wait > 0:
        wait = math.ceil(wait * 10) / 10
        raise ProtocolError(
            ProtocolErrorCode.RATE_LIMITED,
            f"Địa chỉ mạng này đã hỏi quá nhiều lần; vui lòng thử lại sau {math.ceil(wait)} giây"
            " (too many requests from this address).",
            retry_after=wait,
        )


def public_waits(waits: ProvinceWaits, province_name: str, service: str | None) -> dict[str, Any]:
    current = waits.current()
    if current is None:
        return {"province": province_name, "at": None, "fields": [], "service": service, "centres": [],
                "message": "Không có dữ liệu (no data): chưa đọc được số liệu của các trung tâm."}  # fmt: skip
    at, centres = current
    return {
        "province": province_name,
        "at": at.isoformat(),
        "fields": fields_of(centres),
        "service": service,
        "centres": [row for c in centres if (row := centre_row(c, service)) is not None] if service else [],
    }


def fields_of(centres: tuple[CentreNow, ...]) -> list[dict[str, Any]]:
    """Every field some centre serves, by code, under the name most centres give it."""
    names: dict[str, collections.Counter[tuple[str, str]]] = {}
    for centre in centres:
        for field in centre.fields:
            names.setdefault(field.code, collections.Counter())[field.name_vi, field.name_en] += 1
    rows = [
        {"code": code, "name_vi": counts.most_common(1)[0][0][0], "name_en": counts.most_common(1)[0][0][1],
         "centres": sum(counts.values())}
        for code, counts in names.items()
    ]  # fmt: skip
    return sorted(rows, key=lambda r: r["name_vi"].casefold())


def centre_row(centre: CentreNow, service: str) -> dict[str, Any] | None:
    field = next((f for f in centre.fields if f.code == service), None)
    if field is None:
        return None
    live = not centre.offline
    return {
        "site": centre.site,
        "name": centre.name,
        "address": centre.address,
        "latitude": centre.latitude,
        "longitude": centre.longitude,
        "offline": centre.offline,
        "last_contact": centre.last_contact.isoformat() if centre.last_contact else None,
        "waiting": field.waiting if live else None,
        "longest_wait_minutes": field.longest_wait_minutes if live else None,
        "counters_open": field.counters_open if live else None,
        "takes_bookings": field.takes_bookings,
        "phone_numbers": field.phone_numbers,
        "next_free_slot": field.next_free_slot if live else None,
    }
