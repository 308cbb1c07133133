"""``python -m bench.year``: a restart after a year of logs, with and without snapshots.

A year of a mid-sized centre's days (``--days`` working days of ``--tickets`` tickets, each
issued, called and completed at one of the counters) is written through the store's real
writer, in the batches the hub makes: a day's opening batch carries its snapshot, as the hub
does. Then the server's start-up (``build_hub``: migrations, the newest snapshot, the replay
of what follows, the recent events for catch-ups) is timed on that file, and again with the
snapshots removed (a whole-log replay: what every start cost before snapshots).

    python -m bench.year                       # 250 days × 600 tickets ≈ 1 million events
    python -m bench.year --days 20 --tickets 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from pathlib import Path

from bench import report
from bench.site import BenchSite
from queue_server.bootstrap import build_hub
from queue_server.config.site import load_config
from queue_server.core import commands as c
from queue_server.core.codes import TICKET_CODE_LENGTH
from queue_server.core.lobby import Lobby
from queue_server.server.common import new_code
from queue_server.store import snapshots
from queue_server.store.reader import ticket_row
from queue_server.store.writer import Batch, Writer

COUNTERS = 8


def write_year(config_path: Path, db_path: Path, days: int, tickets: int) -> int:
    """The log of ``days`` busy days; returns the number of events."""
    config = load_config(config_path)
    site = config.site
    lobby = Lobby(site)
    writer = Writer(db_path, site.site_id, "NORMAL")  # the same rows; the fsyncs are not what is measured
    writer.start()
    first = dt.datetime(2025, 12, 1, 7, 30, tzinfo=site.tz)
    services = [s.code for s in site.services]
    issued = 0
    step = dt.timedelta(seconds=9 * 3600 / tickets)
    try:
        for day in range(days):
            now = first + dt.timedelta(days=day)
            batch: list = []
            pending: list = []

            def run(command: c.Command) -> None:
                events = lobby.execute(command)
                batch.extend(events)
                if isinstance(command, c.Tick):  # the day's opening batch, with its snapshot
                    flush(snapshots.on_new_day(lobby.state, events))

            def flush(snapshot=None) -> None:  # type: ignore[no-untyped-def]
                ids = sorted({i for e in batch for i in e.ticket_ids})
                rows = [ticket_row(lobby.state.tickets[i]) for i in ids if i in lobby.state.tickets]
                pending.append(writer.submit(Batch(events=list(batch), tickets=rows, snapshot=snapshot)))
                batch.clear()

            run(c.Tick(now))
            for n in range(1, COUNTERS + 1):
                run(c.SignIn(now, n, f"officer.{n:03d}"))
                run(c.OpenCounter(now, n))
            for k in range(tickets):
                now += step  # the day's tickets spread over nine office hours
                run(c.IssueTicket(now, services[k % len(services)], new_code(TICKET_CODE_LENGTH)))
                counter = 1 + k % COUNTERS
                if k >= COUNTERS:
                    run(c.Complete(now, counter))
                run(c.CallNext(now, counter))
                if len(batch) > 500:
                    flush()
            flush()
            for future in pending:
                future.result()
            issued += tickets
    finally:
        writer.stop()
    return lobby.seq


def start_seconds(config_path: Path, db_path: Path) -> tuple[float, int]:
    config = load_config(config_path)
    started = time.perf_counter()
    hub = build_hub(config, db_path)
    seconds = time.perf_counter() - started
    seq = hub.lobby.seq
    hub.writer.stop()
    hub.reader.close()
    return seconds, seq


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.year", description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=250, help="working days in the log (default 250)")
    parser.add_argument("--tickets", type=int, default=600, help="tickets a day (default 600)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="motcua-year-") as folder:
        config_path = BenchSite(counters=COUNTERS, kiosks=2, boards=1).write(Path(folder) / "site.toml")
        db_path = Path(folder) / "year.db"
        started = time.perf_counter()
        events = write_year(config_path, db_path, args.days, args.tickets)
        written = time.perf_counter() - started
        print(f"wrote {args.days} days, {events:,} events in {written:.0f} s ({db_path.stat().st_size / 1e6:.0f} MB)")
        with_snapshot = [start_seconds(config_path, db_path)[0] for _ in range(3)]
        with sqlite3.connect(db_path) as db:
            db.execute("DELETE FROM snapshots")
        whole_log, seq = start_seconds(config_path, db_path)  # and it takes a snapshot again
        after = start_seconds(config_path, db_path)[0]
    figures = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": report.commit(),
        "load_average": report.load_average(),
        "days": args.days,
        "tickets_a_day": args.tickets,
        "events": seq,
        "start_seconds_with_snapshots": [round(s, 3) for s in with_snapshot],
        "start_seconds_whole_log": round(whole_log, 2),
        "start_seconds_after_the_whole_log_replay": round(after, 3),
    }
    print(
        f"start with snapshots: {min(with_snapshot):.2f}–{max(with_snapshot):.2f} s; whole log "
        f"({seq:,} events): {whole_log:.1f} s; the start after that: {after:.2f} s"
    )
    path = report.save({"year": figures, "machine": report.machine()}, name="year")
    print(f"figures written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
