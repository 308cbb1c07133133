"""The database file: migrations, WAL, durability settings, the site it belongs to."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from queue_server.core.events import Event, EventType
from queue_server.core.model import Ticket, TicketState
from queue_server.store.database import connect
from queue_server.store.reader import ticket_row
from queue_server.store.schema import MIGRATIONS, migrate
from queue_server.store.writer import Batch, Writer


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


def test_batches_of_one_commit_keep_their_order(tmp_path: Path) -> None:
    """Every batch waiting when the writer wakes is written in one transaction, each kind of
    row in one statement: a ticket written by two batches keeps the later row, a new day's
    expiry marks a ticket written earlier in the same commit, and ratings are kept."""
    path = tmp_path / "lobby.db"
    at = dt.datetime(2026, 11, 23, 16, 59, tzinfo=dt.UTC)
    ticket = Ticket(1, "A001", "ABCDEFGH", "HT", 1, at.date(), at, at)
    issued = Event(EventType.TICKET_ISSUED, at, {"ticket": 1}, 1)
    called = Event(EventType.TICKET_CALLED, at, {"ticket": 1}, 2)
    rated = Event(
        EventType.RATING_RECORDED,
        at,
        {"ticket": 1, "score": 4, "service": "HT", "counter": 1, "officer": "lan", "source": "pad-1"},
        3,
    )
    opened = Event(EventType.DAY_OPENED, at, {"day": "2026-11-24", "expired": [1], "closed": []}, 4)
    batches = [
        Batch(events=[issued], tickets=[ticket_row(ticket)]),
        Batch(events=[called], tickets=[ticket_row(dataclasses.replace(ticket, state=TicketState.CALLED, counter=1))]),
        Batch(events=[rated]),
        Batch(events=[opened]),
    ]
    writer = Writer(path, "site-a")
    for batch in batches:  # queued before the thread starts: it finds them all waiting, one commit
        writer._queue.put(batch)
    writer.start()
    try:
        assert [batch.future.result(timeout=10) for batch in batches] == [4, 4, 4, 4]
        assert writer.commits == 1 and writer.batches == 4
    finally:
        writer.stop()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT seq FROM events ORDER BY seq").fetchall() == [(1,), (2,), (3,), (4,)]
    assert raw.execute("SELECT state, counter FROM tickets WHERE id = 1").fetchone() == ("cancelled", 1)
    assert raw.execute("SELECT ticket, score FROM ratings").fetchall() == [(1, 4)]
