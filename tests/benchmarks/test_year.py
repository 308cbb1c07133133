"""The restart benchmark's log writer and start-up, on a few days (``python -m bench.year``
runs the year)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.site import BenchSite
from bench.year import COUNTERS, start_seconds, write_year


def test_a_few_days_written_as_the_hub_writes_them_restart_from_the_last_morning(tmp_path: Path) -> None:
    config = BenchSite(counters=COUNTERS, kiosks=2, boards=1).write(tmp_path / "site.toml")
    db = tmp_path / "year.db"
    events = write_year(config, db, days=4, tickets=40)
    with sqlite3.connect(db) as conn:
        mornings = [s for (s,) in conn.execute("SELECT seq FROM events WHERE type = 'day.opened' ORDER BY seq")]
        kept = [s for (s,) in conn.execute("SELECT seq FROM snapshots ORDER BY seq")]
        done = conn.execute("SELECT count(*) FROM tickets WHERE state = 'done'").fetchone()[0]
    assert len(mornings) == 4 and kept == mornings[-3:]
    assert done == 4 * (40 - COUNTERS)
    seconds, seq = start_seconds(config, db)
    assert seq == events and seconds > 0
