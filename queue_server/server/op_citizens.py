"""A citizen's chip ID card at the kiosk (``citizen.find``): today's appointments booked with
that ID number, and the dossiers the one-stop system pushed with it.

The kiosk reads the card's QR code (:mod:`queue_server.core.citizens.card`), shows the citizen
what it will do, and sends only the 12-digit number once the citizen agrees. Here the number
becomes its keyed hash at once (``hub.services.citizens``: :mod:`queue_server.server.citizens`, the
key in a file beside the database); it is not stored, logged, or sent back (the reply masks it), and no event
carries it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes
from queue_server.core.citizens import mask_id
from queue_server.core.model import AppointmentState
from queue_server.dossiers.lookup import dossier_from_row
from queue_server.protocol.messages import Field
from queue_server.server.dossier_views import dossier_view, pickup_possible
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

MAX_FOUND = 20


@operation("citizen.find", (Role.KIOSK,), {"id_number": Field(str, max_length=12)})
async def citizen_find(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    id_hash = hub.services.citizens.hash(args["id_number"])
    today = hub.now().date()
    site = hub.config.site
    bookings = [row[0] for row in hub.reader.execute("SELECT booking FROM contacts WHERE id_hash = ?", [id_hash])]
    appointments = []
    for code in bookings:
        appointment = hub.lobby.state.appointments.get(code)
        if appointment is None or site.local(appointment.slot_start).date() != today:
            continue
        if appointment.state is not AppointmentState.BOOKED:
            continue
        service = site.service(appointment.service)
        appointments.append(
            appointment.as_dict()
            | {
                "code_display": codes.format_booking_code(code),
                "service_name_vi": service.name_vi if service else appointment.service,
                "service_name_en": service.name_en if service else appointment.service,
            }
        )
    appointments.sort(key=lambda a: a["slot_start"])
    dossiers = []
    rows = hub.reader.execute(
        "SELECT code, data, version FROM dossiers WHERE id_hash = ? ORDER BY updated_at DESC LIMIT ?", [id_hash, MAX_FOUND]
    ).fetchall()
    for row in rows:
        dossier = dossier_from_row(row)
        dossiers.append({**dossier_view(hub, dossier), "pickup": pickup_possible(hub, dossier)})
    return {"citizen": {"id_masked": mask_id(args["id_number"]), "appointments": appointments, "dossiers": dossiers}}
