"""The site's side of a link to the central database, shared by its shipper, its request
reader and its province view: how a connection is made, and the loop that keeps trying.

    conn = connect(settings, site, first=True)     # the site's key with it, if it has one
    keep_trying(stop, step, failed, settings)       # a thread's life: step() again and again
    class Shipper(LinkThread): …                    # that thread, started and stopped

- **One login, kept**: each connection goes through PgBouncer's transaction pooling
  (docs/province.md, "Connections"), where a client connection held between transactions
  costs no server connection; a login costs a SCRAM exchange on both sides, so a connection
  is kept until it fails, not made again for each look.
- **The first login waits longer** (:data:`FIRST_LOGIN_FACTOR` × ``timeout_seconds``): when
  every site of a province starts at once, their logins queue at the pooler; a login that
  gave up at 10 s would only queue again.
- **Not all at once**: the first step waits a random time up to ``start_spread_seconds``;
  after a failure, the back-off's full jitter (:func:`queue_server.protocol.backoff.delay`).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from central import schema as central
from queue_server.config.settings import CentralSettings
from queue_server.protocol import backoff

FIRST_LOGIN_FACTOR = 3  # the first login may take this many times timeout_seconds


def site_key(settings: CentralSettings, site: str) -> central.SiteKey | None:
    """The key the site names itself with, through the pooled role; None: its role is its own."""
    return central.SiteKey(site, settings.site_key) if settings.site_key else None


def connect(settings: CentralSettings, site: str, first: bool = False) -> central.SiteConnection:
    """A connection to the central database as ``site`` (its key with it, if it has one)."""
    timeout = settings.timeout_seconds * (FIRST_LOGIN_FACTOR if first else 1)
    return central.connect(settings.dsn, timeout, site_key(settings, site))


def close(conn: Any) -> None:
    """Close a connection that may have broken already (nothing to say if it did)."""
    if conn is not None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a connection that already broke
            pass


def start_wait(settings: CentralSettings, uniform: Callable[[float, float], float] = random.uniform) -> float:
    """How long to wait before the first connection: a random time up to ``start_spread_seconds``."""
    return uniform(0.0, settings.start_spread_seconds) if settings.start_spread_seconds > 0 else 0.0


def keep_trying(
    stop: threading.Event,
    step: Callable[[], float],
    failed: Callable[[Exception, float], None],
    settings: CentralSettings,
) -> None:
    """Until ``stop``: after the start's spread, ``step()`` and wait the seconds it returns; on
    any failure (the central side down, slow, refusing), ``failed(exc, wait)`` — close the
    connection, say it — and wait the back-off before the next step."""
    stop.wait(start_wait(settings))
    failures = 0
    while not stop.is_set():
        try:
            wait = step()
            failures = 0
        except Exception as exc:  # noqa: BLE001 - every failure ends here, and is retried
            failures += 1
            wait = backoff.delay(failures, ceiling=settings.retry_max_seconds)
            failed(exc, wait)
        if wait > 0:
            stop.wait(wait)


class LinkThread:
    """A thread of the site's link (the shipper's, the request reader's): :meth:`start` runs
    :func:`keep_trying` with the subclass's ``_step`` and ``_failed`` until :meth:`stop`, then
    ``_disconnect()`` closes its connection, whatever ended it."""

    def __init__(self, name: str, settings: CentralSettings) -> None:
        self.settings = settings
        self._name = name  # the thread's, as a log or a debugger shows it
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            keep_trying(self._stop, self._step, self._failed, self.settings)
        finally:
            self._disconnect()

    def _step(self) -> float:
        """One step; the seconds to wait before the next."""
        raise NotImplementedError

    def _failed(self, exc: Exception, wait: float) -> None:
        """A step failed (``exc``); the next in ``wait`` seconds."""
        raise NotImplementedError

    def _disconnect(self) -> None:
        """Close the thread's connection, if it has one (it may have broken already)."""
        raise NotImplementedError
