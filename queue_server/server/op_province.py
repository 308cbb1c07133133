"""``province.nearby``: other centres of the province with a shorter wait for a field, for the
kiosk to suggest when the wait here is long (issue 22). Public figures only — names,
addresses, people waiting, counters open, distances, bookings and phone numbers taken — as
the central database has them (:mod:`queue_server.shipping.province_view`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import nearby
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.ops import operation
from queue_server.server.session import Session

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

NO_DATA = "Không có dữ liệu của các trung tâm khác (no data from the other centres)"


@operation("province.nearby", (Role.KIOSK, Role.MANAGER, Role.INTEGRATION), {"service": Field(str, max_length=20)})
async def province_nearby(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    site = hub.config.site
    service = site.service(args["service"])
    if service is None:
        raise DomainError(ErrorCode.SERVICE_UNKNOWN, f"No field has the code {args['service']!r}.")
    day = site.local(hub.now()).date()
    waiting = len(hub.lobby.state.waiting_for(service.code, day))
    wait = hub.lobby.state.estimated_wait_minutes(service.code, waiting)
    reply: dict[str, Any] = {
        "service": service.code,
        "waiting": waiting,
        "estimated_wait_minutes": wait,
        "target_wait_minutes": service.target_wait_minutes,
        "long": nearby.is_long(wait, service.target_wait_minutes),
        "province": "off",  # this site is not linked to a province ([central])
        "centres": [],
    }
    view = hub.province
    if view is None:
        return reply
    others = view.others()
    if others is None:
        return reply | {"province": "no_data", "message": NO_DATA}
    reply["province"] = "ok"
    if reply["long"]:
        place = hub.config.place
        here = (place.latitude, place.longitude) if place.latitude is not None and place.longitude is not None else None
        found = nearby.suggestions(service.code, waiting, float(wait or 0), here, others)
        reply["centres"] = [s.as_dict() for s in found]
    return reply
