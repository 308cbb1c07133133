"""Every site now, from the central copy: what the province dashboard shows and refreshes.

For each site: its name (from its newest configuration snapshot), last contact and lag; and
today's (the site's local day) people waiting, the longest wait, served, counters open, and
alarms — waits past their field's limit still waiting, devices reporting a fault — and its
dossiers overdue or due soon, as the site counts them. One site's drill-down adds the same
per field and per counter, and the late dossiers themselves (without their codes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

import psycopg


@dataclasses.dataclass(frozen=True)
class SiteNow:
    site: str
    name: str
    last_contact: dt.datetime | None
    lag_events: int
    waiting: int
    longest_wait_minutes: float | None
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
    """Each site's late-dossier alarms as it last sent them (replication/dossier_alarms.py)."""
    rows = conn.execute("SELECT site, summary FROM site_dossiers WHERE site = ANY(%s)", [list(sites)]).fetchall()
    return {site: summary for site, summary in rows}


def known_sites(conn: psycopg.Connection[Any]) -> list[str]:
    return [site for (site,) in conn.execute("SELECT site FROM sites UNION SELECT site FROM site_configs ORDER BY 1")]


def sites_now(conn: psycopg.Connection[Any], sites: list[str], now: dt.datetime) -> list[SiteNow]:
    named = configs(conn, sites)
    dossiers = dossier_summaries(conn, sites)
    status = {
        site: (contact, lag)
        for site, contact, lag in conn.execute(
            "SELECT site, last_contact, greatest(site_seq - last_seq, 0) FROM sites WHERE site = ANY(%s)", [sites]
        )
    }
    out = []
    for site in sites:
        config = named.get(site, {})
        tz = _zone(config)
        today = now.astimezone(tz).date()
        figures = _today(conn, site, today, now)
        counters = _counters_open(conn, site, today, tz)
        contact, lag = status.get(site, (None, 0))
        out.append(
            SiteNow(
                site=site,
                name=config.get("name", site),
                last_contact=contact,
                lag_events=int(lag),
                waiting=figures["waiting"],
                longest_wait_minutes=figures["longest"],
                served=figures["served"],
                issued=figures["issued"],
                counters_open=sum(1 for state in counters.values() if state == "open"),
                counters=len(config.get("counters", ())),
                alarms=len(alarms(conn, site, today, tz)),
                dossiers_overdue=dossiers.get(site, {}).get("overdue", 0),
                dossiers_due_soon=dossiers.get(site, {}).get("due_soon", 0),
            )
        )
    return out


def _zone(config: dict[str, Any]) -> dt.tzinfo:
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(config.get("timezone", "Asia/Ho_Chi_Minh"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def _today(conn: psycopg.Connection[Any], site: str, today: dt.date, now: dt.datetime) -> dict[str, Any]:
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE state = 'waiting'),"
        " min(arrival_at) FILTER (WHERE state = 'waiting'),"
        " count(*) FILTER (WHERE state = 'done'),"
        " count(*) FILTER (WHERE transferred_from IS NULL)"
        " FROM tickets WHERE site = %s AND day = %s",
        [site, today],
    ).fetchone()
    waiting, oldest, served, issued = row  # type: ignore[misc]  # an aggregate query returns one row
    longest = None
    if oldest:
        longest = round(max(0.0, (now - dt.datetime.fromisoformat(oldest)).total_seconds() / 60), 1)
    return {"waiting": waiting, "longest": longest, "served": served, "issued": issued}


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
    for service, waiting, oldest, served, issued in conn.execute(
        "SELECT service, count(*) FILTER (WHERE state = 'waiting'), min(arrival_at) FILTER (WHERE state = 'waiting'),"
        " count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE transferred_from IS NULL)"
        " FROM tickets WHERE site = %s AND day = %s GROUP BY service ORDER BY service",
        [site, today],
    ):
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
