"""``motcua-server import-dossiers``: a CSV file into the ``dossiers`` table, safe while the
server runs (one transaction; SQLite's WAL lets one writer at a time, the busy timeout waits
for the server's writer to finish its commit). The file is the operator's word: its rows
replace what is stored whatever their versions."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from pathlib import Path

from queue_server.core.dossiers.csv_rows import read_dossiers
from queue_server.dossiers.lookup import dossier_row
from queue_server.store.schema import MIGRATIONS

log = logging.getLogger(__name__)

SOURCE = "csv"
VERSIONED = 4  # the schema version that gave dossiers their version column


class ImportRefused(Exception):
    """The database cannot take the import (missing, too old, locked); nothing was written."""


def import_csv(db_path: Path, csv_path: Path, now: dt.datetime, busy_timeout_ms: int = 10_000) -> int:
    """Import every row of ``csv_path`` or none; returns how many dossiers were written.

    Raises :class:`~.csv_rows.CsvProblems` for a bad file, :class:`ImportRefused` for a bad
    database, ``OSError`` when the CSV cannot be read."""
    if not db_path.is_file():
        raise ImportRefused(f"{db_path}: no such database file (start the server once to make it)")
    text = csv_path.read_bytes().decode("utf-8-sig", errors="strict")
    dossiers = read_dossiers(text)
    conn = sqlite3.connect(db_path, isolation_level=None, timeout=busy_timeout_ms / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version < VERSIONED or version > len(MIGRATIONS):
            raise ImportRefused(
                f"{db_path}: schema version {version}; this import needs version {VERSIONED} to {len(MIGRATIONS)}"
                " (start the server once to update it)"
            )
        rows = [dossier_row(d, SOURCE, now) for d in dossiers]
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO dossiers (code, data, source, updated_at, version) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (code) DO UPDATE SET data = excluded.data, source = excluded.source,"
                " updated_at = excluded.updated_at, version = excluded.version",  # the applicant's ID hash stays
                [(r["code"], r["data"], r["source"], r["updated_at"], r["version"]) for r in rows],
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise ImportRefused(f"{db_path}: nothing imported: {exc}") from None
    finally:
        conn.close()
    log.info("imported %d dossier(s) from %s", len(rows), csv_path)
    return len(rows)
