"""Operations on dossiers (hồ sơ): a kiosk looks one up by its receipt code; the centre's
one-stop system pushes them.

The lookup asks the local ``dossiers`` table first, then the one-stop system over HTTP when
``[dossier_lookup]`` is configured (:mod:`queue_server.dossiers`). Dossiers hold no personal
data, and pushing one makes no event: it is reference data, not a change of the queue.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from ..dossiers import (
    Dossier,
    DossierLookup,
    DossierSourceFailed,
    InvalidDossier,
    normalize_dossier_code,
)
from ..dossiers.lookup import LocalDossierSource, dossier_row
from ..dossiers.model import DossierStatus
from ..protocol.errors import ProtocolError, ProtocolErrorCode
from ..protocol.messages import Field
from ..settings import Role
from ..store.writer import Batch
from .ops import operation
from .session import Session

if TYPE_CHECKING:
    from .hub import Hub

CODE = Field(str, max_length=64)
TEXT = Field(str, required=False, max_length=200)

_lookups: weakref.WeakKeyDictionary[Hub, DossierLookup] = weakref.WeakKeyDictionary()


def lookup_for(hub: Hub) -> DossierLookup:
    """The hub's lookup, made on first use from its configuration."""
    lookup = _lookups.get(hub)
    if lookup is None:
        from ..dossiers.http_source import HttpDossierSource

        sources: list[Any] = [LocalDossierSource(hub.reader)]
        if hub.config.dossier_lookup.url_template:
            sources.append(HttpDossierSource(hub.config.dossier_lookup))
        lookup = _lookups[hub] = DossierLookup(sources)
    return lookup


def _invalid(exc: InvalidDossier) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode.DOSSIER_INVALID, str(exc), field=exc.field)


@operation("dossier.get", (Role.KIOSK, Role.MANAGER, Role.INTEGRATION), {"code": CODE})
async def dossier_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    try:
        code = normalize_dossier_code(args["code"])
    except InvalidDossier as exc:
        raise _invalid(exc) from None
    try:
        dossier = await lookup_for(hub).find(code)
    except DossierSourceFailed as exc:
        raise ProtocolError(
            ProtocolErrorCode.DOSSIER_SOURCE_FAILED,
            f"The one-stop system could not be asked: {exc.message}",
            dossier=code,
        ) from None
    if dossier is None:
        raise ProtocolError(
            ProtocolErrorCode.DOSSIER_UNKNOWN, f"No dossier has the code {code}.", dossier=code
        )
    return {"dossier": dossier.as_dict(hub.now().date())}


@operation(
    "dossier.upsert",
    (Role.INTEGRATION,),
    {
        "code": CODE,
        "status": Field(str, max_length=20, choices=tuple(s.value for s in DossierStatus)),
        "procedure": TEXT,
        "department": TEXT,
        "due_date": Field(str, required=False, max_length=25),
        "collect_at": TEXT,
    },
)
async def dossier_upsert(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    try:
        dossier = Dossier.from_mapping({k: v for k, v in args.items() if v is not None})
    except InvalidDossier as exc:
        raise _invalid(exc) from None
    source = session.device.id if session.device else "integration"
    await hub.write(Batch(dossiers=[dossier_row(dossier, source, hub.now())]))
    return {"dossier": dossier.as_dict(hub.now().date())}
