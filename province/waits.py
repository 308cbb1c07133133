"""Every site's public live figures per field: what the other sites' kiosks and the province's
public page show (issue 22, "Live waits across the province").

    centres = fields_now(conn, now, offline_after)   # 3 set-based statements, any number of sites
    publish(conn, centres)                           # → province_live, which every role may read

For each site: its name, group, address and coordinates (its newest configuration snapshot),
whether it is out of touch ("mất liên lạc": no contact for ``[province] offline_minutes``),
and for each of its fields: people waiting now, the longest wait, counters open that serve the
field, its target wait, whether it takes bookings and numbers from phones, and its next free
booking slot (as the site last sent it: ``site_offers``). Nothing else: no ticket, no officer,
no name of a citizen.

Why a table written here rather than a function each site calls (``SECURITY DEFINER``): the
figures are computed once for the whole province every :data:`PUBLISH_SECONDS`, whatever the
number of sites that read them (170 sites reading every 15 s are 11 reads a second of one
small table, not 11 computations over every site's tickets and events); the public page
reads the same result; and ``computed_at`` tells a reader how old they are, so a stopped
``motcua-central`` shows as "no data" at the sites rather than as figures frozen in time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import time
import zoneinfo
from collections.abc import Callable
from typing import Any

import orjson
import psycopg

from central.database import keep_doing
from province.database import Database
from province.live import array_literal

log = logging.getLogger(__name__)

PUBLISH_SECONDS = 15.0  # province_live written this often (the sites read it every 15 s: ≤ 30 s old)
STALE_SECONDS = 120.0  # the public page says "no data" when the last computation is older


@dataclasses.dataclass(frozen=True)
class FieldNow:
    code: str
    name_vi: str
    name_en: str
    waiting: int
    longest_wait_minutes: float | None
    counters_open: int
    target_wait_minutes: int | None
    takes_bookings: bool
    phone_numbers: bool
    next_free_slot: str | None  # ISO 8601, the site's own time; None: no booking free (or none taken)


@dataclasses.dataclass(frozen=True)
class CentreNow:
    site: str
    name: str
    kind: str | None
    commune: str | None
    address: str | None
    latitude: float | None
    longitude: float | None
    last_contact: dt.datetime | None
    offline: bool
    fields: tuple[FieldNow, ...]

    def place(self) -> dict[str, Any]:
        return {
            "name": self.name, "kind": self.kind, "commune": self.commune, "address": self.address,
            "latitude": self.latitude, "longitude": self.longitude,
        }  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            **self.place(),
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "offline": self.offline,
            "fields": [dataclasses.asdict(f) for f in self.fields],
        }


_DIRECTORY = """
WITH newest AS (
    SELECT DISTINCT ON (site) site, config - 'officers' - 'rating_scale' AS config
    FROM site_configs ORDER BY site, taken_at DESC
)
SELECT n.site, n.config, s.last_contact, o.offers
FROM newest n LEFT JOIN sites s ON s.site = n.site LEFT JOIN site_offers o ON o.site = n.site
ORDER BY n.site
"""
_WAITING = """
SELECT site, day, service, waiting, oldest_waiting
FROM site_field_days WHERE day = ANY(%(today)s::date[]) AND waiting > 0
"""
_COUNTERS = """
SELECT DISTINCT ON (e.site, (e.data->>'counter')::int) e.site, (e.data->>'counter')::int, e.data->>'state'
FROM unnest(%(sites)s::text[], %(starts)s::timestamptz[]) AS w(site, since)
JOIN events e ON e.site = w.site AND e.type = 'counter.changed' AND e.at >= w.since
ORDER BY e.site, (e.data->>'counter')::int, e.seq DESC
"""


def fields_now(conn: psycopg.Connection[Any], now: dt.datetime, offline_after: dt.timedelta) -> list[CentreNow]:
    """Every site that sent a configuration, now: three statements whatever their number (the
    waiting through each site's figures of the day as its batches left them, ``site_field_days``;
    the counters' through the partial index of central migration 10)."""
    directory = conn.execute(_DIRECTORY).fetchall()
    zones = [_zone(str(config.get("timezone") or "Asia/Ho_Chi_Minh")) for _, config, _, _ in directory]
    days = [now.astimezone(tz).date() for tz in zones]
    params = {
        "sites": array_literal(row[0] for row in directory),
        "today": sorted(set(days)),
        "starts": array_literal(dt.datetime.combine(day, dt.time(0), tz).isoformat() for day, tz in zip(days, zones, strict=True)),
    }
    day_of = {row[0]: day for row, day in zip(directory, days, strict=True)}
    waiting: dict[tuple[str, str], tuple[int, str | None]] = {}
    for site, day, service, count, oldest in conn.execute(_WAITING, params):
        if day_of.get(site) == day:
            waiting[site, service] = (count, oldest)
    open_counters: dict[str, set[int]] = {}
    for site, counter, state in conn.execute(_COUNTERS, params):
        if state == "open":
            open_counters.setdefault(site, set()).add(counter)
    out = []
    for site, config, contact, offers in directory:
        opened = open_counters.get(site, set())
        slots = (offers or {}).get("next_free_slot", {})
        fields = []
        for service in config.get("services", []):
            code = service["code"]
            count, oldest = waiting.get((site, code), (0, None))
            serving = {c["number"] for c in config.get("counters", []) if code in c.get("services", ())}
            fields.append(
                FieldNow(
                    code=code,
                    name_vi=service.get("name_vi", code),
                    name_en=service.get("name_en", code),
                    waiting=count,
                    longest_wait_minutes=round(_minutes(now, oldest), 1) if oldest else None,
                    counters_open=len(serving & opened),
                    target_wait_minutes=service.get("target_wait_minutes"),
                    takes_bookings=bool(service.get("takes_bookings")),
                    phone_numbers=bool(service.get("phone_numbers")),
                    next_free_slot=slots.get(code),
                )
            )
        out.append(
            CentreNow(
                site=site,
                name=config.get("name") or site,
                kind=config.get("kind"),
                commune=config.get("commune"),
                address=config.get("address"),
                latitude=config.get("latitude"),
                longitude=config.get("longitude"),
                last_contact=contact,
                offline=contact is None or now - contact > offline_after,
                fields=tuple(fields),
            )
        )
    return out


_PUBLISH = """
WITH fresh AS (
    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb)
        AS r(site text, offline boolean, last_contact timestamptz, place jsonb, fields jsonb)
), gone AS (
    DELETE FROM province_live WHERE site NOT IN (SELECT site FROM fresh)
)
INSERT INTO province_live (site, computed_at, offline, last_contact, place, fields)
SELECT site, now(), offline, last_contact, place, fields FROM fresh
ON CONFLICT (site) DO UPDATE SET computed_at = excluded.computed_at, offline = excluded.offline,
    last_contact = excluded.last_contact, place = excluded.place, fields = excluded.fields
"""


def publish(conn: psycopg.Connection[Any], centres: list[CentreNow]) -> None:
    """Write every site's public figures to ``province_live`` in one statement (a site gone
    from the central copy is gone from it too)."""
    rows = [
        {
            "site": c.site, "offline": c.offline, "last_contact": c.last_contact.isoformat() if c.last_contact else None,
            "place": c.place(), "fields": [dataclasses.asdict(f) for f in c.fields],
        }
        for c in centres
    ]  # fmt: skip
    conn.execute(_PUBLISH, {"rows": orjson.dumps(rows).decode()})


class ProvinceWaits:
    """The province's public live figures, computed and published every ``every`` seconds by
    ``motcua-central`` whether a page is open or not (the sites read them), and kept here for
    the public page. A failure is logged and tried again at the next turn."""

    def __init__(
        self,
        database: Database,
        clock: Callable[[], dt.datetime],
        offline_after: dt.timedelta,
        every: float = PUBLISH_SECONDS,
        stale_after: float = STALE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.database = database
        self.clock = clock
        self.offline_after = offline_after
        self.every = every
        self.stale_after = stale_after
        self.monotonic = monotonic
        self._latest: tuple[float, dt.datetime, tuple[CentreNow, ...]] | None = None

    async def refresh(self) -> None:
        now = self.clock()

        def work(conn: psycopg.Connection[Any]) -> list[CentreNow]:
            centres = fields_now(conn, now, self.offline_after)
            publish(conn, centres)
            return centres

        centres = await self.database.query(work)
        self._latest = (self.monotonic(), now, tuple(centres))

    def current(self) -> tuple[dt.datetime, tuple[CentreNow, ...]] | None:
        """The newest figures and when they were computed; None if none within ``stale_after``."""
        if self._latest is None or self.monotonic() - self._latest[0] > self.stale_after:
            return None
        return self._latest[1], self._latest[2]

    async def keep_publishing(self) -> None:
        # (the database away: logged by the database; the public page says "no data" once stale)
        await keep_doing(self.refresh, self.every, "the province's live waits could not be published")


def _minutes(now: dt.datetime, since: str) -> float:
    return max(0.0, (now - dt.datetime.fromisoformat(since)).total_seconds() / 60)


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
