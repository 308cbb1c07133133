"""The database file: migrations, WAL, durability settings, the site it belongs to."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from queue_server.store.database import connect
from queue_server.store.schema import MIGRATIONS, migrate
from queue_server.store.writer import Writer


def test_migrations_run_once_each_and_bring_every_table(tmp_path: Path) -> None:
    db = connect(tmp_path / "lobby.db")
    assert migrate(db) == len(MIGRATIONS)
    assert migrate(db) == len(MIGRATIONS)
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert {"events", "tickets", "appointments", "ratings", "contacts", "dossiers", "meta"} <= set(db.table_names())


def test_an_old_database_is_brought_up_to_date(tmp_path: Path) -> None:
    path = tmp_path / "lobby.db"
    db = connect(path)
    with db.atomic():
        MIGRATIONS[0](db)
        db.execute("PRAGMA user_version = 1")
    db.close()
    writer = Writer(path, "site-a")
    writer.start()
    writer.stop()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_writer_commits_with_synchronous_full(tmp_path: Path) -> None:
    db = connect(tmp_path / "lobby.db", "FULL")
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    with pytest.raises(ValueError, match="synchronous"):
        connect(tmp_path / "other.db", "OFF")


def test_a_database_of_another_site_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lobby.db"
    first = Writer(path, "site-a")
    first.start()
    first.stop()
    with pytest.raises(ValueError, match="belongs to site 'site-a'"):
        Writer(path, "site-b").start()
