"""One process of the province benchmark's sites (``bench/province.py`` starts several): the
shippers of some sites' log files, in threads, as each site's server runs its own.

    python -m bench.province_sites catchup DSN FILE… → JSON: events shipped, seconds, CPU seconds
    python -m bench.province_sites catchup-pooled DSN FILE… → the same through PgBouncer (DSN the
        pooler's), each site as the pooled role with its key (``bench.pooler --one-role``'s)
    python -m bench.province_sites live DSN SECONDS RATE FILE… → JSON: each event's lag

Each process prints ``ready`` once it has imported and set up, and starts when it reads a line
on its standard input: the processes start together, their start-up left out of the figures
(a site's server is running already when its shipper catches up).

In ``live`` each site also writes new events through the store's real writer (tickets issued,
called and completed, ``RATE`` tickets a second per site) while its shipper runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import resource
import sys
import threading
import time
from pathlib import Path

from central.schema import Row
from queue_server.config.settings import CentralSettings
from queue_server.config.site import load_config
from queue_server.core import commands as c
from queue_server.core.codes import TICKET_CODE_LENGTH
from queue_server.core.lobby import Lobby
from queue_server.server.common import new_code
from queue_server.shipping.shipper import Shipper
from queue_server.store.database import connect
from queue_server.store.reader import load_events, ticket_row
from queue_server.store.writer import Batch, Writer


class TimedShipper(Shipper):
    """A shipper that notes how long each event waited before the central side had it."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.lags: list[float] = []
        self._rows: list[Row] = []

    def _read(self, after: int):  # type: ignore[no-untyped-def]
        rows, raw = super()._read(after)
        self._rows = rows
        return rows, raw

    def ship_once(self) -> int:
        self._rows = []
        shipped = super().ship_once()
        now = time.time()
        self.lags += [now - dt.datetime.fromisoformat(r.at).timestamp() for r in self._rows]
        return shipped


def settings(dsn: str, poll: float) -> CentralSettings:
    return CentralSettings(dsn=dsn, batch_events=5000, poll_seconds=poll, retry_max_seconds=2)


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ready() -> None:
    """Tell the bench this process is set up, and wait for its word to start."""
    print("ready", flush=True)
    sys.stdin.readline()


def pooled_settings(dsn: str, site: str) -> CentralSettings:
    """The site as production ships through PgBouncer: the pooled role with the site's key
    (``bench.shipping_sites``'), the catch-up's batches and poll, no spread of the first connection
    (all sites back at once)."""
    from bench.shipping_sites import POOLED, site_settings

    pooled = site_settings(dsn, site, 30.0, "pooled", 0.0)
    assert f"//{POOLED}:" in pooled.dsn
    return dataclasses.replace(pooled, batch_events=5000, poll_seconds=0.05, retry_max_seconds=2)


def catchup(dsn: str, files: list[Path], pooled: bool = False) -> dict:
    totals = {f: connect(f, readonly=True).execute("SELECT max(seq) FROM events").fetchone()[0] for f in files}
    shippers = [Shipper(f, f.stem, pooled_settings(dsn, f.stem) if pooled else settings(dsn, 0.05)) for f in files]
    _ready()
    started, cpu = time.perf_counter(), _cpu_seconds()
    for shipper in shippers:
        shipper.start()
    while any(s.status.shipped_seq < totals[s.db_path] for s in shippers):
        time.sleep(0.01)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    for shipper in shippers:
        shipper.stop()
    return {"events": sum(totals.values()), "seconds": seconds, "cpu_seconds": cpu}


def live(dsn: str, seconds: float, rate: float, files: list[Path], config_path: Path) -> dict:
    shippers = [TimedShipper(f, f.stem, settings(dsn, 0.25)) for f in files]
    _ready()
    for shipper in shippers:
        shipper.start()
    stop = threading.Event()
    threads = [threading.Thread(target=_site_day, args=(f, config_path, rate, stop)) for f in files]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    time.sleep(1.0)  # the last events shipped
    for shipper in shippers:
        shipper.stop()
    return {"lags": [lag for s in shippers for lag in s.lags]}


def _site_day(path: Path, config_path: Path, rate: float, stop: threading.Event) -> None:
    """Tickets issued, called and completed at ``rate`` a second, through the real writer."""
    config = load_config(config_path)
    lobby = Lobby(config.site)
    reader = connect(path, readonly=True)
    lobby.replay(load_events(reader))
    reader.close()
    writer = Writer(path, config.site.site_id, "NORMAL")
    writer.start()
    services = [s.code for s in config.site.services]
    k = 0
    try:
        while not stop.is_set():
            now = dt.datetime.now(dt.UTC)
            commands: list[c.Command] = [c.IssueTicket(now, services[k % len(services)], new_code(TICKET_CODE_LENGTH))]
            counter = 1 + k % 8
            commands += [c.Complete(now, counter), c.CallNext(now, counter)]
            events = []
            for command in commands:
                try:
                    events += lobby.execute(command)
                except Exception:  # noqa: BLE001 - a counter with nobody to complete
                    pass
            if events:
                ids = sorted({i for e in events for i in e.ticket_ids})
                rows = [ticket_row(lobby.state.tickets[i]) for i in ids if i in lobby.state.tickets]
                writer.submit(Batch(events=events, tickets=rows)).result()
            k += 1
            stop.wait(1 / rate)
    finally:
        writer.stop()


def main(argv: list[str]) -> int:
    mode, dsn = argv[0], argv[1]
    if mode in ("catchup", "catchup-pooled"):
        result = catchup(dsn, [Path(p) for p in argv[2:]], pooled=mode == "catchup-pooled")
    else:
        seconds, rate, config = float(argv[2]), float(argv[3]), Path(argv[4])
        result = live(dsn, seconds, rate, [Path(p) for p in argv[5:]], config)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
