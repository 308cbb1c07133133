"""The lookup interface and the local source.

    lookup = DossierLookup([LocalDossierSource(db), HttpDossierSource(settings)])
    dossier = await lookup.find("000.00.16.H12-221122-0001")   # Dossier | None

Sources are asked in order; the first that knows the code answers. The local table comes
first: it is on the centre's LAN and answers even when the WAN is down. A source that fails
is logged and skipped; if every source failed and none knew the code,
:class:`DossierSourceFailed` is raised (the kiosk says "try again later", not "unknown").
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from queue_server.core.dossiers.errors import DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import FINISHED, Dossier
from queue_server.dossiers.http_source import LookupBusy

log = logging.getLogger(__name__)


class DossierSource(Protocol):
    name: str

    async def find(self, code: str) -> Dossier | None:
        """The dossier with this (normalised) code, ``None`` if unknown; raises
        :class:`DossierSourceFailed` when the source cannot answer."""
        ...


class DossierLookup:
    def __init__(self, sources: Sequence[DossierSource]) -> None:
        self.sources = tuple(sources)

    async def find(self, code: str) -> Dossier | None:
        failures: list[DossierSourceFailed] = []
        for source in self.sources:
            try:
                dossier = await source.find(code)
            except DossierSourceFailed as exc:
                busy = isinstance(exc, LookupBusy)  # refused at once: counted in /metrics, not logged each time
                log.log(logging.DEBUG if busy else logging.WARNING, "dossier lookup: %s", exc)
                failures.append(exc)
                continue
            if dossier is not None:
                return dossier
        if failures:
            raise DossierSourceFailed(failures[0].source, failures[0].message)
        return None


def dossier_row(
    dossier: Dossier, source: str, now: dt.datetime, fields: Sequence[str] | None = None
) -> dict[str, Any]:
    """A row of the ``dossiers`` table; with ``fields``, its data holds only those (the
    writer merges it into the stored data: a partial push)."""
    data = dossier.as_dict()
    data.pop("code")
    data.pop("version")
    if fields is not None:
        data = {k: v for k, v in data.items() if k in fields}
    return {
        "code": dossier.code,
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        "source": source,
        "updated_at": now.isoformat(),
        "version": dossier.version,
    }


def dossier_from_row(row: Sequence[Any]) -> Dossier:
    """From ``(code, data)`` or ``(code, data, version)``."""
    code, data, *version = row
    return Dossier.from_mapping({"code": code, **json.loads(data), "version": version[0] if version else None})


_FINISHED = tuple(s.value for s in FINISHED)


def stored_dossiers(db: Any, since: dt.date | None = None) -> Iterator[Dossier]:
    """The ``dossiers`` table's dossiers still open, and (with ``since``) those received or
    settled since then or with no settling date; an unreadable row is logged and left out."""
    marks = ",".join("?" * len(_FINISHED))
    sql = f"SELECT code, data, version FROM dossiers WHERE json_extract(data, '$.status') NOT IN ({marks})"
    params: list[Any] = list(_FINISHED)
    if since is not None:
        sql += (
            " OR json_extract(data, '$.result_date') IS NULL OR json_extract(data, '$.result_date') >= ?"
            " OR json_extract(data, '$.received_date') >= ?"
        )
        params += [since.isoformat(), since.isoformat()]
    for row in db.execute(sql, params).fetchall():
        try:
            yield dossier_from_row(row)
        except (InvalidDossier, ValueError) as exc:
            log.warning("stored dossier %s is unreadable: %s", row[0], exc)


class LocalDossierSource:
    """The ``dossiers`` table (a sqlite-utils database or sqlite3 connection, read only)."""

    name = "local"

    def __init__(self, db: Any) -> None:
        self.db = db

    async def find(self, code: str) -> Dossier | None:
        row = self.db.execute("SELECT code, data, version FROM dossiers WHERE code = ?", [code]).fetchone()
        if row is None:
            return None
        try:
            return dossier_from_row(row)
        except (InvalidDossier, ValueError) as exc:
            raise DossierSourceFailed(self.name, f"the stored dossier {code} is unreadable: {exc}") from None
