"""The one writer: a thread that commits batches durably, with group commit.

The event loop hands over a :class:`Batch` (new events and the rows they change) and awaits
it. The writer thread takes every batch that is waiting, writes them all in one transaction
and commits once — so batches that arrive while a commit is in flight share the next one —
and only then resolves their futures. ``synchronous = FULL`` makes the commit durable.

A batch must continue the log: its first ``seq`` must follow the last committed one. After
a failed commit the state in memory is ahead of the disk; batches decided on it are refused
(:class:`StoreUnavailable`) until the server has rebuilt its state from the log.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import json
import logging
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from queue_server.core.events import Event, EventType
from queue_server.store import enrolment, outbox, snapshots
from queue_server.store.database import connect
from queue_server.store.schema import migrate

log = logging.getLogger(__name__)


class StoreUnavailable(Exception):
    """The database cannot be written now; nothing of the batch was kept."""


@dataclasses.dataclass
class Batch:
    events: Sequence[Event] = ()
    tickets: Sequence[Mapping[str, Any]] = ()
    appointments: Sequence[Mapping[str, Any]] = ()
    contacts: Sequence[Mapping[str, Any]] = ()
    dossiers: Sequence[Mapping[str, Any]] = ()  # rows of the dossiers table (code, data, source, updated_at)
    probe: bool = False  # a health check: write the meta row, no events
    purge_contacts_before: dt.datetime | None = None  # personal data past its retention
    snapshot: tuple[int, str, bytes] | None = None  # (seq, fingerprint, state): see store/snapshots.py
    epoch: int = 0  # the writer's epoch the batch was decided in (see the module docstring)
    future: concurrent.futures.Future[int] = dataclasses.field(default_factory=concurrent.futures.Future)
    # called in the writer's thread once the future is settled: unlike a callback on the
    # future, it makes no reference cycle (batch -> future -> callback -> batch) for the
    # garbage collector to find, once a request
    on_settled: Callable[[Batch], None] | None = None
    # the outbox (store/outbox.py): deliveries caused by the events, in their transaction;
    # attempts' outcomes; phone numbers left for notifications (rows of ticket_phones)
    outbox: Sequence[Mapping[str, Any]] = ()
    outbox_marks: Sequence[outbox.Mark] = ()
    phones: Sequence[Mapping[str, Any]] = ()
    remote: Sequence[Mapping[str, Any]] = ()  # rows of remote_tickets (numbers taken from a phone)
    central_requests: Sequence[Mapping[str, Any]] = ()  # the province's requests as decided here
    # the devices' trust (store/enrolment.py): (device, at) revoked, then new token rows, new
    # enrolment codes' rows, (code hash, at) used
    revocations: Sequence[tuple[str, str]] = ()
    device_tokens: Sequence[Mapping[str, Any]] = ()
    enrolment_codes: Sequence[Mapping[str, Any]] = ()
    codes_used: Sequence[tuple[str, str]] = ()


_STOP = object()


class Writer:
    def __init__(self, path: Path, site_id: str, synchronous: str = "FULL", busy_timeout_ms: int = 5000) -> None:
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.site_id = site_id
        self.synchronous = synchronous
        self.committed_seq = 0
        self.commits = 0  # transactions, for metrics: batches / commits = group size
        self.batches = 0
        self.epoch = 0  # goes up at each failed commit: batches decided before it are refused
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        db = connect(self.path, self.synchronous, busy_timeout_ms=self.busy_timeout_ms)
        migrate(db)
        self.committed_seq = db.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('site', ?)", [self.site_id])
        stored = db.execute("SELECT value FROM meta WHERE key = 'site'").fetchone()[0]
        if stored != self.site_id:
            db.close()
            raise ValueError(f"{self.path} belongs to site {stored!r}, not {self.site_id!r}")
        self._thread = threading.Thread(target=self._run, args=(db,), name="store-writer", daemon=True)
        self._thread.start()

    def submit(self, batch: Batch) -> concurrent.futures.Future[int]:
        if self._thread is None:
            batch.future.set_exception(StoreUnavailable("the store is not running"))
        else:
            self._queue.put(batch)
        return batch.future

    def stop(self) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def _run(self, db: Any) -> None:
        try:
            while True:
                group = [self._queue.get()]
                while True:
                    try:
                        group.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                stop = any(item is _STOP for item in group)
                batches = [item for item in group if item is not _STOP]
                if batches:
                    try:
                        self._commit(db, batches)
                    except Exception as exc:  # a bug: the thread must live on, and no waiter hang
                        log.exception("the writer failed on %d batch(es)", len(batches))
                        for batch in batches:
                            _settle(batch, error=StoreUnavailable(f"the writer failed: {exc}"))
                if stop:
                    return
        finally:
            db.close()

    def _commit(self, db: Any, batches: list[Batch]) -> None:
        accepted: list[Batch] = []
        expected = self.committed_seq + 1
        for batch in batches:
            if batch.events and batch.epoch != self.epoch:
                _settle(batch, error=StoreUnavailable("decided on a state lost in a failed commit"))
                continue
            if batch.events and batch.events[0].seq != expected:
                _settle(
                    batch,
                    error=StoreUnavailable(
                        f"event {batch.events[0].seq} does not follow {expected - 1}: state is being rebuilt"
                    ),
                )
                continue
            if batch.events:
                expected = batch.events[-1].seq + 1
            accepted.append(batch)
        if not accepted:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            self._write(db, accepted)
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.conn.in_transaction:
                db.execute("ROLLBACK")
            reason = f"{exc}{disk_state(self.path.parent)}"
            log.error("commit of %d batch(es) failed: %s", len(accepted), reason)
            if any(batch.events for batch in accepted):
                self.epoch += 1
            failure = StoreUnavailable(reason)
            for batch in accepted:
                _settle(batch, error=failure)
            return
        self.committed_seq = expected - 1
        self.commits += 1
        self.batches += len(accepted)
        for batch in accepted:
            _settle(batch, result=self.committed_seq)

    def _write(self, db: Any, batches: list[Batch]) -> None:
        """Write a commit's batches: their events, rows and marks, each kind in one statement
        (the batches in order, so a row written twice keeps its later value)."""
        conn: sqlite3.Connection = db.conn
        for batch in batches:
            if batch.probe:
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('health', ?)",
                    [dt.datetime.now(dt.UTC).isoformat()],
                )
            if batch.purge_contacts_before is not None:
                conn.execute("DELETE FROM contacts WHERE created_at < ?", [batch.purge_contacts_before.isoformat()])
                outbox.purge(conn, outbox.utc(batch.purge_contacts_before))
        events = [e for batch in batches for e in batch.events]
        conn.executemany(
            "INSERT INTO events (seq, site, type, at, data) VALUES (?, ?, ?, ?, ?)",
            [(e.seq, self.site_id, e.type.value, e.at.isoformat(), json.dumps(e.data, ensure_ascii=False)) for e in events],
        )
        for batch in batches:  # after the events: a snapshot is of a seq the log has
            if batch.snapshot is not None:
                snapshots.write(conn, *batch.snapshot, dt.datetime.now(dt.UTC).isoformat())
        for table in ("tickets", "appointments", "contacts"):
            _upsert(conn, table, [row for batch in batches for row in getattr(batch, table)])
        _upsert_dossiers(conn, [row for batch in batches for row in batch.dossiers])
        for batch in batches:  # after the events: a delivery is never kept without its event
            if batch.outbox or batch.outbox_marks or batch.phones:
                outbox.write(conn, batch.outbox, batch.outbox_marks, batch.phones)
            _upsert(conn, "remote_tickets", batch.remote)
            _upsert(conn, "central_requests", batch.central_requests)
            if batch.revocations or batch.device_tokens or batch.enrolment_codes or batch.codes_used:
                enrolment.write(conn, batch.revocations, batch.device_tokens, batch.enrolment_codes, batch.codes_used)
        for event in events:  # after the tickets' rows: a new day's expiry marks the rows as they are now
            if event.type is EventType.DAY_OPENED and event.data["expired"]:
                marks = ",".join("?" * len(event.data["expired"]))
                conn.execute(
                    f"UPDATE tickets SET state = 'cancelled', done_at = ? WHERE id IN ({marks})",
                    [event.at.isoformat(), *event.data["expired"]],
                )
            elif event.type is EventType.RATING_RECORDED:
                d = event.data
                conn.execute(
                    "INSERT INTO ratings (ticket, score, service, counter, officer, at, source)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [d["ticket"], d["score"], d["service"], d["counter"], d["officer"], event.at.isoformat(), d["source"]],
                )


def disk_state(folder: Path) -> str:
    """What the file system under the database says of itself, to tell a person reading a
    failed commit's message why (SQLite says only "disk I/O error" or "database or disk is
    full")."""
    try:
        stats = os.statvfs(folder)
        read_only = bool(stats.f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
    except OSError:
        return ""
    if read_only:
        return f"; the disk under {folder} is read-only"
    if stats.f_bavail == 0:
        return f"; the disk under {folder} is full"
    return ""


def _settle(batch: Batch, result: int | None = None, error: Exception | None = None) -> None:
    """Resolve the batch's future, unless its waiter gave up (a health probe that timed out
    cancels it): a cancelled future refuses a result, and that must not kill this thread."""
    try:
        if error is not None:
            batch.future.set_exception(error)
        else:
            batch.future.set_result(result)  # type: ignore[arg-type]  # error is None: the batch's result is set
    except concurrent.futures.InvalidStateError:
        log.debug("a batch's waiter had given up (cancelled)")
        return
    if batch.on_settled is not None:
        try:
            batch.on_settled(batch)
        except Exception:  # the thread must live on
            log.exception("a batch's on_settled failed")


def _upsert(conn: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = (
        f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join('?' * len(columns))})"
    )
    conn.executemany(sql, [[row[c] for c in columns] for row in rows])


def _upsert_dossiers(conn: sqlite3.Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Idempotent by code and version: a row changes the stored one when the stored one has
    no version, or the row a higher one (a versioned dossier never takes a row without a
    version). A row's data is merged into the stored data (JSON merge patch: a key left out
    keeps its value, a null removes it), so a row that holds every field replaces it and a
    push of a few fields changes only those. A row without an ID hash (or a factor) keeps
    the stored one."""
    conn.executemany(
        "INSERT INTO dossiers (code, data, source, updated_at, version, id_hash, factor_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (code) DO UPDATE SET data = json_patch(dossiers.data, excluded.data),"
        " source = excluded.source, updated_at = excluded.updated_at, version = excluded.version,"
        " id_hash = coalesce(excluded.id_hash, dossiers.id_hash),"
        " factor_hash = coalesce(excluded.factor_hash, dossiers.factor_hash)"
        " WHERE dossiers.version IS NULL OR excluded.version > dossiers.version",
        [
            (r["code"], r["data"], r["source"], r["updated_at"], r.get("version"), r.get("id_hash"), r.get("factor_hash"))
            for r in rows
        ],
    )
