"""``python -m bench.pooler``: many shipping sites through PgBouncer to one PostgreSQL left at
``max_connections = 100`` (docs/performance.md, "Many sites through the pooler").

Each site has a real SQLite log (a short day written by the store's real writer, copied once
a site) and its own shipper (``queue_server/shipping``), as its server runs it, with its own
database role (row-level security: each role writes only its site's rows). The shippers run
in threads of ``--processes`` processes; all start together, through the pooler (or straight
to PostgreSQL with ``--direct``). Measured: the seconds until every site's log is central,
the batches a second meanwhile, the connections the pooler had from clients and to the
server, PostgreSQL's connections and memory (the proportional set size of its processes),
and, after ``--heartbeat`` seconds more with nothing to ship, how many sites' last contact is
that recent.

    python -m bench.pooler --sites 170
    python -m bench.pooler --sites 3400 --processes 4
    python -m bench.pooler --sites 170 --direct --seconds 45      # who never ships without it
    python -m bench.pooler --sites 3400 --one-role                # every site as one role: one pool
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench import report
from bench.shipping_sites import POOLED, make_pooled_role, make_site_roles, site_logs, start_shippers, stop_shippers
from province.cluster import Cluster, Pooler
from queue_server.config.settings import CentralSettings

# --- a process of shippers -------------------------------------------------------------------


def worker(dsn: str, heartbeat: float, roles: str, spread: float, readers: bool, files: list[Path]) -> int:
    """Prints ``ready``; starts on a line of its standard input, stops on the next; prints
    each shipper's failures and last error as JSON. With ``readers``, each site also runs its
    server's request reader and province view (the site's idle work besides the shipper)."""
    print("ready", flush=True)
    sys.stdin.readline()
    shippers = start_shippers(dsn, files, heartbeat, roles=roles, spread=spread)
    others = SiteReaders([f.stem for f in files], [s.settings for s in shippers]) if readers else None
    sys.stdin.readline()
    if others is not None:
        others.stop()
    stop_shippers(shippers)
    print(json.dumps([{"site": s.site, "batches": s.batches, "failures": s.status.failures, "error": s.status.last_error} for s in shippers]))
    return 0


class SiteReaders:
    """Each site's request reader (a thread) and province view (a task of one event loop, as
    in the site's server), started."""

    def __init__(self, sites: list[str], site_settings: list[CentralSettings]) -> None:
        import asyncio

        from queue_server.shipping.province_view import ProvinceView, keep_current
        from queue_server.shipping.remote_requests import RequestReader

        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

        async def decide(request_id: str, kind: str, payload: dict) -> dict:  # no request is sent in the benchmark
            return {"ok": False}

        self.readers = [RequestReader(site, s, decide, self.loop) for site, s in zip(sites, site_settings, strict=True)]
        for reader in self.readers:
            reader.start()
        views = [ProvinceView(site, s, ("HT",)) for site, s in zip(sites, site_settings, strict=True)]
        self.tasks = [asyncio.run_coroutine_threadsafe(keep_current(v, dict), self.loop) for v in views]

    def stop(self) -> None:
        for reader in self.readers:
            reader._stop.set()
        for task in self.tasks:
            task.cancel()
        for reader in self.readers:
            reader.stop()
        for task in self.tasks:
            try:
                task.result(10)
            except BaseException:  # noqa: BLE001 - cancelled, as asked
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


# --- the measurement -------------------------------------------------------------------------


def _pss_kib(cluster: Cluster) -> int:
    """The cluster's memory: the proportional set size of its postmaster and its children, in
    KiB (shared buffers counted once across them; other clusters of the machine left out)."""
    postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
    children = subprocess.run(["ps", "--ppid", postmaster, "-o", "pid="], capture_output=True, text=True).stdout.split()
    total = 0
    for pid in [postmaster, *children]:
        try:
            for row in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if row.startswith("Pss:"):
                    total += int(row.split()[1])
        except OSError:
            pass
    return total


def _cluster_pids(cluster: Cluster) -> list[str]:
    postmaster = (cluster.data / "postmaster.pid").read_text().split()[0]
    return [postmaster, *subprocess.run(["ps", "--ppid", postmaster, "-o", "pid="], capture_output=True, text=True).stdout.split()]


def cpu_seconds(pids: list[str]) -> float:
    """The CPU time (user and system) these processes have used so far, in seconds."""
    import os

    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (the 14th and 15th of the whole line)
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def pooler_transactions(pooler: Pooler, database: str) -> int:
    """PgBouncer's count of transactions through it to ``database`` so far (``SHOW STATS``)."""
    with psycopg.connect(pooler.admin_dsn(), autocommit=True, prepare_threshold=None) as admin:
        cursor = admin.execute("SHOW STATS")
        columns = [d.name for d in cursor.description or []]
        return sum(int(dict(zip(columns, row, strict=True))["total_xact_count"]) for row in cursor.fetchall() if row[0] == database)


class Sampler:
    """Every half second: the central copy's progress, the pooler's and PostgreSQL's
    connections, PostgreSQL's memory; the peaks kept."""

    def __init__(self, cluster: Cluster, owner_dsn: str, admin_dsn: str | None, database: str, totals: int) -> None:
        self.cluster = cluster
        self.owner_dsn, self.admin_dsn, self.database, self.totals = owner_dsn, admin_dsn, database, totals
        self.peak = {"server_connections": 0, "server_connections_of_db": 0, "pooler_clients": 0, "pooler_server": 0, "pss_kib": 0}
        self.done_at: float | None = None
        self.live_at = 0.0
        self.started = time.perf_counter()
        self.shipped_sites = 0
        self.batches = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        with psycopg.connect(self.owner_dsn, autocommit=True) as conn:
            admin = psycopg.connect(self.admin_dsn, autocommit=True, prepare_threshold=None) if self.admin_dsn else None
            try:
                while not self._stop.is_set():
                    self._sample(conn, admin)
                    self._stop.wait(0.5)
            finally:
                if admin is not None:
                    admin.close()

    def _sample(self, conn: psycopg.Connection, admin: psycopg.Connection | None) -> None:  # type: ignore[type-arg]
        (everything, of_db) = conn.execute(  # type: ignore[misc]
            "SELECT count(*) FILTER (WHERE backend_type = 'client backend'),"
            " count(*) FILTER (WHERE datname = %s) FROM pg_stat_activity",
            [self.database],
        ).fetchone()
        (shipped,) = conn.execute("SELECT count(*) FROM sites WHERE last_seq >= site_seq AND last_seq > 0").fetchone()  # type: ignore[misc]
        if time.perf_counter() - self.live_at >= 15:  # the province's live figures, fresh as motcua-central keeps them
            conn.execute("UPDATE province_live SET computed_at = now()")
            self.live_at = time.perf_counter()
        self.shipped_sites = shipped
        self._peak("server_connections", everything)
        self._peak("server_connections_of_db", of_db)
        self._peak("pss_kib", _pss_kib(self.cluster))
        if admin is not None:
            cursor = admin.execute("SHOW POOLS")  # once: the admin console takes no extended protocol
            columns = [d.name for d in cursor.description or []]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall() if row[0] == self.database]
            self._peak("pooler_clients", sum(r["cl_active"] + r["cl_waiting"] for r in rows))
            self._peak("pooler_server", sum(r["sv_active"] + r["sv_idle"] + r["sv_used"] + r["sv_tested"] + r["sv_login"] for r in rows))
        if shipped >= self.totals and self.done_at is None:
            self.done_at = time.perf_counter() - self.started

    def _peak(self, name: str, value: int) -> None:
        self.peak[name] = max(self.peak[name], value)


def measure(cluster: Cluster, pooler: Pooler | None, folder: Path, sites: int, tickets: int, processes: int,
            heartbeat: float, seconds: float, own_roles: bool = True, roles: str = "", spread: float = 0.0,
            readers: bool = False, idle: float = 60.0) -> dict:
    roles = roles or ("roles" if own_roles else "one")
    files = site_logs(folder, sites, tickets)
    names = [f.stem for f in files]
    owner = cluster.create_database("pooled")
    if roles == "pooled":
        make_pooled_role(owner, names)
        if pooler is not None:
            pooler.know(POOLED)  # in its auth_file: 3,400 logins need no auth_query (a server connection each)
    else:
        make_site_roles(owner, names)
    dsn = pooler.dsn("pooled") if pooler else owner
    groups = [files[i::processes] for i in range(processes) if files[i::processes]]
    workers = [
        subprocess.Popen([sys.executable, "-m", "bench.pooler", "worker", dsn, str(heartbeat), roles, str(spread), "readers" if readers else "-",
                          *map(str, group)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for group in groups
    ]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline() == b"ready\n"
    sampler = Sampler(cluster, owner, pooler.admin_dsn() if pooler else None, "pooled", sites)
    with psycopg.connect(owner, autocommit=True) as conn:  # how far each log goes, as the sites will say
        conn.execute("INSERT INTO sites (site) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [names])
        conn.execute(  # each site's live figures, as motcua-central writes them: the province views read them
            "INSERT INTO province_live (site, computed_at, offline, place, fields) SELECT s, now(), false, '{}',"
            " '[{\"code\": \"HT\", \"waiting\": 0}]' FROM unnest(%s::text[]) s ON CONFLICT DO NOTHING",
            [names],
        )
    for w in workers:
        assert w.stdin is not None
        w.stdin.write(b"go\n")
        w.stdin.flush()
    started = time.perf_counter()
    sampler.started = started
    sampler.start()
    deadline = started + seconds
    while sampler.done_at is None and time.perf_counter() < deadline:
        time.sleep(0.2)
    all_shipped = sampler.done_at
    with psycopg.connect(owner) as conn:
        (shipped, events) = conn.execute(  # type: ignore[misc]
            "SELECT count(*) FILTER (WHERE last_seq > 0 AND last_seq >= site_seq), coalesce(sum(events_total), 0)::bigint FROM sites"
        ).fetchone()
    # then nothing to ship: each site's heartbeat alone moves its last contact; the idle work's
    # transactions a second and CPU measured over a window after the readers have slowed down
    quiet_from = dt.datetime.now(dt.UTC)
    settle = 35.0 if readers else 0.0
    time.sleep(settle)
    sites_pids = [str(w.pid) for w in workers]
    before = _idle_sample(cluster, pooler, sites_pids)
    window = max(heartbeat * 1.5 + 2 - settle, idle)
    time.sleep(window)
    after = _idle_sample(cluster, pooler, sites_pids)
    with psycopg.connect(owner) as conn:
        (heard,) = conn.execute("SELECT count(*) FROM sites WHERE last_contact > %s", [quiet_from]).fetchone()  # type: ignore[misc]
    sampler.stop()
    for w in workers:
        assert w.stdin is not None
        w.stdin.write(b"stop\n")
        w.stdin.flush()
    statuses = [s for w in workers for s in json.loads(w.communicate()[0])]
    errors: dict[str, int] = {}
    for s in statuses:
        if s["error"]:
            key = s["error"].rsplit("FATAL:", 1)[-1].strip()[:100]  # the server's word, without the address
            errors[key] = errors.get(key, 0) + 1
    batches = sum(s["batches"] for s in statuses)
    return {
        "sites": sites,
        "through": "pgbouncer" if pooler else "direct",
        "roles": {"roles": "one a site", "pooled": "one pooled role, a key a site", "one": "the owner for all"}[roles],
        "pool_size": pooler.pool_size if pooler else None,
        "max_connections": 100,
        "processes": len(workers),
        "events_per_site": events // max(1, shipped) if shipped else None,
        "sites_shipped": shipped,
        "seconds_until_all_shipped": round(all_shipped, 2) if all_shipped is not None else None,
        "waited_seconds": seconds,
        "events": events,
        "batches": batches,
        "batches_per_second": round(batches / all_shipped, 1) if all_shipped else None,
        "sites_heard_within_heartbeat": heard,
        "heartbeat_seconds": heartbeat,
        "peak": sampler.peak,
        "pss_mib_peak": round(sampler.peak["pss_kib"] / 1024, 1),
        "spread_seconds": spread,
        "readers": readers,
        "idle_window_seconds": round(window, 1),
        "idle": {k: round((after[k] - before[k]) / window, 3) for k in before},  # transactions a second; CPU seconds a second
        "load_average_at_idle": report.load_average(),
        "shippers_with_failures": sum(1 for s in statuses if s["failures"]),
        "errors": errors,
    }


def _idle_sample(cluster: Cluster, pooler: Pooler | None, sites_pids: list[str]) -> dict[str, float]:
    sample = {"sites_cpu": cpu_seconds(sites_pids), "postgres_cpu": cpu_seconds(_cluster_pids(cluster))}
    if pooler is not None:
        sample["pooler_transactions"] = pooler_transactions(pooler, "pooled")
        sample["pooler_cpu"] = cpu_seconds([str(pooler.pid())])
    return sample


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "worker":
        return worker(argv[1], float(argv[2]), argv[3], float(argv[4]), argv[5] == "readers", [Path(p) for p in argv[6:]])
    parser = argparse.ArgumentParser(prog="python -m bench.pooler", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=170)
    parser.add_argument("--tickets", type=int, default=30, help="tickets in each site's log")
    parser.add_argument("--processes", type=int, default=4, help="processes the shippers run in")
    parser.add_argument("--pool-size", type=int, default=20, help="the pooler's server connections")
    parser.add_argument("--heartbeat", type=float, default=30.0, help="the shippers' heartbeat_seconds")
    parser.add_argument("--one-role", action="store_true", help="every site as the pooled role with its key (one pool), not its own role")
    parser.add_argument("--owner", action="store_true", help="every site as the cluster's owner (one pool, no row-level security)")
    parser.add_argument("--spread", type=float, default=None, help="first connections spread over this many seconds (default: sites/100)")
    parser.add_argument("--readers", action="store_true", help="each site's request reader and province view running too")
    parser.add_argument("--idle", type=float, default=60.0, help="seconds of the idle window measured")
    parser.add_argument("--seconds", type=float, default=600.0, help="wait at most this long for every site")
    parser.add_argument("--direct", action="store_true", help="no pooler: each shipper straight to PostgreSQL")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the cluster and the pooler stopped all the same
    results: dict = {"when": dt.datetime.now().isoformat(timespec="seconds"), "commit": report.commit(), "load_average": report.load_average()}
    cluster = Cluster.create()
    cluster.start()  # max_connections left at 100
    pooler = None
    try:
        if not args.direct:
            pooler = Pooler.create(cluster, pool_size=args.pool_size, max_clients=args.sites * (3 if args.readers else 1) + 100)  # a site: its shipper, reader and view
            pooler.start()
        with tempfile.TemporaryDirectory(prefix="bench-pooler-") as tmp:
            roles = "pooled" if args.one_role else "one" if args.owner else "roles"
            spread = args.spread if args.spread is not None else args.sites / 100
            results["pooler"] = measure(cluster, pooler, Path(tmp), args.sites, args.tickets, args.processes, args.heartbeat, args.seconds,
                                         roles=roles, spread=spread, readers=args.readers, idle=args.idle)
        print(json.dumps(results["pooler"], indent=1), flush=True)
    finally:
        if pooler is not None:
            pooler.stop()
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    path = report.save({"pooler": results, "machine": report.machine()}, name=f"pooler-{args.sites}{'-direct' if args.direct else ''}{'-one-role' if args.one_role else ''}{'-owner' if args.owner else ''}{'-readers' if args.readers else ''}")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
