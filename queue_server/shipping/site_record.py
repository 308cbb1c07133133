"""The site as the central reports name it: fields, counters and officers' display names.

Sent with the first batch after each connection; the central side keeps a new snapshot only
when it differs from the last. No tokens, PIN hashes or device addresses leave the site.
"""

from __future__ import annotations

from typing import Any

from queue_server.config.settings import SiteConfig


def describe_site(config: SiteConfig) -> dict[str, Any]:
    site = config.site
    phone = config.outreach.phone_queue
    return {
        "site": site.site_id,
        "name": site.name,
        "timezone": str(site.tz),
        # its group on the province's page and in reports chosen by group ([site] kind, commune)
        "kind": config.place.kind.value if config.place.kind else None,
        "commune": config.place.commune,
        # its province and ward or commune on the 2025 map ([site] province_code, ward_code), which name it
        "province_code": config.place.province_code,
        "ward_code": config.place.ward_code,
        # where citizens find it: the kiosks' suggestions elsewhere and the province's public page
        "address": config.place.address,
        "latitude": config.place.latitude,
        "longitude": config.place.longitude,
        "service_level_percent": site.policy.service_level_percent,
        "services": [
            {
                "code": s.code,
                "prefix": s.prefix,
                "name_vi": s.name_vi,
                "name_en": s.name_en,
                "max_wait_minutes": s.max_wait_minutes,
                "target_wait_minutes": s.target_wait_minutes,
                "takes_bookings": s.slot_capacity > 0,  # (its next free slot: shipping/province_view.py)
                "phone_numbers": phone is not None and phone.offers(s.code),  # numbers taken from phones (/q)
                # what the province's page may ask of it (docs/province.md, "A number or a booking")
                "phone_queue": phone is not None and phone.offers(s.code),
                "bookings": s.slot_capacity > 0,
            }
            for s in site.services
        ],
        "counters": [{"number": c.number, "name": c.name, "services": sorted(c.services)} for c in site.counters],
        "officers": [{"user": o.user, "name": o.name} for o in config.officers],
        "rating_scale": [{"score": r.score, "name_vi": r.name_vi} for r in site.policy.rating_scale],
        "booking_days_ahead": site.policy.booking_days_ahead,
    }
