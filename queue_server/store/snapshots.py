"""Snapshots of the lobby's state, so that a restart replays only the log after the newest.

    blob = dump(lobby.state)                    # in the event loop, right after a new day opens
    found = latest(db, site)                    # at start: (seq, state) or None
    state = load(blob, site)

A snapshot is the state as the log had made it at ``seq``, written in the same transaction as
the event at ``seq`` (the hub takes one when a day opens, when the state is smallest; the
start takes one after a long replay). It is the state's own objects, pickled: exact, and
cheap to make. A snapshot is used only by the same code and the same site it was made by —
its *fingerprint* covers the core's source, the Python version and the site's configuration —
so a new release or a changed configuration falls back to replaying the whole log once,
then makes new snapshots. The file is the server's own: a snapshot is trusted as the log is.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from queue_server.core.events import Event, EventType
from queue_server.core.site import Site
from queue_server.core.state import LobbyState

KEEP = 3  # the newest snapshots kept; older ones are deleted as new ones are written
_CORE = Path(__file__).resolve().parents[1] / "core"
_CORE_HASH: str | None = None


def fingerprint(site: Site) -> str:
    global _CORE_HASH
    if _CORE_HASH is None:
        digest = hashlib.sha256(f"{sys.version_info[:2]}".encode())
        for source in sorted(_CORE.glob("*.py")):
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _CORE_HASH = digest.hexdigest()
    return hashlib.sha256(f"{_CORE_HASH}\0{site!r}".encode()).hexdigest()


def dump(state: LobbyState) -> bytes:
    return pickle.dumps({k: v for k, v in vars(state).items() if k != "site"}, protocol=pickle.HIGHEST_PROTOCOL)


def load(blob: bytes, site: Site) -> LobbyState:
    state = LobbyState.__new__(LobbyState)
    vars(state).update(pickle.loads(blob))  # noqa: S301 - the server's own file (see above)
    state.site = site
    return state


def on_new_day(state: LobbyState, events: Sequence[Event]) -> tuple[int, str, bytes] | None:
    """The snapshot a batch carries when its events open a day (the state is smallest then),
    taken right after the events were applied: ``(seq, fingerprint, state)`` or None."""
    if not any(e.type is EventType.DAY_OPENED for e in events):
        return None
    return state.seq, fingerprint(state.site), dump(state)


def latest(db: sqlite_utils.Database, site: Site) -> tuple[int, LobbyState] | None:
    """The newest snapshot this code can use for this site, with its seq."""
    row = db.execute(
        "SELECT seq, state FROM snapshots WHERE fingerprint = ? AND seq <= (SELECT max(seq) FROM events)"
        " ORDER BY seq DESC LIMIT 1",
        [fingerprint(site)],
    ).fetchone()
    if row is None:
        return None
    return row[0], load(row[1], site)


def write(conn: Any, seq: int, fingerprint_: str, blob: bytes, taken_at: str) -> None:
    """In the writer's transaction: keep this snapshot and the few before it."""
    conn.execute(
        "INSERT OR REPLACE INTO snapshots (seq, fingerprint, taken_at, state) VALUES (?, ?, ?, ?)",
        [seq, fingerprint_, taken_at, blob],
    )
    conn.execute(
        "DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT ?)", [KEEP]
    )
