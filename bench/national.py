"""``python -m bench.national``: the nation's report for a month at the country's size.

A PostgreSQL cluster of its own with two databases: a province's central database and the
national one (its tables as :mod:`national.replication` makes them: ``report_days``
partitioned by grouping, ``site_configs``).

- **real site-days, summed once**: ``--template-sites`` sites × ``--template-days`` days (8 × 5)
  generated into the province's ``tickets`` by the province benchmark's own generator
  (``bench.province.GENERATE``: four fields, ten counters and officers), thinned to between a
  quarter and all of ``--tickets`` a day, every other site rated on 1–5 rather than 1–4, then
  summed by the province's own code (:func:`central.summaries.summarize_all`).
- **the country**: those summary rows copied (``COPY``, binary) to the nation, then to every
  site of the 2025 map (:func:`bench.province_live.country_sites`: 34 provinces, 3,355 sites)
  and every day of the month by one ``INSERT … SELECT`` a province — each site-day a real
  site-day of its own scale, chosen by the site's place and the day. Not by logical
  replication: the subscription's first copy would carry the same rows, one province at a
  time, and tell us nothing more about the report; the SQL copy fills 34 provinces in minutes.
  Each site's configuration snapshot (name, fields, ward code, a rating scale of 4 or 5
  levels: every third site 5) into ``site_configs``.
- **the report**: :func:`national.reports.build` for the month, by province, site, field and
  day, ``--runs`` times each, over the whole country and over one province (``--province``);
  the country's total checked against the rows' own sum; each statement's plan and time as
  PostgreSQL ran it (``auto_explain``, ``EXPLAIN ANALYZE`` of the report's own statements,
  buffers) for the country by province.

Figures printed and written to ``bench/results/<date>-national.json``; docs/performance.md,
"The nation's report", has them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import time
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from bench.province import GENERATE, month_parameters
from bench.province_live import BenchSite, country_sites
from central import schema as central
from central import summaries
from national import replication, reports

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST = dt.date(2026, 11, 1)  # a month of 30 days
PROVINCE = "79"  # Hồ Chí Minh City: 168 wards and communes and its centre, the most of any
FIELDS = {"HT": "Hộ tịch", "DD": "Đất đai", "KD": "Kinh doanh", "TP": "Tư pháp"}  # GENERATE's fields
FOUR_LEVELS = ((4, "Rất hài lòng"), (3, "Hài lòng"), (2, "Chưa hài lòng"), (1, "Không hài lòng"))
FIVE_LEVELS = ((5, "Rất hài lòng"), (4, "Hài lòng"), (3, "Bình thường"), (2, "Không hài lòng"), (1, "Rất không hài lòng"))

# GENERATE's tickets thinned: site-day (s, d) keeps a quarter to all of them; its odd sites'
# ratings put on 1–5.
THIN = """
DELETE FROM tickets WHERE site LIKE 'm-%%'
  AND id %% 100000 > %(tickets)s * (1 + (substr(site, 3)::int + id / 100000) %% 4) / 4
"""
FIVE = "UPDATE tickets SET rating = 1 + (id * 7) % 5 WHERE rating IS NOT NULL AND substr(site, 3)::int % 2 = 1"  # (no parameters)

# The summed site-days, one number each within their scale (n), to the nation.
TEMPLATE = """
SELECT ((substr(site, 3)::int %% 2) + 4) AS scale,
       (dense_rank() OVER (PARTITION BY substr(site, 3)::int %% 2 ORDER BY site, day) - 1)::int AS n,
       dim, key, {columns}
FROM report_days WHERE site LIKE 'm-%%'
"""
# Every site's every day of the month: a summed site-day of its scale, chosen by its place and the day.
FILL = """
INSERT INTO report_days (province, site, day, dim, key, {columns})
SELECT s.province, s.site, %(first)s::date + d, t.dim, t.key, {picked}
FROM unnest(%(provinces)s::text[], %(ids)s::text[], %(scales)s::int[], %(index)s::int[]) AS s(province, site, scale, i),
     generate_series(0, %(days)s::int - 1) AS d,
     bench_template t
WHERE t.scale = s.scale AND t.n = (s.i * 7 + d) %% %(per_scale)s::int
"""
CONFIGS = """
INSERT INTO site_configs (province, site, taken_at, config)
SELECT province, site, %(taken)s::timestamptz, config
FROM unnest(%(provinces)s::text[], %(ids)s::text[], %(configs)s::jsonb[]) AS s(province, site, config)
"""


def _columns(conn: psycopg.Connection[Any]) -> list[str]:
    """The national ``report_days``' figures: every column but the row's place and key."""
    rows = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'report_days'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
    )
    return [name for (name,) in rows if name not in ("province", "site", "day", "dim", "key")]


def sum_template(province_dsn: str, sites: int, days: int, tickets: int) -> dict[str, Any]:
    """``sites`` × ``days`` real site-days in the province's tickets, summed by the province's code."""
    with central.connect(province_dsn) as conn:
        central.migrate(conn)
        following = dt.date(FIRST.year + FIRST.month // 12, FIRST.month % 12 + 1, 1)
        central.ensure_partitions(conn, {FIRST, following}, set())
        started = time.perf_counter()
        conn.execute(GENERATE, month_parameters(sites, days, tickets, FIRST))
        conn.execute(THIN, {"tickets": tickets})
        conn.execute(FIVE)
        conn.execute("INSERT INTO sites (site) SELECT DISTINCT site FROM tickets ON CONFLICT DO NOTHING")
        conn.execute("INSERT INTO site_days (site, day) SELECT DISTINCT site, day FROM tickets ON CONFLICT DO NOTHING")
        summed = summaries.summarize_all(conn, TZ, FIRST + dt.timedelta(days=days))
        (count,) = conn.execute("SELECT count(*) FROM tickets").fetchone()  # type: ignore[misc]
        (rows,) = conn.execute("SELECT count(*) FROM report_days").fetchone()  # type: ignore[misc]
    return {"site_days": summed, "tickets": count, "rows": rows, "seconds": round(time.perf_counter() - started, 1)}


def _config(site: BenchSite, scale: int) -> str:
    levels = FIVE_LEVELS if scale == 5 else FOUR_LEVELS
    return json.dumps(
        {
            "site": site.site, "name": site.name, "kind": site.kind, "province_code": site.province_code,
            "ward_code": site.ward_code, "timezone": str(TZ),
            "services": [{"code": code, "name_vi": name} for code, name in FIELDS.items()],
            "rating_scale": [{"score": score, "name_vi": name} for score, name in levels],
        },
        ensure_ascii=False,
    )  # fmt: skip


def fill_nation(province_dsn: str, national_dsn: str, sites: Sequence[BenchSite], days: int) -> dict[str, Any]:
    """The summed site-days copied to the nation, then to every site and day (see the module's text)."""
    started = time.perf_counter()
    with psycopg.connect(province_dsn) as source, psycopg.connect(national_dsn, autocommit=True) as conn:
        replication.migrate(conn)
        columns = ", ".join(_columns(conn))
        conn.execute(f"CREATE UNLOGGED TABLE bench_template AS SELECT 0 AS scale, 0 AS n, dim, key, {columns} FROM report_days WITH NO DATA")
        with source.cursor().copy(f"COPY ({TEMPLATE.format(columns=columns).replace('%%', '%')}) TO STDOUT (FORMAT BINARY)") as out:
            with conn.cursor().copy("COPY bench_template FROM STDIN (FORMAT BINARY)") as into:
                for data in out:
                    into.write(data)
        per_scale = dict(conn.execute("SELECT scale, count(DISTINCT n) FROM bench_template GROUP BY scale").fetchall())
        if set(per_scale) != {4, 5} or len(set(per_scale.values())) != 1:
            raise RuntimeError(f"the summed site-days are not as many on each scale: {per_scale}")
        scales = [5 if i % 3 == 0 else 4 for i in range(len(sites))]
        by_province: dict[str, list[int]] = {}
        for i, site in enumerate(sites):
            by_province.setdefault(str(site.province_code), []).append(i)
        fill = FILL.format(columns=columns, picked=", ".join(f"t.{c}" for c in columns.split(", ")))
        for province, places in by_province.items():
            params = {
                "first": FIRST, "days": days, "per_scale": per_scale[4],
                "provinces": [province] * len(places), "ids": [sites[i].site for i in places],
                "scales": [scales[i] for i in places], "index": places,
                "configs": [_config(sites[i], scales[i]) for i in places],
                "taken": dt.datetime.combine(FIRST, dt.time(7), TZ),
            }  # fmt: skip
            with conn.transaction():
                conn.execute(fill, params)
                conn.execute(CONFIGS, params)
        conn.execute("DROP TABLE bench_template")
        conn.execute("VACUUM ANALYZE report_days")
        conn.execute("VACUUM ANALYZE site_configs")
        conn.execute("CHECKPOINT")  # the fill's 2 GB written out now, not while the reports are timed
        (rows,) = conn.execute("SELECT count(*) FROM report_days").fetchone()  # type: ignore[misc]
        (size,) = conn.execute("SELECT pg_database_size(current_database())").fetchone()  # type: ignore[misc]
    return {
        "provinces": len(by_province), "sites": len(sites), "days": days, "site_days": len(sites) * days,
        "rows": rows, "five_level_sites": scales.count(5), "database_mb": round(size / 2**20),
        "seconds": round(time.perf_counter() - started, 1),
    }  # fmt: skip


def time_reports(conn: psycopg.Connection[Any], provinces: Sequence[str], days: int, runs: int) -> dict[str, Any]:
    """The month's report by each grouping, ``runs`` times; seconds and rows."""
    last = FIRST + dt.timedelta(days=days - 1)
    out: dict[str, Any] = {}
    for by in reports.By:
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            made = reports.build(conn, provinces, FIRST, last, by)
            seconds.append(round(time.perf_counter() - started, 3))
        out[by.value] = {"seconds": seconds, "rows": len(made.rows), "issued": made.total.issued}
    return out


def explained(conn: psycopg.Connection[Any], provinces: Sequence[str], days: int, by: reports.By) -> list[dict[str, Any]]:
    """The report's own statements as PostgreSQL ran them (``auto_explain``, ANALYZE, BUFFERS):
    each one's time and plan, and the report's whole time (the rest is Python's)."""
    notes: list[str] = []

    def heard(diagnostic: psycopg.errors.Diagnostic) -> None:
        if diagnostic.message_primary and "duration:" in diagnostic.message_primary:
            notes.append(diagnostic.message_primary)

    conn.add_notice_handler(heard)
    try:
        conn.execute("LOAD 'auto_explain'")
        for setting in ("log_min_duration = 0", "log_analyze = on", "log_buffers = on", "log_timing = on", "log_nested_statements = on"):
            conn.execute(f"SET auto_explain.{setting}")
        conn.execute("SET client_min_messages = log")
        started = time.perf_counter()
        reports.build(conn, provinces, FIRST, FIRST + dt.timedelta(days=days - 1), by)
        whole = time.perf_counter() - started
    finally:
        conn.execute("SET client_min_messages = notice")
        conn.execute("SET auto_explain.log_min_duration = -1")
        conn.remove_notice_handler(heard)
    statements = []
    for note in notes:
        head, _, plan = note.partition("\n")
        statements.append({"ms": float(head.split("duration:")[1].split("ms")[0]), "plan": plan})
    return [{"whole_ms": round(whole * 1000, 1), "sql_ms": round(sum(s["ms"] for s in statements), 1)}, *statements]


def measure(
    province_dsn: str, national_dsn: str, sites: Sequence[BenchSite], days: int, template_sites: int, template_days: int,
    tickets: int, runs: int, province: str,
) -> dict[str, Any]:  # fmt: skip
    template = sum_template(province_dsn, template_sites, template_days, tickets)
    print(f"summed: {template}", flush=True)
    filled = fill_nation(province_dsn, national_dsn, sites, days)
    print(f"the nation filled: {filled}", flush=True)
    codes = sorted({str(s.province_code) for s in sites})
    with psycopg.connect(national_dsn, autocommit=True) as conn:
        (issued,) = conn.execute("SELECT sum(issued) FROM report_days WHERE dim = 'site'").fetchone()  # type: ignore[misc]
        country = time_reports(conn, codes, days, runs)
        print(f"the country ({len(codes)} provinces): {country}", flush=True)
        one = time_reports(conn, [province], days, runs)
        print(f"province {province}: {one}", flush=True)
        plans = explained(conn, codes, days, reports.By.PROVINCE)
        print(f"by province, the statements: {[round(s['ms']) for s in plans[1:]]} ms; whole {plans[0]}", flush=True)
    checked = all(found["issued"] == issued for found in country.values())
    return {"template": template, "nation": filled, "issued": issued, "country_total_checked": checked,
            "country": country, "province": {"code": province, **one}, "by_province_explained": plans}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from province.cluster import Cluster

    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30, help="the month's days (from 2026-11-01)")
    parser.add_argument("--template-sites", type=int, default=8, help="sites whose real days are summed (even: half on 1–5)")
    parser.add_argument("--template-days", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=160, help="a summed site-day's tickets at most (a quarter to all)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--province", default=PROVINCE, help="the one province also timed alone")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "commit": report.commit(),
                               "load_average": report.load_average(), "machine": report.machine()}  # fmt: skip
    print(f"load average at start: {results['load_average']}", flush=True)
    cluster = Cluster.create()
    cluster.start()
    try:
        results.update(
            measure(cluster.create_database("province"), cluster.create_database("national"), country_sites(), args.days,
                    args.template_sites, args.template_days, args.tickets, args.runs, args.province)
        )  # fmt: skip
    finally:
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    print(f"load average at the end: {results['load_average_after']}")
    path = report.save({"national": results, "pid": os.getpid()}, name="national")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
