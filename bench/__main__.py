"""``python -m bench`` (``make bench``): run the benchmarks against a real server process and
report the figures against the targets. See docs/performance.md.

    python -m bench                          everything, figures into bench/results and the doc
    python -m bench --only clients,day       some of: clients, throughput, store, day, soak, apps
    python -m bench --only apps              the kiosk, console, board and phone page themselves
    python -m bench --soak-minutes 60        the long soak run
    python -m bench --faults                 also the slow fault tests (pytest -m slow tests/faults)
    python -m bench --profile var/profiles   each server run under cProfile
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import report
from bench.day import full_day
from bench.scenarios import connected_clients, durable_throughput
from bench.server import ServerProcess
from bench.site import BenchSite
from bench.soak import soak
from bench.store import store_throughput

# The throughput part's centre: at 2,000 changes a second, 20 counters would each send more
# than a device may (50 requests a second, docs/protocol.md "Limits"); 40 counters and 32
# kiosks each stay well under it, and every event goes out to 82 devices.
BIG_CENTRE = BenchSite(counters=40, kiosks=64)

PARTS = ("clients", "throughput", "store", "day", "soak", "apps")

TARGETS = (  # (figure, where, target, is it met)
    ("call → board p99 (ms), 1,000 clients", ("clients", "call_to_board_ms", "p99"), "< 25", lambda v: v < 25),
    ("ticket issue p99 (ms) at 200/s", ("clients", "issue_latency_ms", "p99"), "< 10", lambda v: v < 10),
    ("durable changes/s, whole server", ("throughput", "durable_changes_per_second"), "≥ 2,000", lambda v: v >= 2000),
    ("durable changes/s, store alone", ("store", "durable_changes_per_second"), "≥ 2,000", lambda v: v >= 2000),
    ("peak RSS (MB), 1,000 clients", ("clients", "server_peak_rss_mb"), "< 200", lambda v: v < 200),
    ("full day: 3,000 tickets (s)", ("day", "seconds"), "< 60", lambda v: v < 60),
    ("full day: report matches", ("day", "report_matches"), "yes", lambda v: v is True),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", default="clients,throughput,store,day,apps", help=f"comma-separated parts of {', '.join(PARTS)}"
    )
    parser.add_argument("--clients", type=int, default=1000, help="connected clients (default 1000)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each measured phase (default 20)")
    parser.add_argument("--issue-rate", type=float, default=200.0, help="ticket issues a second (default 200)")
    parser.add_argument("--day-tickets", type=int, default=3000, help="tickets in the full day (default 3000)")
    parser.add_argument("--app-tickets", type=int, default=30, help="apps: kiosk touches (default 30)")
    parser.add_argument("--app-calls", type=int, default=30, help="apps: console calls (default 30)")
    parser.add_argument(
        "--app-background", type=int, default=0, help="apps: clients connected meanwhile, phones and boards (default 0)"
    )
    parser.add_argument("--no-app-phone", action="store_true", help="apps: no phone page following the calls")
    parser.add_argument(
        "--app-artefacts", type=Path, default=Path("var/bench/apps"), help="apps: screenshots (default var/bench/apps)"
    )
    parser.add_argument("--soak-minutes", type=float, help="run the soak for this long (adds 'soak')")
    parser.add_argument("--faults", action="store_true", help="also run the slow fault tests")
    parser.add_argument("--profile", type=Path, help="write a cProfile of each server run into this folder")
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/performance.md")
    parser.add_argument(
        "--server-from", type=Path, help="run the server of another checkout (e.g. `git archive` of an older commit)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # a client's reconnect warnings are noise here
    parts = [p for p in args.only.split(",") if p]
    if args.soak_minutes and "soak" not in parts:
        parts.append("soak")
    unknown = set(parts) - set(PARTS)
    if unknown:
        print(f"unknown part(s): {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "commit": report.commit(),
        "machine": report.machine(),
        "load_average_before": report.load_average(),
    }
    site = BenchSite()
    with tempfile.TemporaryDirectory(prefix="motcua-bench-", dir=Path.cwd() / "var" if (Path.cwd() / "var").is_dir() else None) as tmp:
        folder = Path(tmp)
        config = site.write(folder / "site.toml")
        for part in parts:
            print(f"— {part} …", flush=True)
            before = report.load_average()
            results[part] = _run(part, args, site, config, folder)
            # each part says when and on what it was measured: a later run of other parts
            # rewrites the file's top-level keys but keeps this part
            results[part]["measured"] = {
                "at": dt.datetime.now().isoformat(timespec="seconds"),
                "commit": results["commit"],
                "load_average": [before, report.load_average()],
            }
            print(json.dumps(results[part], ensure_ascii=False), flush=True)
    results["load_average"] = report.load_average()
    if args.server_from:
        results["server_from"] = str(args.server_from)
    results["targets"] = _targets(results)
    _print_targets(results["targets"])
    print(f"results: {report.save(results, 'server-from' if args.server_from else '')}")
    if not args.no_doc and not args.server_from and {"clients", "throughput", "day"} <= set(parts):
        print("docs/performance.md updated" if report.update_doc(results) else "docs/performance.md: no table markers")
    if args.faults:
        return subprocess.call([sys.executable, "-m", "pytest", "-m", "slow", "-q", "tests/faults"])
    return 0


def _run(part: str, args: argparse.Namespace, site: BenchSite, config: Path, folder: Path) -> dict[str, Any]:
    if part == "store":
        return asyncio.run(store_throughput(seconds=min(args.seconds, 10.0), folder=folder))
    profile = args.profile.resolve() / f"server-{part}.prof" if args.profile else None
    if profile:
        profile.parent.mkdir(parents=True, exist_ok=True)
    if part == "apps":
        return _apps(args, site, folder, profile)
    if part == "throughput":  # a big centre's counters: each connection stays within its rate limit
        site = BIG_CENTRE
        config = site.write(folder / "big-centre.toml")
    with ServerProcess(config, folder / f"{part}.db", profile=profile, source=args.server_from) as server:
        if part == "clients":
            return asyncio.run(
                connected_clients(server, site, clients=args.clients, seconds=args.seconds, issue_rate=args.issue_rate)
            )
        if part == "throughput":
            return asyncio.run(durable_throughput(server, site, seconds=min(args.seconds, 10.0)))
        if part == "day":
            figures = asyncio.run(full_day(server, site, tickets=args.day_tickets))
        else:
            return asyncio.run(soak(server, site, minutes=args.soak_minutes or 0.5))
    figures["restart"] = _restart(config, folder / f"{part}.db", args.server_from)
    return figures


def _apps(args: argparse.Namespace, site: BenchSite, folder: Path, profile: Path | None) -> dict[str, Any]:
    from bench.apps.scenario import AppFailed, AppOptions, run_apps  # the apps' processes, Selenium: only when asked

    options = AppOptions(
        tickets=args.app_tickets,
        calls=args.app_calls,
        background=args.app_background,
        phone=not args.no_app_phone,
        artefacts=args.app_artefacts.resolve(),
    )
    try:
        return run_apps(options, site, folder, profile=profile, source=args.server_from)
    except AppFailed as exc:  # the other parts' figures are still saved
        print(f"apps: {exc}", file=sys.stderr)
        return {"error": str(exc).splitlines()[0]}


def _restart(config: Path, db: Path, source: Path | None) -> dict[str, Any]:
    """How long the server takes to come back on the day's log (start-up and replay)."""
    started = time.perf_counter()
    with ServerProcess(config, db, source=source) as server:
        seconds = time.perf_counter() - started
        events = server.health()[1]["seq"]
    return {"events": events, "seconds_to_healthy": round(seconds, 2)}


def _targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, path, target, met in TARGETS:
        value: Any = results
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        rows.append({"figure": name, "value": value, "target": target, "met": None if value is None else met(value)})
    return rows


def _print_targets(rows: list[dict[str, Any]]) -> None:
    print(f"\n{'figure':<40}{'measured':>12}  {'target':<8} met")
    for row in rows:
        met = "–" if row["met"] is None else ("yes" if row["met"] else "NO")
        print(f"{row['figure']:<40}{str(row['value']):>12}  {row['target']:<8} {met}")


if __name__ == "__main__":
    sys.exit(main())
