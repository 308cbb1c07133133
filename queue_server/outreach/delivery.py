"""The delivery thread: takes due rows from the outbox, sends them, records the outcome.

It reads with its own SQLite connection and writes only through the store's writer (a
``Batch`` of marks), so a row is marked only once its outcome is on disk. Up to ``workers``
requests are in flight (a webhook subscription, or the procedures system's evaluations, only
ever one, so their deliveries arrive in seq order). A failure is tried again after an exponential back-off with jitter; after
``max_attempts``, or an answer no retry mends (4xx), the row is ``dead``.

What is guaranteed (docs/notifications.md): every delivery is on disk with its event and is
sent until its gateway answers 2xx or it is dead; a crash between the gateway's answer and the
mark sends it again, with the same ``Idempotency-Key``. At least once on the wire, once per
key for a gateway that de-duplicates on it.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from queue_server.config.settings_outreach import OutreachSettings
from queue_server.core.phones import mask
from queue_server.outreach.adapters import HttpRequest, NotDeliverable, Outcome, outcome_of, request_for
from queue_server.protocol import backoff
from queue_server.store import outbox
from queue_server.store.database import connect
from queue_server.store.writer import Batch, StoreUnavailable

log = logging.getLogger(__name__)

IDLE_SECONDS = 0.5  # with nothing due, look again this often (a commit wakes it at once)


def send_http(request: HttpRequest, timeout: float) -> tuple[int, bytes]:
    """One HTTP request; an HTTP error status is an answer, not an exception."""
    prepared = urllib.request.Request(request.url, data=request.body, headers=dict(request.headers), method=request.method)
    try:
        with urllib.request.urlopen(prepared, timeout=timeout) as reply:
            return reply.status, reply.read(65536)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(65536)


class Deliverer:
    def __init__(
        self,
        db_path: Path,
        settings: OutreachSettings,
        submit: Callable[[Batch], concurrent.futures.Future[int]],
        send: Callable[[HttpRequest, float], tuple[int, bytes]] = send_http,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db_path = db_path
        self.settings = settings
        self.submit = submit
        self.send = send
        self.clock = clock
        self.wake = threading.Event()
        self.sent = 0
        self.failed = 0
        self._stop = threading.Event()
        self._busy: set[int] = set()
        self._busy_targets: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None

    def start(self) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(self.settings.outbox.workers, thread_name_prefix="outbox-send")
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _run(self) -> None:
        db = connect(self.db_path, "NORMAL")
        try:
            while not self._stop.is_set():
                self.wake.clear()
                try:
                    self._dispatch(db)
                    idle = self._idle(db)
                except Exception:  # the thread must live on: the rows stay pending
                    log.exception("the outbox could not be read")
                    idle = IDLE_SECONDS
                self.wake.wait(idle)
        finally:
            db.close()

    def _idle(self, db) -> float:
        try:
            nearest = outbox.next_due(db.conn)
        except Exception:
            return IDLE_SECONDS
        if nearest is None:
            return IDLE_SECONDS
        if not nearest:  # a new row, due at once
            return 0.005
        wait = dt.datetime.fromisoformat(nearest).timestamp() - self.clock()
        return min(IDLE_SECONDS, max(0.005, wait))

    def _dispatch(self, db) -> None:
        now = outbox.utc(dt.datetime.fromtimestamp(self.clock(), dt.UTC))
        with self._lock:
            free = self.settings.outbox.workers - len(self._busy)
            if free <= 0:
                return
            rows = outbox.due(db.conn, now, set(self._busy), set(self._busy_targets), free)
            for row in rows:
                self._busy.add(row.id)
                if row.channel in outbox.ORDERED:
                    self._busy_targets.add(outbox.lane(row))
        for row in rows:
            assert self._pool is not None
            self._pool.submit(self._attempt, row)

    def _attempt(self, row: outbox.Pending) -> None:
        try:
            outcome, reason = self._try(row)
            attempts = row.attempts + 1
            at = outbox.utc(dt.datetime.fromtimestamp(self.clock(), dt.UTC))
            if outcome is Outcome.SENT:
                mark = outbox.Mark(row.id, "sent", attempts, at)
                self.sent += 1
            elif outcome is Outcome.DEAD or attempts >= self.settings.outbox.max_attempts:
                mark = outbox.Mark(row.id, "dead", attempts, at, at, reason)
                log.warning("%s %s to %s is a dead letter after %d attempt(s): %s", row.channel, row.key, self._who(row), attempts, reason)
                self.failed += 1
            else:
                wait = backoff.delay(attempts, self.settings.outbox.retry_first_seconds, self.settings.outbox.retry_max_seconds)
                next_at = outbox.utc(dt.datetime.fromtimestamp(self.clock() + wait, dt.UTC))
                mark = outbox.Mark(row.id, "pending", attempts, at, next_at, reason)
                log.info("%s %s to %s failed (%s); again in %.1f s", row.channel, row.key, self._who(row), reason, wait)
                self.failed += 1
            try:
                self.submit(Batch(outbox_marks=[mark])).result()
            except StoreUnavailable as exc:  # the row stays as it was: tried again, same key
                log.error("outcome of %s not kept: %s", row.key, exc)
        finally:
            with self._lock:
                self._busy.discard(row.id)
                self._busy_targets.discard(outbox.lane(row))
            self.wake.set()

    def _try(self, row: outbox.Pending) -> tuple[Outcome, str]:
        try:
            request = request_for(row, self.settings, self.clock())
        except NotDeliverable as exc:
            return Outcome.DEAD, str(exc)
        try:
            status, body = self.send(request, self.settings.outbox.timeout_seconds)
        except (OSError, ValueError) as exc:  # refused, reset, timed out, a bad URL
            return Outcome.RETRY, f"{type(exc).__name__}: {exc}"
        return outcome_of(row, status, body)

    @staticmethod
    def _who(row: outbox.Pending) -> str:
        return row.target if row.channel in outbox.ORDERED else mask(row.phone)
