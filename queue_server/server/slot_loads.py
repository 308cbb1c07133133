"""The booking page's slots with what the forecast expects in each (``appointment.slots``):
quiet hours offered first. The figures come from the pure ``queue_server/core/planning``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from queue_server.core.planning.forecast import DEFAULT_WEEKS, forecast, history_days, plannable
from queue_server.core.planning.offpeak import quiet_slots, slot_load
from queue_server.core.planning.slots import busy_span, slot_of
from queue_server.store.history import booked_by_slot, walk_ins_by_slot

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


async def slot_loads(hub: Hub, service: str, day: dt.date, slots: list[dict[str, Any]]) -> None:
    """Add to each booking slot of ``service`` on ``day`` its ``expected_arrivals`` (from the
    forecast: the field's walk-ins and bookings) and whether it is one of the ``quiet`` ones:
    among the slots with free places between the field's first and last half-hour with any
    arrival expected (not the night of a centre open round the clock), the third expecting
    the fewest."""
    code = hub.config.site.service(service)
    if code is None or not slots:
        return
    if not plannable(day):  # no history can exist so near the calendar's ends
        for slot in slots:
            slot["expected_arrivals"], slot["quiet"] = 0.0, False
        return
    await hub.settled()
    tz = hub.config.site.tz
    history = walk_ins_by_slot(hub.reader, history_days(day, DEFAULT_WEEKS), tz, service)
    expected = forecast(day, [service], history, booked_by_slot(hub.reader, day, tz)).fields[0]
    starts = [dt.datetime.fromisoformat(s["start"]).astimezone(tz) for s in slots]
    loads = [slot_load(expected, start, code.slot_minutes) for start in starts]
    usual = busy_span(expected.arrivals)  # offer only hours the field is usually open for
    free = [s["free"] if slot_of(start) in usual else 0 for s, start in zip(slots, starts, strict=True)]
    for slot, load, quiet in zip(slots, loads, quiet_slots(loads, free), strict=True):
        slot["expected_arrivals"] = load
        slot["quiet"] = quiet
