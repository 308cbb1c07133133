"""What the operations are handed instead of opening it themselves: built once by the wiring
place (:func:`queue_server.bootstrap.build_hub`) and kept on the hub as ``hub.services``.

An operation is a thin function over the hub's state and these services; it opens no file,
no database connection and no HTTP client of its own, and keeps no state between calls.
"""

from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlite_utils

from queue_server.dossiers import DossierLookup
from queue_server.dossiers.pull import PullRun
from queue_server.server.citizens import Citizens
from queue_server.server.dossier_access import DossierAccess
from queue_server.server.trust import Trust


@dataclasses.dataclass
class PullStatus:
    """What the manager's dashboard shows of the pull: when it last ran and how it went."""

    every_seconds: float
    last_run_at: dt.datetime | None = None
    last_ok_at: dt.datetime | None = None
    last_run: PullRun | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "every_seconds": self.every_seconds,
            "last_run_at": self.last_run_at.isoformat() if self.last_run_at else None,
            "last_ok_at": self.last_ok_at.isoformat() if self.last_ok_at else None,
            "last_run": self.last_run.as_dict() if self.last_run else None,
        }


@dataclasses.dataclass(frozen=True)
class Services:
    citizens: Citizens  # ID numbers → their keyed hash (the key file beside the database)
    dossiers: DossierLookup  # by receipt code: the local table, then the one-stop system
    dossier_access: DossierAccess  # the dossiers' links and factors (a key derived from the citizens' key)
    pull: PullStatus | None  # how the pulls from the one-stop system went ([dossier_pull])
    # a connection of its own for a worker thread (reports over months, the outbox's
    # figures): ``open_database(readonly=True)``, ``open_database("NORMAL")``
    open_database: Callable[..., sqlite_utils.Database]
    # the devices' tokens (their hashes, as the store has them): enrolment, revocation, rotation
    trust: Trust = dataclasses.field(default_factory=Trust)
    # the officers' own threads (a PIN's scrypt): no pool that strangers' requests can fill
    # (the default pool, the one-stop look-ups' pool) ever stands between an officer and the work
    officers: concurrent.futures.Executor = dataclasses.field(
        default_factory=lambda: concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="officers")
    )
