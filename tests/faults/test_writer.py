"""The writer thread outlives its waiters: a health probe that gives up (its future is
cancelled by a timeout) while the commit waits for the disk must not kill the thread that
every later write needs. Found while running the fault tests; real SQLite, real threads."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from queue_server.store.writer import Batch, Writer


def test_a_cancelled_waiter_does_not_kill_the_writer(tmp_path: Path) -> None:
    db = tmp_path / "lobby.db"
    writer = Writer(db, "test-site", busy_timeout_ms=3000)
    writer.start()
    try:
        blocker = sqlite3.connect(db, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # the writer's next commit waits for this lock
        probe = writer.submit(Batch(probe=True))
        time.sleep(0.2)
        assert probe.cancel(), "the probe's waiter gives up while the commit waits"
        blocker.execute("ROLLBACK")
        blocker.close()
        after = writer.submit(Batch(probe=True))
        assert after.result(timeout=10) == 0, "the writer goes on committing"
        assert writer._thread is not None and writer._thread.is_alive()
        assert writer.commits == 2
    finally:
        writer.stop()
