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
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg

from bench import report
from bench.site import BenchSite
from bench.year import COUNTERS, write_year
from central import schema as central
from province.cluster import Cluster, Pooler
from queue_server.config.settings import CentralSettings
from queue_server.shipping.shipper import Shipper

SITE_PASSWORD = "bench-site-secret"  # every site role's (a throwaway cluster of this machine)
GROUP = "bench_sites"


def site_logs(folder: Path, sites: int, tickets: int) -> list[Path]:
    """``sites`` logs of one short day (``tickets`` tickets issued, called and completed),
    each named after its site (``site-0001.db``)."""
    config = BenchSite(counters=COUNTERS, kiosks=2, boards=1).write(folder / "site.toml")
    day = folder / "day.db"
    write_year(config, day, days=1, tickets=tickets)
    files = []
    for n in range(sites):
        copy = folder / f"site-{n:04d}.db"
        shutil.copyfile(day, copy)
        files.append(copy)
    return files


def role_of(site: str) -> str:
    return "bench_" + site.replace("-", "_")


def make_site_roles(owner_dsn: str, sites: list[str]) -> None:
    """A role a site, kept to its own rows (docs/province.md, "Deployment"), with a password
    (PgBouncer's SCRAM looks it up in the cluster)."""
    with central.connect(owner_dsn) as conn:
        central.migrate(conn)
        database = conn.info.dbname
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [GROUP]).fetchone() is None:
            conn.execute(f"CREATE ROLE {GROUP} NOLOGIN")
        conn.execute(f"GRANT CONNECT ON DATABASE {database} TO {GROUP}")
        conn.execute(f"GRANT USAGE ON SCHEMA public TO {GROUP}")
        conn.execute(f"GRANT SELECT ON schema_version TO {GROUP}")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE ON events, tickets, sites, site_configs, site_dossiers, site_days TO {GROUP}")
        conn.execute(f"GRANT SELECT, DELETE ON report_days TO {GROUP}")
        conn.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON site_field_days TO {GROUP}")
        with conn.transaction():
            for site in sites:
                role = role_of(site)
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
                    conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{SITE_PASSWORD}' IN ROLE {GROUP}")
            conn.execute(
                "INSERT INTO site_roles (role, site) SELECT unnest(%s::name[]), unnest(%s::text[]) ON CONFLICT DO NOTHING",
                [[role_of(s) for s in sites], sites],
            )


def drop_site_roles(owner_dsn: str, sites: list[str]) -> None:
    """The roles gone again (they are the cluster's, not the database's)."""
    with central.connect(owner_dsn) as conn:
        for role in [*map(role_of, sites), GROUP]:
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is not None:
                conn.execute(f"DROP OWNED BY {role}")
                conn.execute(f"DROP ROLE {role}")


def site_dsn(dsn_of_owner: str, site: str) -> str:
    """The owner's DSN with the site's role and password instead."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(dsn_of_owner)
    return urlunsplit(parts._replace(netloc=f"{role_of(site)}:{SITE_PASSWORD}@{parts.hostname}:{parts.port}"))


def settings(dsn: str, heartbeat: float) -> CentralSettings:
    return CentralSettings(dsn=dsn, batch_events=2000, poll_seconds=1.0, retry_max_seconds=5.0, heartbeat_seconds=heartbeat)


class CountingShipper(Shipper):
    """A shipper that counts the batches it has shipped."""

    batches = 0

    def ship_once(self) -> int:
        shipped = super().ship_once()
        self.batches += shipped > 0
        return shipped


def start_shippers(dsn: str, files: list[Path], heartbeat: float, own_roles: bool = True) -> list[CountingShipper]:
    """A shipper a site log, each with its site's role (or all with ``dsn``'s), started."""
    shippers = [CountingShipper(f, f.stem, settings(site_dsn(dsn, f.stem) if own_roles else dsn, heartbeat)) for f in files]
    for shipper in shippers:
        shipper.start()
    return shippers


def stop_shippers(shippers: list[CountingShipper]) -> None:
    for shipper in shippers:
        shipper._stop.set()  # all told at once, then each waited for
    for shipper in shippers:
        shipper.stop()


# --- a process of shippers -------------------------------------------------------------------


def worker(dsn: str, heartbeat: float, own_roles: bool, files: list[Path]) -> int:
    """Prints ``ready``; starts on a line of its standard input, stops on the next; prints
    each shipper's failures and last error as JSON."""
    print("ready", flush=True)
    sys.stdin.readline()
    shippers = start_shippers(dsn, files, heartbeat, own_roles)
    sys.stdin.readline()
    stop_shippers(shippers)
    print(json.dumps([{"site": s.site, "batches": s.batches, "failures": s.status.failures, "error": s.status.last_error} for s in shippers]))
    return 0


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


class Sampler:
    """Every half second: the central copy's progress, the pooler's and PostgreSQL's
    connections, PostgreSQL's memory; the peaks kept."""

    def __init__(self, cluster: Cluster, owner_dsn: str, admin_dsn: str | None, database: str, totals: int) -> None:
        self.cluster = cluster
        self.owner_dsn, self.admin_dsn, self.database, self.totals = owner_dsn, admin_dsn, database, totals
        self.peak = {"server_connections": 0, "server_connections_of_db": 0, "pooler_clients": 0, "pooler_server": 0, "pss_kib": 0}
        self.done_at: float | None = None
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
            heartbeat: float, seconds: float, own_roles: bool = True) -> dict:
    files = site_logs(folder, sites, tickets)
    names = [f.stem for f in files]
    owner = cluster.create_database("pooled")
    make_site_roles(owner, names)
    dsn = pooler.dsn("pooled") if pooler else owner
    groups = [files[i::processes] for i in range(processes) if files[i::processes]]
    workers = [
        subprocess.Popen([sys.executable, "-m", "bench.pooler", "worker", dsn, str(heartbeat), "roles" if own_roles else "one", *map(str, group)],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for group in groups
    ]
    for w in workers:
        assert w.stdout is not None and w.stdout.readline() == b"ready\n"
    sampler = Sampler(cluster, owner, pooler.admin_dsn() if pooler else None, "pooled", sites)
    with psycopg.connect(owner, autocommit=True) as conn:  # how far each log goes, as the sites will say
        conn.execute("INSERT INTO sites (site) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING", [names])
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
    # then nothing to ship: each site's heartbeat alone moves its last contact
    quiet_from = dt.datetime.now(dt.UTC)
    time.sleep(heartbeat * 1.5 + 2)
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
        "roles": "one a site" if own_roles else "one for all",
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
        "shippers_with_failures": sum(1 for s in statuses if s["failures"]),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "worker":
        return worker(argv[1], float(argv[2]), argv[3] == "roles", [Path(p) for p in argv[4:]])
    parser = argparse.ArgumentParser(prog="python -m bench.pooler", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=170)
    parser.add_argument("--tickets", type=int, default=30, help="tickets in each site's log")
    parser.add_argument("--processes", type=int, default=4, help="processes the shippers run in")
    parser.add_argument("--pool-size", type=int, default=20, help="the pooler's server connections")
    parser.add_argument("--heartbeat", type=float, default=30.0, help="the shippers' heartbeat_seconds")
    parser.add_argument("--one-role", action="store_true", help="every site as the cluster's owner (one pool), not its own role")
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
            pooler = Pooler.create(cluster, pool_size=args.pool_size, max_clients=args.sites + 100)
            pooler.start()
        with tempfile.TemporaryDirectory(prefix="bench-pooler-") as tmp:
            results["pooler"] = measure(cluster, pooler, Path(tmp), args.sites, args.tickets, args.processes, args.heartbeat, args.seconds,
                                         not args.one_role)
        print(json.dumps(results["pooler"], indent=1), flush=True)
    finally:
        if pooler is not None:
            pooler.stop()
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    path = report.save({"pooler": results, "machine": report.machine()}, name=f"pooler-{args.sites}{'-direct' if args.direct else ''}{'-one-role' if args.one_role else ''}")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
