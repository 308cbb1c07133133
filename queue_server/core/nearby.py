"""Other centres of the province with a shorter wait for a field: what the kiosk suggests when
the wait here is long (issue 22). Pure: the other centres' public figures come in as the
central database has them (``province_live``), the suggestions go out.

A field's wait here is *long* when a new ticket's estimated wait is past the field's target
wait (``target_wait_minutes``, the one the service level counts). A centre is suggested when
it is in touch, serves the same field (by its code) with a counter open, and has fewer people
waiting for it than here and a longest wait now shorter than the wait here. The nearest come
first when both centres have coordinates, else the fewest waiting; at most ``limit``.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from typing import Any

EARTH_RADIUS_KM = 6371.0088


@dataclasses.dataclass(frozen=True)
class Suggestion:
    site: str
    name: str
    address: str | None
    waiting: int
    longest_wait_minutes: float | None
    counters_open: int
    distance_km: float | None  # None: this centre or that one has no coordinates
    takes_bookings: bool
    phone_numbers: bool
    next_free_slot: str | None

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def is_long(estimated_wait_minutes: float | None, target_wait_minutes: int | None) -> bool:
    """A new ticket's wait here is past the field's target (unknown: not long)."""
    return estimated_wait_minutes is not None and target_wait_minutes is not None and estimated_wait_minutes > target_wait_minutes


def suggestions(
    service: str,
    waiting_here: int,
    wait_here_minutes: float,
    here: tuple[float, float] | None,
    centres: Iterable[Mapping[str, Any]],
    limit: int = 3,
) -> list[Suggestion]:
    """The centres with a shorter wait for ``service``, nearest (or least busy) first."""
    found = []
    for centre in centres:
        if centre.get("offline"):
            continue
        field = next((f for f in centre.get("fields", ()) if f.get("code") == service), None)
        if field is None or field.get("counters_open", 0) < 1:
            continue
        longest = field.get("longest_wait_minutes") or 0.0
        if field.get("waiting", 0) >= waiting_here or longest >= wait_here_minutes:
            continue
        there = _point(centre)
        found.append(
            Suggestion(
                site=str(centre["site"]),
                name=str(centre.get("name") or centre["site"]),
                address=centre.get("address"),
                waiting=int(field.get("waiting", 0)),
                longest_wait_minutes=field.get("longest_wait_minutes"),
                counters_open=int(field["counters_open"]),
                distance_km=round(distance_km(here, there), 1) if here is not None and there is not None else None,
                takes_bookings=bool(field.get("takes_bookings")),
                phone_numbers=bool(field.get("phone_numbers")),
                next_free_slot=field.get("next_free_slot"),
            )
        )
    found.sort(key=lambda s: (s.distance_km is None, s.distance_km or 0.0, s.waiting, s.name))
    return found[:limit]


def _point(centre: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = centre.get("latitude"), centre.get("longitude")
    if isinstance(lat, (int, float)) and isinstance(lon, (int, float)):
        return float(lat), float(lon)
    return None
