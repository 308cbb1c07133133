"""Reading one booking by its code (``appointment.get``): the phone page a booking's QR code
opens, and the kiosk. The code is the secret: whoever holds it may read that booking only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import booking_url
from queue_server.server.ops import Door, operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


@operation(
    "appointment.get",
    (Role.PUBLIC, Role.KIOSK, Role.MANAGER, Role.INTEGRATION),
    {"booking": Field(str, max_length=200)},
    door=Door.LOOKUP,
)
async def appointment_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    code = codes.normalize_code(args["booking"].rsplit(codes.BOOKING_PATH, 1)[-1])
    appointment = hub.lobby.state.appointments.get(code) if codes.is_booking_code(code) else None
    if appointment is None:
        raise DomainError(ErrorCode.BOOKING_UNKNOWN, "No booking has this code.")
    service = hub.config.site.service(appointment.service)
    site = hub.config.site
    slot = site.local(appointment.slot_start)
    return {
        "appointment": appointment.as_dict()
        | {
            "code_display": codes.format_booking_code(code),
            "service_name_vi": service.name_vi if service else appointment.service,
            "service_name_en": service.name_en if service else appointment.service,
            # the kiosk gives a ticket that goes first from this time to that (the site's policy)
            "checkin_from": (slot - site.policy.checkin_early).isoformat(),
            "checkin_until": (slot + site.policy.checkin_late).isoformat(),
        },
        "url": booking_url(hub, code),
    }
