"""Every site now, from the central copy: what the province dashboard shows and refreshes.

For each site: its name, group and ward or commune (named from the 2025 map by its
``ward_code``; all from its newest configuration snapshot), last contact —
"mất liên lạc" once it is older than ``[province] offline_minutes`` — and lag; and today's
(the site's local day) people waiting, the longest wait, fields past their target wait, served,
counters open, and alarms — waits past their field's limit still waiting, devices reporting a
fault — and its dossiers overdue or due soon, as the site counts them. Every site's now is a
fixed number of set-based statements whatever the number of sites (:func:`sites_now`; shared by
every open dashboard: :mod:`province.board`). One site's drill-down adds the same per field and
per counter, and the late dossiers themselves (without their codes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

import psycopg

from queue_server.core import admin_map


@dataclasses.dataclass(frozen=True)
class SiteNow:
    site: str
    name: str
    kind: str | None  # [site] kind: "centre", "ward", "commune", "point"; None: not said
    commune: str | None  # a receiving point's ward or commune (that centre's site id)
    province_code: str | None  # [site] province_code and ward_code, on the 2025 map
    ward_code: str | None
    unit: str | None  # its ward or commune named from the map by ward_code: "Phường Gò Dầu"
    last_contact: dt.datetime | None
    offline: bool  # no contact for [province] offline_minutes: "mất liên lạc" since last_contact
    lag_events: int
    waiting: int
    longest_wait_minutes: float | None
    over_target: int  # fields whose longest wait now is past their target wait
    served: int
    issued: int
    counters_open: int
    counters: int
    alarms: int
    dossiers_overdue: int  # the site's late-dossier alarms, as it last counted them
    dossiers_due_soon: int

    def as_dict(self) -> dict[str, Any]:
        values = dataclasses.asdict(self)
        values["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        return values


def configs(conn: psycopg.Connection[Any], sites: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each site's newest configuration snapshot."""
    rows = conn.execute(
        "SELECT DISTINCT ON (site) site, config FROM site_configs WHERE site = ANY(%s) ORDER BY site, taken_at DESC",
        [list(sites)],
    ).fetchall()
    return {site: config for site, config in rows}


def dossier_summaries(conn: psycopg.Connection[Any], sites: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Each site's late-dossier alarms as it last sent them (queue_server/shipping/dossier_alarms.py)."""
    rows = conn.execute("SELECT site, summary FROM site_dossiers WHERE site = ANY(%s)", [list(sites)]).fetchall()
    return {site: summary for site, summary in rows}


# --- every site now: a fixed number of statements, whatever the number of sites --------------
#
# 1. each site's name, zone, group, counters and fields' targets (its newest configuration),
#    its contact, lag and late dossiers;  2. today's tickets by site and field (each site's own
#    day, in its zone), as each batch left them counted (site_field_days: a few rows a site,
#    not the day's every ticket);  3. counters open;  4. standing alarms (waits past their
#    limit, devices at fault). Each is one set-based statement over all the sites, through the
#    indexes of central migrations 8 and 10.

_DIRECTORY = """
WITH newest AS (
    SELECT DISTINCT ON (site) site, config FROM site_configs ORDER BY site, taken_at DESC
)
SELECT coalesce(s.site, n.site), n.config->>'name', n.config->>'timezone', n.config->>'kind', n.config->>'commune',
       n.config->>'province_code', n.config->>'ward_code',
       coalesce(jsonb_array_length(n.config->'counters'), 0),
       (SELECT jsonb_object_agg(f->>'code', coalesce(f->'target_wait_minutes', f->'max_wait_minutes'))
        FROM jsonb_array_elements(coalesce(n.config->'services', '[]')) f),
       s.last_contact, greatest(coalesce(s.site_seq - s.last_seq, 0), 0),
       coalesce((d.summary->>'overdue')::int, 0), coalesce((d.summary->>'due_soon')::int, 0)
FROM sites s FULL JOIN newest n ON n.site = s.site
LEFT JOIN site_dossiers d ON d.site = coalesce(s.site, n.site)
ORDER BY 1
"""
_TICKETS = """
SELECT site, day, service, waiting, oldest_waiting, done, issued
FROM site_field_days WHERE day = ANY(%(today)s::date[])
"""
_COUNTERS = """
SELECT site, count(*) FILTER (WHERE state = 'open') FROM (
    SELECT DISTINCT ON (e.site, (e.data->>'counter')::int) e.site, e.data->>'state' AS state
    FROM unnest(%(sites)s::text[], %(starts)s::timestamptz[]) AS w(site, since)
    JOIN events e ON e.site = w.site AND e.type = 'counter.changed' AND e.at >= w.since
    ORDER BY e.site, (e.data->>'counter')::int, e.seq DESC
) newest GROUP BY site
"""
_ALARMS = """
SELECT site, sum(n)::int FROM (
    SELECT e.site, count(*) AS n
    FROM unnest(%(sites)s::text[], %(starts)s::timestamptz[]) AS w(site, since)
    JOIN events e ON e.site = w.site AND e.type = 'alarm.wait_exceeded' AND e.at >= w.since
    JOIN tickets t ON t.site = e.site AND t.id = (e.data->>'ticket')::bigint
    WHERE t.state = 'waiting' GROUP BY e.site
  UNION ALL
    SELECT site, count(*) FROM (
        SELECT DISTINCT ON (site, data->>'device', data->>'component') site, (data->>'ok')::boolean AS ok
        FROM events WHERE type = 'device.status' AND site = ANY(%(sites)s::text[])
        ORDER BY site, data->>'device', data->>'component', seq DESC
    ) newest WHERE NOT ok GROUP BY site
) standing GROUP BY site
"""

_FIELDS = """
SELECT service, waiting, oldest_waiting, done, issued FROM site_field_days WHERE site = %s AND day = %s ORDER BY service
"""


@dataclasses.dataclass(frozen=True)
class _Place:
    site: str
    name: str
    tz: dt.tzinfo
    kind: str | None
    commune: str | None
    province_code: str | None
    ward_code: str | None
    counters: int
    targets: dict[str, Any]
    last_contact: dt.datetime | None
    lag: int
    overdue: int
    due_soon: int


def sites_now(conn: psycopg.Connection[Any], now: dt.datetime, offline_after: dt.timedelta) -> list[SiteNow]:
    """Every site the central copy knows, now, in four statements whatever their number. A
    site not heard from for ``offline_after`` (or never) is ``offline``."""
    places = [
        _Place(site, name or site, _zone({"timezone": zone} if zone else {}), kind, commune, province, ward, counters,
               targets or {}, contact, int(lag), overdue, due_soon)
        for site, name, zone, kind, commune, province, ward, counters, targets, contact, lag, overdue, due_soon
        in conn.execute(_DIRECTORY)
    ]  # fmt: skip
    days = [now.astimezone(p.tz).date() for p in places]
    params = {
        "sites": array_literal(p.site for p in places),
        "today": sorted(set(days)),  # (one day, or two while some zones are past midnight)
        "starts": array_literal(_day_start(day, p.tz).isoformat() for day, p in zip(days, places, strict=True)),
    }
    day_of = {p.site: day for p, day in zip(places, days, strict=True)}
    fields: dict[str, list[tuple[str, int, str | None, int, int]]] = {}
    for site, day, service, waiting, oldest, served, issued in conn.execute(_TICKETS, params):
        if day_of.get(site) == day:  # the site's own today (another zone's may be another day)
            fields.setdefault(site, []).append((service, waiting, oldest, served, issued))
    open_counters = dict(conn.execute(_COUNTERS, params).fetchall())
    alarms_of = dict(conn.execute(_ALARMS, params).fetchall())
    out = []
    for place in places:
        figures = fields.get(place.site, [])
        oldest = min((f[2] for f in figures if f[2]), default=None)
        over = sum(
            1 for service, _, first, _, _ in figures
            if first and place.targets.get(service) is not None and _minutes(now, first) > place.targets[service]
        )  # fmt: skip
        contact = place.last_contact
        out.append(
            SiteNow(
                site=place.site,
                name=place.name,
                kind=place.kind,
                commune=place.commune,
                province_code=place.province_code,
                ward_code=place.ward_code,
                unit=admin_map.unit_name(place.ward_code),
                last_contact=contact,
                offline=contact is None or now - contact > offline_after,
                lag_events=place.lag,
                waiting=sum(f[1] for f in figures),
                longest_wait_minutes=round(_minutes(now, oldest), 1) if oldest else None,
                over_target=over,
                served=sum(f[3] for f in figures),
                issued=sum(f[4] for f in figures),
                counters_open=int(open_counters.get(place.site, 0)),
                counters=place.counters,
                alarms=int(alarms_of.get(place.site, 0)),
                dossiers_overdue=place.overdue,
                dossiers_due_soon=place.due_soon,
            )
        )
    return out


def array_literal(values: Iterable[str]) -> str:
    """PostgreSQL's text of an array of these values, for a parameter cast to ``text[]`` (or
    ``timestamptz[]``, of ISO times): thousands of values a refresh are one string joined,
    where psycopg would dump each value of a list in turn (~25 ms for 3,400 sites and their
    day's starts, twice a refresh)."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _minutes(now: dt.datetime, since: str) -> float:
    return max(0.0, (now - dt.datetime.fromisoformat(since)).total_seconds() / 60)


@functools.lru_cache(maxsize=64)
def _zone_named(name: str) -> dt.tzinfo:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _zone(config: dict[str, Any]) -> dt.tzinfo:
    return _zone_named(str(config.get("timezone", "Asia/Ho_Chi_Minh")))


def _day_start(today: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(today, dt.time(0), tz)


def _counters_open(conn: psycopg.Connection[Any], site: str, today: dt.date, tz: dt.tzinfo) -> dict[int, str]:
    """Each counter's state as its newest ``counter.changed`` of the day says (a new day
    closes every counter)."""
    rows = conn.execute(
        "SELECT DISTINCT ON ((data->>'counter')::int) (data->>'counter')::int, data->>'state'"
        " FROM events WHERE site = %s AND type = 'counter.changed' AND at >= %s"
        " ORDER BY (data->>'counter')::int, seq DESC",
        [site, _day_start(today, tz)],
    ).fetchall()
    return {counter: state for counter, state in rows}


def alarms(conn: psycopg.Connection[Any], site: str, today: dt.date, tz: dt.tzinfo) -> list[dict[str, Any]]:
    """Today's alarms still standing: waits past their limit (the ticket still waiting) and
    devices whose newest report of a part is a fault."""
    waits = conn.execute(
        "SELECT e.data->>'label', e.data->>'service', e.at, (e.data->>'limit_minutes')::int"
        " FROM events e JOIN tickets t ON t.site = e.site AND t.id = (e.data->>'ticket')::bigint"
        " WHERE e.site = %s AND e.type = 'alarm.wait_exceeded' AND e.at >= %s AND t.state = 'waiting'"
        " ORDER BY e.seq",
        [site, _day_start(today, tz)],
    ).fetchall()
    devices = conn.execute(
        "SELECT device, component, detail, at FROM ("
        "  SELECT DISTINCT ON (data->>'device', data->>'component') data->>'device' AS device,"
        "   data->>'component' AS component, (data->>'ok')::boolean AS ok, data->>'detail' AS detail, at"
        "  FROM events WHERE site = %s AND type = 'device.status'"
        "  ORDER BY data->>'device', data->>'component', seq DESC) newest WHERE NOT ok",
        [site],
    ).fetchall()
    return [
        {"kind": "wait", "label": label, "service": service, "at": at.isoformat(), "limit_minutes": limit}
        for label, service, at, limit in waits
    ] + [
        {"kind": "device", "device": device, "component": component, "detail": detail, "at": at.isoformat()}
        for device, component, detail, at in devices
    ]


def site_detail(conn: psycopg.Connection[Any], site: str, now: dt.datetime) -> dict[str, Any]:
    """One site's drill-down: per field and per counter, and its alarms."""
    config = configs(conn, [site]).get(site, {})
    tz = _zone(config)
    today = now.astimezone(tz).date()
    fields = {s["code"]: s for s in config.get("services", [])}
    per_field = []
    for service, waiting, oldest, served, issued in conn.execute(_FIELDS, [site, today]):
        longest = round((now - dt.datetime.fromisoformat(oldest)).total_seconds() / 60, 1) if oldest else None
        info = fields.get(service, {})
        per_field.append(
            {
                "service": service,
                "name": info.get("name_vi", service),
                "waiting": waiting,
                "longest_wait_minutes": longest,
                "limit_minutes": info.get("max_wait_minutes"),
                "served": served,
                "issued": issued,
            }
        )
    states = _counters_open(conn, site, today, tz)
    officers = {o["user"]: o["name"] for o in config.get("officers", [])}
    current = {
        counter: (label, officer)
        for counter, label, officer in conn.execute(
            "SELECT counter, label, officer FROM tickets WHERE site = %s AND day = %s AND state IN ('called', 'serving')",
            [site, today],
        )
    }
    per_counter = [
        {
            "counter": c["number"],
            "name": c["name"],
            "state": states.get(c["number"], "closed"),
            "current": current.get(c["number"], (None, None))[0],
            "officer": officers.get(current.get(c["number"], (None, None))[1] or "", None),
        }
        for c in config.get("counters", [])
    ]
    return {
        "site": site,
        "name": config.get("name", site),
        "day": today.isoformat(),
        "fields": per_field,
        "counters": per_counter,
        "alarms": alarms(conn, site, today, tz),
        "dossiers": dossier_summaries(conn, [site]).get(site, {"overdue": 0, "due_soon": 0, "items": []}),
    }
