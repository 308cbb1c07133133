"""The server's side of dossiers beyond one look-up: storing pushed and pulled dossiers
(idempotent by code and version), the schedule that pulls changes from the one-stop system
(``[dossier_pull]``, its status kept in ``hub.services.pull``), and reading the table for
alarms and on-time reports. How a dossier is shown: :mod:`queue_server.server.dossier_views`.

The pure parts are in :mod:`queue_server.dossiers` (model, working days, standing, on-time
figures, the pull's pages); this module only does the I/O around them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from queue_server.core.dossiers.model import Dossier
from queue_server.dossiers.lookup import dossier_from_row, dossier_row, stored_dossiers
from queue_server.dossiers.pull import PullRun, pull_changes
from queue_server.store.writer import Batch, StoreUnavailable

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

PULL_SOURCE = "pull"


def _stored_versions(hub: Hub, codes: Sequence[str]) -> dict[str, int | None]:
    found: dict[str, int | None] = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for code, version in hub.reader.execute(
            f"SELECT code, version FROM dossiers WHERE code IN ({marks})", list(chunk)
        ).fetchall():
            found[code] = version
    return found


def stored_version(hub: Hub, code: str) -> tuple[bool, int | None]:
    """Whether a dossier with this code is stored, and its version."""
    found = _stored_versions(hub, [code])
    return code in found, found.get(code)


def stored_dossier(hub: Hub, code: str) -> Dossier | None:
    """The dossier as the table holds it now."""
    row = hub.reader.execute("SELECT code, data, version FROM dossiers WHERE code = ?", [code]).fetchone()
    return dossier_from_row(row) if row else None


def _newer(version: int | None, stored: int | None) -> bool:
    return stored is None or (version is not None and version > stored)


async def store_dossiers(
    hub: Hub,
    dossiers: Sequence[Dossier],
    source: str,
    applicants: Mapping[str, str] | None = None,
    only: Mapping[str, Sequence[str]] | None = None,
) -> list[str]:
    """Write the dossiers (the writer keeps only newer versions; a versioned dossier takes no
    dossier without a version), with, for those whose applicant's (checked) ID number is
    given, its keyed hash and the factor of their public page (its last digits,
    :mod:`queue_server.core.dossiers.access`) — never the number. A dossier named in
    ``only`` changes only the fields listed there (a partial push); the others replace every
    field. Returns the codes that changed what was stored. Raises ``StoreUnavailable`` when
    nothing could be written."""
    stored = _stored_versions(hub, [d.code for d in dossiers])
    applied = [d.code for d in dossiers if d.code not in stored or _newer(d.version, stored[d.code])]
    now = hub.now()
    numbers = applicants or {}
    key = hub.services.dossier_access.key
    rows = [
        {
            **dossier_row(d, source, now, (only or {}).get(d.code)),
            "id_hash": hub.services.citizens.hash(numbers[d.code]) if d.code in numbers else None,
            "factor_hash": key.factor_of_id(d.code, numbers[d.code]) if d.code in numbers else None,
        }
        for d in dossiers
    ]
    await hub.write(Batch(dossiers=rows))
    return applied


def read_dossiers(hub: Hub, since: dt.date | None = None) -> Iterator[Dossier]:
    """The stored dossiers still open, and (with ``since``) those received or settled since
    then or with no settling date (:func:`queue_server.dossiers.lookup.stored_dossiers`)."""
    return stored_dossiers(hub.reader, since)


def pull_cursor(hub: Hub) -> int:
    """Where the pull resumes: the highest version it stored (0 on a fresh database)."""
    row = hub.reader.execute("SELECT max(version) FROM dossiers WHERE source = ?", [PULL_SOURCE]).fetchone()
    return int(row[0] or 0)


async def pull_once(hub: Hub) -> PullRun:
    settings = hub.config.dossier_pull
    assert settings is not None, "pull_once needs [dossier_pull]"
    status = hub.services.pull
    assert status is not None, "bootstrap makes the pull's status with [dossier_pull]"

    async def keep(dossiers: Sequence[Dossier], applicants: Mapping[str, str]) -> None:
        await store_dossiers(hub, dossiers, PULL_SOURCE, applicants)

    status.last_run_at = hub.now()
    try:
        run = await pull_changes(settings, pull_cursor(hub), keep)
    except StoreUnavailable as exc:
        run = PullRun(0, 0, (), pull_cursor(hub), f"the database could not be written: {exc}", complete=False)
    status.last_run = run
    if run.failure is None:
        status.last_ok_at = status.last_run_at
    if run.rejected:
        log.warning("dossier pull rejected %d item(s), first: %s", len(run.rejected), run.rejected[0])
    log.info("dossier pull: %d page(s), %d dossier(s), failure: %s", run.pages, run.stored, run.failure)
    return run


async def run_pulls(hub: Hub) -> None:
    """Pull every ``every_seconds`` until cancelled; a failed run is reported, never fatal. The
    settings are read again before each pull: a reload's new address, keys or period apply at
    the next one; a reload that removes ``[dossier_pull]`` stops them."""
    assert hub.config.dossier_pull is not None, "run_pulls needs [dossier_pull]"
    while True:
        settings = hub.config.dossier_pull
        if settings is not None:
            try:
                await pull_once(hub)
            except Exception:  # a bug in a pull must not stop the server's clock
                log.exception("dossier pull failed")
        await asyncio.sleep(settings.every_seconds if settings is not None else 60.0)
