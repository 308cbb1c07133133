"""``python -m bench.province_waits``: the province's live waits (issue 22) at 170, 1,000 and
3,400 sites.

The sites of :func:`bench.province_live.make_sites` (today's tickets, a quarter still waiting,
counters opened) straight into the central tables; then motcua-central's computation of every
site's public figures per field and its write to ``province_live``
(:func:`province.waits.fields_now`, :func:`province.waits.publish`) timed with its statements
counted, and one site's read as its view does it every 15 s (a new connection, its offers
written, every site's figures read: :meth:`ProvinceView.exchange`), timed, with the size of
what it reads; ``--old FILE`` times an older ``province/waits.py``'s computation on the same
data (``git show COMMIT:province/waits.py``), and says whether its figures are the same.
Figures in docs/performance.md ("The province's live waits").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from pathlib import Path
from typing import Any

from bench.province_live import Statements, make_sites, old_module
from central import schema as central


def measure(dsn: str, sites: int, tickets: int, runs: int, old: Path | None = None) -> dict[str, Any]:
    from province.waits import fields_now, publish
    from queue_server.config.settings import CentralSettings
    from queue_server.shipping.province_view import ProvinceView

    now = dt.datetime.now(dt.UTC)
    with central.connect(dsn) as conn:
        make_sites(conn, sites, tickets, now)
        computed, published = [], []
        for _ in range(runs):
            with Statements(conn) as statements:
                started = time.perf_counter()
                centres = fields_now(conn, now, dt.timedelta(minutes=3))
                computed.append(round(time.perf_counter() - started, 3))
                started = time.perf_counter()
                publish(conn, centres)
                published.append(round(time.perf_counter() - started, 3))
        if old is not None:  # an older province/waits.py on the same data
            module = old_module(old, "old_waits")
            old_seconds = []
            for _ in range(runs):
                started = time.perf_counter()
                old_centres = module.fields_now(conn, now, dt.timedelta(minutes=3))
                old_seconds.append(round(time.perf_counter() - started, 3))
            same = [c.as_dict() for c in old_centres] == [c.as_dict() for c in centres]
        size = conn.execute("SELECT sum(pg_column_size(place) + pg_column_size(fields)) FROM province_live").fetchone()[0]
        site = centres[0].site
    view = ProvinceView(site, CentralSettings(dsn=dsn), tuple(f.code for f in centres[0].fields))
    reads = []
    for _ in range(runs):
        started = time.perf_counter()
        view.exchange({"next_free_slot": {}})
        reads.append(round(time.perf_counter() - started, 3))
    return {
        "sites": sites, "tickets_per_site": tickets, "compute_seconds": computed, "publish_seconds": published,
        "statements": statements.count(), "fields": sum(len(c.fields) for c in centres),
        "province_live_bytes": int(size), "site_read_seconds": reads, "others_read": len(view.others() or ()),
    } | ({"old_compute_seconds": old_seconds, "old_same_figures": same} if old is not None else {})  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    from bench import report
    from province.cluster import Cluster

    parser = argparse.ArgumentParser(prog="python -m bench.province_waits", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="170,1000,3400", help="site counts, comma-separated")
    parser.add_argument("--tickets", type=int, default=300, help="today's tickets a site")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--old", type=Path, help="an older province/waits.py to time on the same data")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"when": dt.datetime.now().isoformat(timespec="seconds"), "commit": report.commit(),
                               "load_average": report.load_average(), "runs": []}  # fmt: skip
    cluster = Cluster.create()
    cluster.start()
    try:
        for n in (int(x) for x in args.sites.split(",")):
            figures = measure(cluster.create_database(f"waits_{n}"), n, args.tickets, args.runs, args.old)
            print(f"waits, {n} sites: {figures}", flush=True)
            results["runs"].append(figures)
    finally:
        cluster.destroy()
    results["load_average_after"] = report.load_average()
    path = report.save({"province_waits": results, "machine": report.machine(), "pid": os.getpid()}, name="province-waits")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
