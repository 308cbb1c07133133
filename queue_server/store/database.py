"""Opening the database file the way every connection of ours needs it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

SYNCHRONOUS = ("FULL", "NORMAL", "EXTRA")


def connect(
    path: Path, synchronous: str = "FULL", readonly: bool = False, busy_timeout_ms: int = 5000
) -> sqlite_utils.Database:
    """A sqlite-utils database on ``path`` in WAL mode with the given durability."""
    if synchronous not in SYNCHRONOUS:
        raise ValueError(f"synchronous must be one of {', '.join(SYNCHRONOUS)}, not {synchronous!r}")
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    db = sqlite_utils.Database(conn)
    if not readonly:
        db.enable_wal()
        conn.execute(f"PRAGMA synchronous = {synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
    return db
