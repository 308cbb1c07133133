"""A folder of backups keeps the newest N, each with its citizen key."""

from __future__ import annotations

import datetime as dt
import sqlite3
import stat

from queue_server.store.backups import backup_into


def test_backup_into_keeps_the_newest_n_with_their_keys(tmp_path):
    db = tmp_path / "lobby.db"
    with sqlite3.connect(db) as connection:
        connection.execute("create table t (x)")
    (tmp_path / "lobby.db.citizen-key").write_bytes(b"k" * 32)
    folder = tmp_path / "backups"
    days = [dt.datetime(2026, 11, day, 2, 30) for day in (20, 21, 22)]
    for when in days:
        made, removed = backup_into(db, folder, 2, when)
    assert [p.name for p in removed] == ["lobby-20261120-023000.db"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "lobby-20261121-023000.db", "lobby-20261121-023000.db.citizen-key",
        "lobby-20261122-023000.db", "lobby-20261122-023000.db.citizen-key",
    ]  # fmt: skip
    assert stat.S_IMODE((folder / "lobby-20261122-023000.db.citizen-key").stat().st_mode) == 0o600
    assert sqlite3.connect(made).execute("select name from sqlite_master").fetchall() == [("t",)]
