"""``python -m bench.province``: the province layer under load, against a real PostgreSQL.

- **catch-up**: ``--sites`` sites (50), each with a compressed full day (``--tickets``
  3,000) already in its log, start shipping at once to one PostgreSQL on this machine; the
  events a second until the central copy holds every log, and the CPU per event of the
  shippers' processes and of the rest of the machine (PostgreSQL, and whatever else runs).
- **live lag**: the same sites live — each writing ``--rate`` tickets a second through the
  store's real writer while its shipper runs — and each event's lag: from its time in the
  site's log to the moment the central side had it (p50, p99).
- **the site's own speed**: a site's ticket issue p99 at 200 a second (``bench.scenarios``,
  ``--site-clients`` connected) with its shipper off and on, alternating runs.
- **a month's report**: a month of ``--sites`` sites generated straight into the central
  tables (``--month-tickets`` a day each; ≥ 10 million events), then the province report for
  the month by site and by field, as ``province.report`` builds it. With ``--month-sites
  170,1000``: at each count, ``--month-distinct`` sites (50) generated and summed (their days,
  then their ended month: central/months.py), their summaries copied to the other sites' ids
  (a report reads only summaries for a closed day); and again with the month's last day live
  (today: no month row, the days' way).

With ``--pooled`` the catch-up goes through PgBouncer (PostgreSQL left at max_connections 100),
each site as the pooled role with its key, as production ships (``bench.pooler --one-role``).

The sites' shippers run in ``--processes`` processes (``bench/province_sites.py``), as the
sites' servers would each run their own; each imports and sets up, then all start together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
from psycopg.conninfo import conninfo_to_dict

from bench import report
from bench.figures import Latency
from bench.shipping_sites import POOLED, make_pooled_role
from bench.site import BenchSite
from bench.year import COUNTERS, write_year
from central import schema as central
from central import summaries
from province.cluster import Cluster, Pooler
from province.reports import By, build

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _split(items: list[Path], parts: int) -> list[list[Path]]:
    return [items[i::parts] for i in range(parts) if items[i::parts]]


def _machine_cpu_seconds() -> float:
    """CPU time the whole machine has spent (all cores, ``/proc/stat``: user to softirq)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:8]
    return sum(int(f) for i, f in enumerate(fields) if i != 3 and i != 4) / os.sysconf("SC_CLK_TCK")  # not idle, iowait


def _run_sites(args: list[str], groups: list[list[Path]]) -> tuple[list[dict], float, float]:
    """Each group's process started and set up, then all told to go at once; their results,
    the seconds from the word go to the last result, and the machine's CPU seconds meanwhile."""
    processes = [
        subprocess.Popen([sys.executable, "-m", "bench.province_sites", *args, *map(str, group)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for group in groups
    ]
    for p in processes:
        assert p.stdout is not None and p.stdout.readline() == b"ready\n"
    started, cpu = time.perf_counter(), _machine_cpu_seconds()
    for p in processes:
        assert p.stdin is not None
        p.stdin.write(b"go\n")
        p.stdin.flush()
    results = [json.loads(p.communicate()[0]) for p in processes]
    return results, time.perf_counter() - started, _machine_cpu_seconds() - cpu


def catch_up(dsn: str, folder: Path, sites: int, tickets: int, processes: int, pooler: Pooler | None = None) -> dict:
    """With ``pooler``: the sites ship through it as production does (``bench.pooler
    --one-role``: the pooled role, a key a site), PostgreSQL left at max_connections 100."""
    config = BenchSite(counters=COUNTERS, kiosks=2, boards=1).write(folder / "site.toml")
    day = folder / "day.db"
    events = write_year(config, day, days=1, tickets=tickets)
    files = []
    for n in range(sites):
        copy = folder / f"site-{n:02d}.db"
        shutil.copyfile(day, copy)
        files.append(copy)
    mode = ["catchup", dsn]
    if pooler is not None:
        make_pooled_role(dsn, [f.stem for f in files])
        pooler.know(POOLED)
        mode = ["catchup-pooled", pooler.dsn(conninfo_to_dict(dsn)["dbname"])]
    results, seconds, machine_cpu = _run_sites(mode, _split(files, processes))
    total = sum(r["events"] for r in results)
    shippers_cpu = sum(r["cpu_seconds"] for r in results)
    return {
        "sites": sites,
        "through": f"pgbouncer (pool of {pooler.pool_size}, max_connections 100)" if pooler else "direct",
        "processes": len(results),
        "events_per_site": events,
        "events": total,
        "seconds": round(seconds, 2),
        "events_per_second": round(total / seconds),
        # CPU per event: the shippers' processes, and the rest of the machine meanwhile
        # (PostgreSQL, and whatever else runs on a shared machine)
        "cpu_us_per_event": {
            "shippers": round(shippers_cpu / total * 1e6, 1),
            "rest": round((machine_cpu - shippers_cpu) / total * 1e6, 1),
        },
    }, files, config


def live_lag(dsn: str, files: list[Path], config: Path, seconds: float, rate: float, processes: int) -> dict:
    results, _, _ = _run_sites(["live", dsn, str(seconds), str(rate), str(config)], _split(files, processes))
    lags = [lag for r in results for lag in r["lags"]]
    latency = Latency.of(lags)
    return {
        "sites": len(files),
        "tickets_per_second_per_site": rate,
        "seconds": seconds,
        "events": latency.count,
        "lag_ms": {"p50": latency.p50, "p99": latency.p99, "max": latency.max},
    }


def month_sites(sites: int) -> list[str]:
    """The generated month's site ids, as ``GENERATE`` makes them: ``m-`` and the site's
    number padded to the width of the largest (at least two digits), so none is cut."""
    width = _width(sites)
    return [f"m-{n:0{width}d}" for n in range(sites)]


def _width(sites: int) -> int:
    return max(2, len(str(sites - 1)))


def month_parameters(sites: int, days: int, tickets: int, first: dt.date, of: int | None = None) -> dict[str, object]:
    """``GENERATE``'s parameters; ``width``, the digits of a site's number (lpad cuts a
    longer number short: ``m-100`` at width 2 was ``m-10``) — of ``of`` sites' ids when the
    ``sites`` generated are the first of more (:func:`copy_sites`)."""
    return {"sites": sites, "days": days, "tickets": tickets, "first": first, "width": _width(of or sites)}


def copy_sites(conn: psycopg.Connection, sites: int, distinct: int, tickets_of: dt.date | None = None) -> None:  # type: ignore[type-arg]
    """The summed days of the ``distinct`` generated sites copied to the ids of the other
    sites up to ``sites`` (site ``n`` gets site ``n % distinct``'s rows): ``sites``,
    ``site_days``, ``report_days`` and the month's rows, and the tickets of ``tickets_of`` (a day the report is
    to sum from its tickets). A report reads only ``report_days`` for a closed day: what it
    reads is what ``sites`` summed sites would give."""
    width = _width(sites)
    ids = {"from": distinct, "sites": sites, "distinct": distinct, "width": width}
    copies = (
        "(SELECT 'm-' || lpad(n::text, %(width)s, '0') AS copy, 'm-' || lpad((n %% %(distinct)s)::text, %(width)s, '0') AS source"
        " FROM generate_series(%(from)s, %(sites)s - 1) n) c"
    )
    tables = ("sites", "site_days", "report_days", "site_months", "report_months", "report_month_waits")
    for table, where in (*((t, "") for t in tables), ("tickets", " WHERE t.day = %(day)s")):
        if table == "tickets" and tickets_of is None:
            continue
        (columns,) = conn.execute(
            "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name = %s AND column_name <> 'site'",
            [table],
        ).fetchone()  # type: ignore[misc]
        taken = ", ".join(f"t.{c}" for c in columns.split(", "))
        conn.execute(
            f"INSERT INTO {table} (site, {columns}) SELECT c.copy, {taken} FROM {table} t JOIN {copies} ON t.site = c.source{where}",
            {**ids, "day": tickets_of},
        )


GENERATE = """
INSERT INTO tickets (site, id, day, label, service, number, state, counter, officer,
                     issued_at, arrival_at, called_at, served_at, done_at, recalls, returns, rating,
                     wait_us, service_us)
SELECT 'm-' || lpad(s::text, %(width)s, '0'), d * 100000 + t, day, 'A' || t, svc, t,
       CASE WHEN t %% 20 = 0 THEN 'no_show' ELSE 'done' END, 1 + t %% 10, 'officer.' || (1 + t %% 10),
       to_char(issued, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
       to_char(issued, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
       to_char(issued + wait, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
       to_char(issued + wait + interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'),
       CASE WHEN t %% 20 = 0 THEN NULL ELSE to_char(issued + wait + interval '1 minute' + serve, 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"') END,
       0, 0, CASE WHEN t %% 3 = 0 THEN 1 + (t * 7 + s) %% 4 END,
       (extract(epoch FROM wait) * 1000000)::bigint,
       CASE WHEN t %% 20 = 0 THEN NULL ELSE (extract(epoch FROM serve) * 1000000)::bigint END
FROM generate_series(0, %(sites)s - 1) s,
     generate_series(0, %(days)s - 1) d,
     LATERAL (SELECT %(first)s::date + d AS day) dd,
     generate_series(1, %(tickets)s) t,
     LATERAL (SELECT (ARRAY['HT','DD','KD','TP'])[1 + t %% 4] AS svc,
                     (dd.day + time '07:30' + (t * interval '1 second' * 32400 / %(tickets)s))::timestamp AS issued,
                     ((t * 37 + s * 11 + d) %% 3600) * interval '1 second' AS wait,
                     ((t * 53 + s) %% 900 + 60) * interval '1 second' AS serve) x
"""

EVENTS = """
INSERT INTO events (site, seq, type, at, data)
SELECT site, row_number() OVER (PARTITION BY site ORDER BY id, k), kind, (issued_at::timestamptz), jsonb_build_object('ticket', id, 'service', service)
FROM tickets, LATERAL unnest(ARRAY['ticket.issued', 'ticket.called', 'ticket.serving', 'ticket.completed']) WITH ORDINALITY AS e(kind, k)
WHERE site LIKE 'm-%%'
"""


def month_report(dsn: str, sites: int, tickets: int, first: dt.date, distinct: int | None = None) -> dict:
    """The month generated straight into ``tickets`` (its days marked as shipped), its days
    summed as ``motcua-central`` sums closed days (central/summaries.py), then the report
    by each grouping; and again with the month's last day still being shipped (not summed:
    the report sums that day from its tickets). With ``distinct`` (fewer than ``sites``), only
    that many sites' month is generated and summed, then copied to the other sites' ids
    (:func:`copy_sites`; their events left out: no report reads them)."""
    days = 30
    distinct = min(distinct or sites, sites)
    with central.connect(dsn) as conn:
        central.migrate(conn)
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        central.ensure_partitions(conn, {first, following}, set())
        started = time.perf_counter()
        conn.execute(GENERATE, month_parameters(distinct, days, tickets, first, of=sites))
        if distinct == sites:
            conn.execute(EVENTS)
        conn.execute("INSERT INTO sites (site) SELECT DISTINCT site FROM tickets ON CONFLICT DO NOTHING")
        conn.execute("INSERT INTO site_days (site, day) SELECT DISTINCT site, day FROM tickets ON CONFLICT DO NOTHING")
        conn.execute("INSERT INTO site_months (site, day) SELECT DISTINCT site, date_trunc('month', day)::date FROM site_days ON CONFLICT DO NOTHING")
        conn.execute("VACUUM ANALYZE tickets")
        conn.execute("ANALYZE events")
        generated = time.perf_counter() - started
        (events,) = conn.execute("SELECT count(*) FROM events WHERE site LIKE 'm-%'").fetchone()
        names = month_sites(sites)
        last = first + dt.timedelta(days=days - 1)
        started = time.perf_counter()
        summed = summaries.summarize_all(conn, TZ, last + dt.timedelta(days=1))  # the days, then the ended month
        summing = time.perf_counter() - started
        conn.execute("UPDATE site_months SET dirty = true")  # the month's rows alone, summed again
        started = time.perf_counter()
        summaries.summarize_all(conn, TZ, last + dt.timedelta(days=1))
        month_summing = time.perf_counter() - started
        print(f"  {distinct} sites: {summed} days summed in {summing:.1f} s (their month's rows with them);"
              f" the month's rows alone in {month_summing:.1f} s", flush=True)  # fmt: skip
        started = time.perf_counter()
        copy_sites(conn, sites, distinct, tickets_of=last)
        copying = time.perf_counter() - started
        for table in ("report_days", "site_days", "report_months", "report_month_waits", "site_months"):
            conn.execute(f"VACUUM ANALYZE {table}")
        conn.execute("VACUUM ANALYZE tickets")
        (summary_rows,) = conn.execute("SELECT count(*) FROM report_days").fetchone()

        def timed(runs: int = 3) -> tuple[dict, dict, object]:
            timings, rows, made = {}, {}, None
            for by in By:
                seconds = []
                for _ in range(runs):
                    started = time.perf_counter()
                    made = build(conn, names, first, last, by, TZ)
                    seconds.append(time.perf_counter() - started)
                timings[by.value] = [round(s, 3) for s in seconds]
                rows[by.value] = len(made.rows)
                print(f"  month report ({sites} sites) by {by.value}: {timings[by.value]} s", flush=True)
            return timings, rows, made

        timings, rows, made = timed()
        # the last day: today (its tickets shipped live: the day dirty, the month not ended, no month row)
        conn.execute("UPDATE site_days SET dirty = true WHERE day = %s", [last])
        conn.execute("DELETE FROM report_months")
        conn.execute("DELETE FROM report_month_waits")
        conn.execute("UPDATE site_months SET dirty = true")
        today_timings, _, again = timed()
        assert again.total == made.total  # the same figures from the last day's tickets
        return {
            "sites": sites,
            "distinct_sites": distinct,
            "days": days,
            "tickets": sites * days * tickets,
            "tickets_generated": distinct * days * tickets,
            "events": events,
            "generated_seconds": round(generated, 1),
            "summed_days": summed,
            "summing_seconds": round(summing, 1),
            "month_summing_seconds": round(month_summing, 1),  # of the distinct sites' month rows alone
            "copying_seconds": round(copying, 1),
            "report_days_rows": summary_rows,
            "report_seconds": timings,
            "report_seconds_last_day_live": today_timings,
            "report_rows": rows,
            "served": made.total.served,
        }


def shipping_cost(dsn: str, folder: Path, seconds: float, clients: int, rounds: int) -> dict:
    """The site's ticket issue p99 at 200/s with its shipper off and on, alternating: the same
    server, the same load (``bench.scenarios.connected_clients``), ``rounds`` of each."""
    import asyncio

    from bench.scenarios import connected_clients
    from bench.server import ServerProcess

    site = BenchSite()
    plain = site.write(folder / "alone.toml")
    shipping = folder / "shipping.toml"
    shipping.write_text(plain.read_text(encoding="utf-8") + f'\n[central]\ndsn = "{dsn}"\n', encoding="utf-8")
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    for n in range(rounds):
        for mode, config in (("off", plain), ("on", shipping)):
            with ServerProcess(config, folder / f"{mode}-{n}.db") as server:
                figures = asyncio.run(connected_clients(server, site, clients=clients, seconds=seconds))
            runs[mode].append({"issue_ms": figures["issue_latency_ms"], "call_to_board_ms": figures["call_to_board_ms"],
                               "load_average": report.load_average()})
            print(f"  shipping {mode}, round {n + 1}: issue {figures['issue_latency_ms']}", flush=True)
    p99 = {mode: [r["issue_ms"]["p99"] for r in rs] for mode, rs in runs.items()}
    return {
        "clients": clients,
        "seconds": seconds,
        "runs": runs,
        "issue_p99_ms": p99,
        "ratio_on_to_off": round(sum(p99["on"]) / sum(p99["off"]), 2) if all(p99["off"]) else None,
    }


def _counts(text: str) -> list[int]:
    """``170,1000`` → [170, 1000]: counts of sites, each at least 1."""
    try:
        counts = [int(n) for n in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"không phải danh sách số điểm (not a list of site counts): {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"mỗi số điểm phải từ 1 trở lên (each count of sites must be at least 1): {text!r}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--tickets", type=int, default=3000, help="tickets in each site's day (catch-up)")
    parser.add_argument("--processes", type=int, default=4, help="processes the sites' shippers run in")
    parser.add_argument("--pooled", action="store_true", help="catch-up through PgBouncer, each site as the pooled role with its key")
    parser.add_argument("--pool-size", type=int, default=20, help="with --pooled: the pooler's server connections")
    parser.add_argument("--live-seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=1.0, help="tickets a second per site, live")
    parser.add_argument("--month-tickets", type=int, default=2000, help="tickets a day per site in the month")
    parser.add_argument("--month-sites", type=_counts, default=[], help="the month at these counts of sites instead (170,1000): "
                        "--month-distinct sites generated and summed, their summaries copied to the others")
    parser.add_argument("--month-distinct", type=int, default=50, help="with --month-sites: the sites generated and summed")
    parser.add_argument("--site-seconds", type=float, default=15.0, help="shipping on/off: each phase's length")
    parser.add_argument("--site-clients", type=int, default=300, help="shipping on/off: connected clients")
    parser.add_argument("--site-rounds", type=int, default=2, help="shipping on/off: alternating runs of each")
    parser.add_argument("--skip", default="", help="parts to leave out: catchup, live, month, site")
    args = parser.parse_args(argv)
    skip = set(args.skip.split(","))
    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "commit": report.commit(), "load_average": report.load_average()}
    cluster = Cluster.create()
    cluster.start()  # max_connections left at 100
    pooler = None
    try:
        if args.pooled:
            pooler = Pooler.create(cluster, pool_size=args.pool_size, max_clients=args.sites + 100)
            pooler.start()
        dsn = cluster.create_database("bench")
        with tempfile.TemporaryDirectory(prefix="bench-province-") as tmp:
            folder = Path(tmp)
            if "catchup" not in skip or "live" not in skip:
                results["catch_up"], files, config = catch_up(dsn, folder, args.sites, args.tickets, args.processes, pooler)
                print(f"catch-up: {results['catch_up']}", flush=True)
                if "live" not in skip:
                    results["live"] = live_lag(dsn, files, config, args.live_seconds, args.rate, args.processes)
                    print(f"live: {results['live']}", flush=True)
        if "site" not in skip:
            with tempfile.TemporaryDirectory(prefix="bench-province-site-") as tmp:
                results["site"] = shipping_cost(cluster.create_database("site"), Path(tmp), args.site_seconds, args.site_clients, args.site_rounds)
            print(f"site: {results['site']['issue_p99_ms']} (on/off {results['site']['ratio_on_to_off']})", flush=True)
        if "month" not in skip and not args.month_sites:
            month_dsn = cluster.create_database("month")
            results["month"] = month_report(month_dsn, args.sites, args.month_tickets, dt.date(2026, 11, 1))
            print(f"month: {results['month']}", flush=True)
        if "month" not in skip and args.month_sites:
            results["months"] = []
            for sites in args.month_sites:
                month_dsn = cluster.create_database(f"month_{sites}")
                results["months"].append(month_report(month_dsn, sites, args.month_tickets, dt.date(2026, 11, 1), args.month_distinct))
                print(f"month: {results['months'][-1]}", flush=True)
    finally:
        if pooler is not None:
            pooler.stop()
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    pooled = f"-catchup-{args.sites}-pooled-{args.tickets}" if args.pooled else ""
    months = "-month-" + "-".join(map(str, args.month_sites)) if args.month_sites and "month" not in skip else ""
    path = report.save({"province": results, "machine": report.machine()}, name=f"province{pooled}{months}")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
