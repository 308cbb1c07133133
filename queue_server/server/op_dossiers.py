"""Operations on dossiers (hồ sơ): a kiosk looks one up by its receipt code; the centre's
one-stop system pushes them; a ready dossier's receipt gets a pick-up ticket.

The lookup asks the local ``dossiers`` table first, then the one-stop system over HTTP when
``[dossier_lookup]`` is configured (:mod:`queue_server.dossiers`, built by the wiring place as
``hub.services.dossiers``). Dossiers hold no personal data, and pushing one makes no event:
it is reference data, not a change of the queue. A push is idempotent by code and version:
one whose version is not above the stored one changes nothing (``applied: false``), and a
versioned dossier refuses a push without a version. A push changes the fields it gives (a
field left out keeps its stored value; ``""`` clears it), docs/dossiers.md "Push".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, commands
from queue_server.core.dossiers.model import MAX_STEPS, MAX_VERSION, DossierStatus
from queue_server.core.errors import DomainError
from queue_server.core.model import TicketState
from queue_server.dossiers import Dossier, InvalidDossier
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import ticket_for_issuer, with_new_code
from queue_server.server.dossier_gate import dossier_url
from queue_server.server.dossier_sync import store_dossiers, stored_dossier, stored_version
from queue_server.server.dossier_views import dossier_view, find_dossier, invalid_dossier, pickup_possible
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

CODE = Field(str, max_length=64)
TEXT = Field(str, required=False, max_length=200)
DATE = Field(str, required=False, max_length=25)


@operation("dossier.get", (Role.KIOSK, Role.MANAGER, Role.INTEGRATION, Role.VOLUNTEER), {"code": CODE})
async def dossier_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    if session.role is Role.VOLUNTEER:  # a volunteer's look-up is in the log: who, and found or not
        assert session.device is not None
        try:
            dossier = await find_dossier(hub, args["code"])
        except (ProtocolError, DomainError):
            await hub.execute(commands.LookUpForCitizen(now=hub.now(), volunteer=session.device.id, found=False))
            raise
        await hub.execute(commands.LookUpForCitizen(now=hub.now(), volunteer=session.device.id, found=True))
    else:
        dossier = await find_dossier(hub, args["code"])
    return {
        "dossier": dossier_view(hub, dossier),
        "pickup": pickup_possible(hub, dossier),
        "url": dossier_url(hub, dossier.code),  # its public page with the check: for the slip's QR code
    }


@operation(
    "dossier.upsert",
    (Role.INTEGRATION,),
    {
        "code": CODE,
        "status": Field(str, max_length=20, choices=tuple(s.value for s in DossierStatus)),
        "procedure": TEXT,
        "field": TEXT,
        "department": TEXT,
        "officer": TEXT,
        "received_date": DATE,
        "due_date": DATE,
        "result_date": DATE,
        "collect_at": TEXT,
        "steps": Field(list, required=False, max_length=MAX_STEPS),
        "version": Field(int, required=False, minimum=0, maximum=MAX_VERSION),
        "applicant_id": Field(str, required=False, max_length=12),
    },
)
async def dossier_upsert(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    applicant = args.pop("applicant_id")
    if applicant is not None:
        hub.services.citizens.hash(applicant, "applicant_id")  # a bad number: card_invalid, nothing stored
    given = {k: v for k, v in args.items() if v is not None}
    try:
        dossier = Dossier.from_mapping(given)
    except InvalidDossier as exc:
        raise invalid_dossier(exc) from None
    known, version = stored_version(hub, dossier.code)
    if version is not None and dossier.version is None:
        raise ProtocolError(
            ProtocolErrorCode.DOSSIER_INVALID,
            f"Dossier {dossier.code} is at version {version}: a push to it needs a version above {version}.",
            field="version",
            stored_version=version,
        )
    source = session.device.id if session.device else "integration"
    applied = await store_dossiers(
        hub,
        [dossier],
        source,
        {dossier.code: applicant} if applicant else None,
        only={dossier.code: [k for k in given if k not in ("code", "version")]} if known else None,
    )
    now_stored = stored_dossier(hub, dossier.code) or dossier  # merged with what was there (or left as it was)
    return {
        "dossier": dossier_view(hub, now_stored),
        "applied": bool(applied),
        "url": dossier_url(hub, dossier.code),
    }


@operation(
    "dossier.pickup",
    (Role.KIOSK, Role.MANAGER),
    {"code": CODE, "priority": Field(str, required=False, max_length=40)},
)
async def dossier_pickup(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """A ticket in the result-collection field for a ready dossier, carrying its code; the
    same ticket again while one for that dossier is still waiting or at a counter today."""
    service = hub.config.dossiers.pickup_service
    if service is None:
        raise ProtocolError(
            ProtocolErrorCode.PICKUP_UNAVAILABLE, "This centre gives no pick-up tickets ([dossiers] pickup_service)."
        )
    dossier = await find_dossier(hub, args["code"])
    if dossier.status is not DossierStatus.READY:
        raise ProtocolError(
            ProtocolErrorCode.DOSSIER_NOT_READY,
            f"The result of dossier {dossier.code} is not ready (it is {dossier.status.value}).",
            dossier=dossier.code,
            status=dossier.status.value,
        )
    today = hub.now().date()
    for ticket in hub.lobby.state.tickets.values():
        if ticket.dossier == dossier.code and ticket.day == today and ticket.state in _OPEN:
            return {"ticket": ticket_for_issuer(hub, ticket), "dossier": dossier_view(hub, dossier), "existing": True}
    source = session.device.id if session.device else None

    async def issue(code: str) -> Any:
        cmd = commands.IssueTicket(
            now=hub.now(), service=service, code=code, priority=args["priority"], source=source, dossier=dossier.code
        )
        return await hub.execute(cmd)

    events = await with_new_code(issue, codes.TICKET_CODE_LENGTH)
    ticket = hub.lobby.state.tickets[events[-1].data["ticket"]]
    return {"ticket": ticket_for_issuer(hub, ticket), "dossier": dossier_view(hub, dossier), "existing": False}


_OPEN = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)
