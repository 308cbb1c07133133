"""Dossiers as the operations and the phone page show them: found by receipt code through the
hub's look-up, with ``overdue`` and their ``standing`` in working days, and whether the kiosk
may offer a pick-up ticket."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.core.dossiers.model import DossierStatus
from queue_server.core.dossiers.standing import Standing, stand
from queue_server.core.dossiers.workdays import WorkCalendar
from queue_server.dossiers import Dossier, DossierSourceFailed, InvalidDossier, normalize_dossier_code
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


def calendar_for(hub: Hub) -> WorkCalendar:
    s = hub.config.dossiers
    return WorkCalendar(holidays=s.holidays, weekend=s.weekend, make_up_days=s.make_up_days)


def standing_of(hub: Hub, dossier: Dossier) -> Standing:
    return stand(dossier, hub.now().date(), calendar_for(hub), hub.config.dossiers.warn_working_days)


def dossier_view(hub: Hub, dossier: Dossier) -> dict[str, Any]:
    """A dossier as the protocol shows it: its values, ``overdue`` and its ``standing``."""
    return {**dossier.as_dict(hub.now().date()), "standing": standing_of(hub, dossier).as_dict()}


def pickup_possible(hub: Hub, dossier: Dossier) -> bool:
    """Whether the kiosk may offer a pick-up ticket for this dossier."""
    return dossier.status is DossierStatus.READY and hub.config.dossiers.pickup_service is not None


def invalid_dossier(exc: InvalidDossier) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode.DOSSIER_INVALID, str(exc), field=exc.field)


async def find_dossier(hub: Hub, typed: str) -> Dossier:
    """The dossier with this receipt code, or the protocol error the kiosk and phone show."""
    try:
        code = normalize_dossier_code(typed)
    except InvalidDossier as exc:
        raise invalid_dossier(exc) from None
    try:
        dossier = await hub.services.dossiers.find(code)
    except DossierSourceFailed as exc:
        raise ProtocolError(
            ProtocolErrorCode.DOSSIER_SOURCE_FAILED,
            f"The one-stop system could not be asked: {exc.message}",
            dossier=code,
        ) from None
    if dossier is None:
        raise ProtocolError(ProtocolErrorCode.DOSSIER_UNKNOWN, f"No dossier has the code {code}.", dossier=code)
    return dossier
