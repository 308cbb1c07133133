"""The dossiers of a visit: the officer's console links the ticket it serves to the codes of the
dossiers received or returned at that visit (the receipt's barcode, scanned into the console's
box or typed), and removes a wrong one. The citizen's rating of the visit then carries them
(``rating.recorded``'s ``dossiers``), and ``[evaluation_sync]`` sends it to the province's
procedures system (docs/web.md, "The dossiers of a visit"; docs/dossiers.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import commands
from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import normalize_dossier_code
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import counter_of
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

FIELDS = {"ticket": Field(int, minimum=1), "code": Field(str, max_length=80)}


def _code(args: dict[str, Any]) -> str:
    """The receipt's code as the dossiers store it; ``bad_field`` naming ``code`` otherwise."""
    try:
        return normalize_dossier_code(args["code"])
    except InvalidDossier as exc:
        raise ProtocolError(
            ProtocolErrorCode.BAD_FIELD, f"Mã hồ sơ không hợp lệ: {exc.message}. Not a dossier code.", field="code"
        ) from None


def _linked(hub: Hub, ticket_id: int) -> dict[str, Any]:
    ticket = hub.lobby.state.ticket(ticket_id)
    return {"ticket": ticket.id, "label": ticket.label, "dossiers": list(ticket.linked_dossiers)}


@operation("visit.link_dossier", (Role.COUNTER,), FIELDS, officer=True)
async def link_dossier(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Link the counter's current ticket to a dossier; a code linked already changes nothing
    (``linked``: false)."""
    code = _code(args)
    events = await hub.execute(
        commands.LinkDossier(now=hub.now(), counter=counter_of(session), ticket=args["ticket"], code=code)
    )
    return {**_linked(hub, args["ticket"]), "linked": bool(events)}


@operation("visit.unlink_dossier", (Role.COUNTER,), FIELDS, officer=True)
async def unlink_dossier(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    code = _code(args)
    await hub.execute(
        commands.UnlinkDossier(now=hub.now(), counter=counter_of(session), ticket=args["ticket"], code=code)
    )
    return _linked(hub, args["ticket"])
