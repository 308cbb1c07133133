"""Quiet booking slots ("Giờ vắng"): a booking slot's expected arrivals from the forecast of
its field, and the quietest third of the slots with free places."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from queue_server.core.planning.forecast import FieldForecast
from queue_server.core.planning.slots import SLOT_MINUTES, SLOTS_PER_DAY


def slot_load(expected: FieldForecast, start: dt.datetime, minutes: int) -> float:
    """The arrivals expected during a booking slot of ``minutes`` from local ``start``: each
    half-hour it overlaps counts for the share of it that the slot covers."""
    arrivals = expected.arrivals
    load = 0.0
    moment = start.hour * 60 + start.minute
    end = moment + minutes
    while moment < end:
        slot = moment // SLOT_MINUTES
        step = min(end, (slot + 1) * SLOT_MINUTES) - moment
        if slot < SLOTS_PER_DAY:
            load += arrivals[slot] * step / SLOT_MINUTES
        moment += step
    return round(load, 2)


def quiet_slots(loads: Sequence[float], free: Sequence[int]) -> list[bool]:
    """Which slots to offer first: among those with free places, the third (rounded up) with the
    lowest loads, ties included; none when every such slot expects the same load."""
    open_loads = sorted(load for load, places in zip(loads, free, strict=True) if places > 0)
    if not open_loads or open_loads[0] == open_loads[-1]:
        return [False] * len(loads)
    limit = open_loads[math.ceil(len(open_loads) / 3) - 1]
    return [places > 0 and load <= limit and load < open_loads[-1] for load, places in zip(loads, free, strict=True)]

