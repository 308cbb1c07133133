"""``python -m bench.province_live``: the province's live view at 170, 1,000 and 3,400 sites.

The real sites of the 2025 map (:func:`real_sites`, from the package ``vietnam-provinces``):
up to 200, a province's — its provincial centre and every ward and commune of ``--province``
(79, Hồ Chí Minh City: 168 and its centre) —; above, the country's first N in the order of the
provinces' codes, the whole country from 3,355 up (34 provincial centres and 3,321 ward and
commune centres), each with its official codes, kind and name. Written straight into the
central tables (:func:`make_sites`; each site with today's ``--tickets`` tickets, a quarter
still waiting, four events a ticket, counters opened, some wait alarms and device faults, some
sites silent or lagging), then one refresh of every site's now (``province.live``'s
computation, :func:`province.live.sites_now`) timed and its SQL statements counted, and three
dashboards asking at once through the shared board (:class:`province.board.LiveBoard`).
``--old FILE`` times an older ``province/live.py`` (``git show COMMIT:province/live.py``) on
the same data, for before/after (and, if it computes every site at once, says whether its
figures are the same). Figures in docs/performance.md ("The province's live view").
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import importlib.util
import inspect
import os
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from central import schema as central
from central.migrations import FIELD_DAYS_FROM_TICKETS

TZ_NAME = "Asia/Ho_Chi_Minh"
COMMUNES = ("An Bình", "Tân Phú", "Phước Đông", "Long Thành", "Hòa Hiệp", "Bình Minh", "Đức Hòa", "Thạnh Đức", "Lộc Hưng", "Trà Vong")

# Site s (its place in the list of sites): every 13th (s % 13 = 5) silent for 10 minutes, every
# 17th (s % 17 = 3) 500 events behind, every 7th a wait alarm, every 11th a device at fault.
# The sites themselves (id, name, kind, commune, codes) come in as arrays (:class:`BenchSite`).
SITES = """
INSERT INTO sites (site, last_seq, site_seq, last_contact, events_total)
SELECT site, 4 * %(tickets)s::int + 4,
       4 * %(tickets)s::int + 4 + CASE WHEN s %% 17 = 3 THEN 500 ELSE 0 END,
       %(now)s::timestamptz - CASE WHEN s %% 13 = 5 THEN interval '10 minutes' ELSE interval '5 seconds' END,
       4 * %(tickets)s::int + 4
FROM unnest(%(ids)s::text[], %(index)s::int[]) AS p(site, s);
INSERT INTO site_configs (site, taken_at, config)
SELECT site, %(now)s::timestamptz - interval '1 day', jsonb_build_object(
    'site', site,
    'name', name,
    'timezone', %(tz)s::text,
    'kind', kind,
    'commune', commune,
    'province_code', province_code,
    'ward_code', ward_code,
    'counters', '[{"number": 1, "name": "Quầy 1", "services": ["HT"]}, {"number": 2, "name": "Quầy 2", "services": ["DD"]},
                  {"number": 3, "name": "Quầy 3", "services": ["DD", "HT"]}]'::jsonb,
    'services', '[{"code": "HT", "prefix": "A", "name_vi": "Hộ tịch", "max_wait_minutes": 45, "target_wait_minutes": 20},
                  {"code": "DD", "prefix": "B", "name_vi": "Đất đai", "max_wait_minutes": 60, "target_wait_minutes": 30}]'::jsonb,
    'officers', '[]'::jsonb, 'rating_scale', '[]'::jsonb)
FROM unnest(%(ids)s::text[], %(names)s::text[], %(kinds)s::text[], %(communes)s::text[], %(provinces)s::text[],
            %(wards)s::text[]) AS p(site, name, kind, commune, province_code, ward_code);
"""
TICKETS = """
INSERT INTO tickets (site, id, day, label, service, number, state, arrival_at, called_at, done_at)
SELECT site, t, %(day)s::date, 'A' || t, CASE WHEN t %% 2 = 1 THEN 'HT' ELSE 'DD' END, t,
       CASE WHEN t %% 4 = 0 THEN 'waiting' ELSE 'done' END,
       to_char(local - arrived, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
       CASE WHEN t %% 4 <> 0 THEN to_char(local - arrived / 2, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"') END,
       CASE WHEN t %% 4 <> 0 THEN to_char(local - arrived / 4, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"') END
FROM unnest(%(ids)s::text[], %(index)s::int[]) AS p(site, s), generate_series(1, %(tickets)s::int) t,
     LATERAL (SELECT (%(now)s::timestamptz AT TIME ZONE %(tz)s::text) AS local,
                     least(((t * 7 + s) %% 90 + 1) * interval '1 minute', %(since_start)s::interval) AS arrived) x
"""
EVENTS = """
INSERT INTO events (site, seq, type, at, data)
SELECT site, row_number() OVER (PARTITION BY site ORDER BY id, k), kind, %(now)s::timestamptz - interval '1 second' * (k + 1),
       jsonb_build_object('ticket', id, 'service', service)
FROM tickets, LATERAL unnest(ARRAY['ticket.issued', 'ticket.called', 'ticket.serving', 'ticket.completed']) WITH ORDINALITY AS e(kind, k)
WHERE site = ANY(%(ids)s::text[]);
INSERT INTO site_days (site, day) SELECT DISTINCT site, day FROM tickets WHERE site = ANY(%(ids)s::text[])
ON CONFLICT DO NOTHING;
INSERT INTO events (site, seq, type, at, data)
SELECT site, 4 * %(tickets)s::int + n, kind, %(now)s::timestamptz - interval '1 second' * (10 - n), data
FROM unnest(%(ids)s::text[], %(index)s::int[]) AS p(site, s),
     LATERAL (VALUES (1, 'counter.changed', '{"counter": 1, "state": "open"}'::jsonb),
                     (2, 'counter.changed', '{"counter": 2, "state": "open"}'),
                     (3, 'counter.changed', jsonb_build_object('counter', 2, 'state', CASE WHEN s %% 2 = 0 THEN 'paused' ELSE 'open' END)),
                     (4, CASE WHEN s %% 7 = 0 THEN 'alarm.wait_exceeded' WHEN s %% 11 = 0 THEN 'device.status' ELSE 'note' END,
                      CASE WHEN s %% 7 = 0 THEN '{"ticket": 4, "label": "A4", "service": "DD", "limit_minutes": 60}'::jsonb
                           ELSE '{"device": "kiosk-1", "component": "printer", "ok": false, "detail": "hết giấy"}' END)) e(n, kind, data)
"""

# each site's figures of the day per field, as the shippers' batches keep them (the fill of
# site_field_days' central migration, on these sites' tickets)
FIELD_DAYS = FIELD_DAYS_FROM_TICKETS.format(where="WHERE site = ANY(%(ids)s::text[])")


@dataclasses.dataclass(frozen=True)
class BenchSite:
    site: str
    name: str
    kind: str  # [site] kind
    commune: str | None = None  # a receiving point's commune centre (its site id)
    province_code: str | None = None  # on the 2025 map
    ward_code: str | None = None


def site_ids(sites: int, prefix: str = "p-") -> list[str]:
    width = _width(sites)
    return [f"{prefix}{s:0{width}d}" for s in range(sites)]


def _width(sites: int) -> int:
    return max(3, len(str(sites - 1)))


def generated_sites(sites: int, prefix: str = "p-") -> list[BenchSite]:
    """``sites`` made-up sites, ids ``prefix`` and a number (:func:`site_ids`): 0 the provincial
    centre; then by s % 6: 1 a ward, 2–4 a commune, 5 a receiving point of the commune s - 3."""
    ids = site_ids(sites, prefix)

    def one(s: int) -> BenchSite:
        if s == 0:
            return BenchSite(ids[s], "Trung tâm Phục vụ hành chính công tỉnh", "centre")
        if s % 6 == 1:
            return BenchSite(ids[s], f"UBND phường {s}", "ward")
        if s % 6 == 5:
            return BenchSite(ids[s], f"Điểm tiếp nhận số {s} xã {COMMUNES[(s - 3) % 10]}", "point", ids[s - 3])
        return BenchSite(ids[s], f"UBND xã {COMMUNES[s % 10]} {s}", "commune")

    return [one(s) for s in range(sites)]


PROVINCE = "79"  # Hồ Chí Minh City: 168 wards and communes, the most of any province
PROVINCE_CLASS = 200  # a count up to this runs on one province's real sites


def province_sites(province: str, points: int = 0, prefix: str = "") -> list[BenchSite]:
    """A province's real sites on the 2025 map: its provincial centre, then its wards' and
    communes' centres by code, then ``points`` receiving points, one each of its first communes."""
    from queue_server.core import admin_map

    slug = admin_map.province_codenames()[province].replace("_", "-")
    full = admin_map.provinces()[province]
    out = [BenchSite(f"{prefix}trung-tam-{slug}", f"Trung tâm Phục vụ hành chính công {_lower(full)}", "centre", None, province)]
    for unit in admin_map.units_of(province):
        out.append(
            BenchSite(f"{prefix}{unit.codename.replace('_', '-')}-{unit.code}", f"Trung tâm Phục vụ hành chính công {_lower(unit.name)}",
                      unit.type.value, None, province, unit.code)
        )  # fmt: skip
    communes = [s for s in out if s.kind == "commune"][:points]
    # (named as a receiving point is, by its place: its commune only from the map, by its code)
    out += [BenchSite(f"{c.site}-diem-1", "Điểm tiếp nhận số 1", "point", c.site, province, c.ward_code) for c in communes]
    return out


def country_sites() -> list[BenchSite]:
    """The country's real sites: the 34 provinces' (:func:`province_sites`) in the order of their
    codes, 3,355."""
    from queue_server.core import admin_map

    return [site for province in admin_map.provinces() for site in province_sites(province)]


def real_sites(count: int, province: str = PROVINCE) -> list[BenchSite]:
    """For a run of ``count`` sites: up to :data:`PROVINCE_CLASS`, ``province``'s real sites;
    above, the country's first ``count`` (all from 3,355 up)."""
    return province_sites(province) if count <= PROVINCE_CLASS else country_sites()[:count]


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:]  # "Phường Sài Gòn" → "phường Sài Gòn", in a longer name


def make_sites(conn: Any, sites: int | Sequence[BenchSite], tickets: int, now: dt.datetime, prefix: str = "p-") -> None:
    """``sites`` sites — a number: made up (:func:`generated_sites`, ids ``prefix`` and a
    number); or the sites themselves (:func:`real_sites`) — and today's ``tickets`` each,
    straight into the central tables (see the comment of :data:`SITES`); ``tickets`` at least 4
    (ticket 4 waits: the wait alarm's)."""
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(TZ_NAME))
    start = dt.datetime.combine(local.date(), dt.time(0), local.tzinfo)
    central.migrate(conn)
    central.ensure_partitions(conn, {central.month_of(now.isoformat()), central.month_of(start.isoformat())}, set())
    made = generated_sites(sites, prefix) if isinstance(sites, int) else list(sites)
    params = {
        "tickets": max(4, tickets), "now": now, "day": local.date(), "tz": TZ_NAME, "since_start": local - start,
        "ids": [s.site for s in made], "index": list(range(len(made))), "names": [s.name for s in made],
        "kinds": [s.kind for s in made], "communes": [s.commune for s in made],
        "provinces": [s.province_code for s in made], "wards": [s.ward_code for s in made],
    }  # fmt: skip
    with conn.transaction():
        for sql in (*SITES.split(";\n"), TICKETS, FIELD_DAYS, *EVENTS.split(";\n")):
            if sql.strip():
                conn.execute(sql, params)
    conn.execute("VACUUM ANALYZE tickets")
    conn.execute("ANALYZE site_field_days")
    conn.execute("ANALYZE events")


class Statements:
    """The SQL statements a connection sends, counted at the wire: libpq's trace of the
    messages to the server (each statement is one ``Execute`` or one simple ``Query``)."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.file = tempfile.TemporaryFile()

    def __enter__(self) -> Statements:
        from psycopg import pq

        self.conn.pgconn.trace(self.file.fileno())
        self.conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.pgconn.untrace()

    def count(self) -> int:
        self.file.seek(0)
        return len(re.findall(rb"^F\t\d+\t(?:Execute|Query)\b", self.file.read(), re.M))


def old_module(path: Path, name: str = "old_live") -> Any:
    """An older version of a module, loaded from its file (``git show COMMIT:FILE > FILE``)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


def measure(dsn: str, sites: int, tickets: int, old: Path | None, runs: int, province: str = PROVINCE) -> dict[str, Any]:
    from province.board import LiveBoard
    from province.database import Database
    from province.live import sites_now
    from province.settings import Manager

    now = dt.datetime.now(dt.UTC)
    offline = dt.timedelta(minutes=3)
    with central.connect(dsn) as conn:
        started = time.perf_counter()
        make_sites(conn, real_sites(sites, province), tickets, now)  # (the run's real count: "rows")
        generated = time.perf_counter() - started
        seconds = []
        for _ in range(runs):
            with Statements(conn) as statements:
                started = time.perf_counter()
                rows = sites_now(conn, now, offline)
                seconds.append(round(time.perf_counter() - started, 3))
        result: dict[str, Any] = {
            "sites": sites, "tickets_per_site": tickets, "generated_seconds": round(generated, 1),
            "refresh_seconds": seconds, "statements": statements.count(), "rows": len(rows),
            "offline": sum(r.offline for r in rows), "alarms": sum(r.alarms for r in rows),
        }  # fmt: skip
        if old is not None:
            module = old_module(old)
            # a1689df's (one site at a time) is given the list of sites; since, every site at once
            by_list = "offline_after" not in inspect.signature(module.sites_now).parameters
            ids = [s for (s,) in conn.execute("SELECT site FROM sites UNION SELECT site FROM site_configs ORDER BY 1")]
            seconds = []
            for _ in range(runs):
                with Statements(conn) as statements:
                    started = time.perf_counter()
                    old_rows = module.sites_now(conn, ids, now) if by_list else module.sites_now(conn, now, offline)
                    seconds.append(round(time.perf_counter() - started, 3))
            result["old_refresh_seconds"], result["old_statements"] = seconds, statements.count() + by_list  # (+ its list of sites)
            if not by_list:  # the same figures, field by field
                result["old_same_figures"] = [dataclasses.asdict(r) for r in old_rows] == [dataclasses.asdict(r) for r in rows]

    async def dashboards() -> dict[str, Any]:
        """Three dashboards on a board not computed yet (they wait for the one computation);
        then five, the board kept fresh in the background (``keep_fresh``, every 2 s here)."""
        database = Database(dsn)
        board = LiveBoard(database, lambda: dt.datetime.now(dt.UTC), offline, every=2.0)
        everyone = Manager("bench", "Bench", "bench-token-0000000", None)

        async def one() -> float:
            started = time.perf_counter()
            (await board.now()).seen_by(everyone)
            return round(time.perf_counter() - started, 4)

        keeper = asyncio.create_task(board.keep_fresh())
        try:
            cold = list(await asyncio.gather(*(one() for _ in range(3))))
            computed = board.computed
            kept = []
            for _ in range(3):
                await asyncio.sleep(2.5)  # the keeper's next computation is done meanwhile
                kept.append(list(await asyncio.gather(*(one() for _ in range(5)))))
            return {"three_cold_seconds": cold, "computations_for_three": computed,
                    "five_kept_fresh_seconds": kept, "computations": board.computed}  # fmt: skip
        finally:
            keeper.cancel()
            database.close()

    result["dashboards"] = asyncio.run(dashboards())
    return result


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from province.cluster import Cluster

    parser = argparse.ArgumentParser(prog="python -m bench.province_live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="170,1000,3400", help="site counts, comma-separated (the real sites: see above)")
    parser.add_argument("--province", default=PROVINCE, help=f"the province whose real sites runs of up to {PROVINCE_CLASS} sites use")
    parser.add_argument("--tickets", type=int, default=300, help="today's tickets a site")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", type=Path, help="an older province/live.py to time on the same data")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "commit": report.commit(),
                               "load_average": report.load_average(), "runs": []}  # fmt: skip
    cluster = Cluster.create()
    cluster.start()
    try:
        for n in (int(x) for x in args.sites.split(",")):
            figures = measure(cluster.create_database(f"live_{n}"), n, args.tickets, args.old, args.runs, args.province)
            print(f"live, {n} sites: {figures}", flush=True)
            results["runs"].append(figures)
    finally:
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    path = report.save({"province_live": results, "machine": report.machine(), "pid": os.getpid()}, name="province-live")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
