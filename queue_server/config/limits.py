"""``[limits.<role>]``: how many requests a second one connection of a device's role may make
(``rate``) and how many at once (``burst``), where the server's defaults (50 a second after
200 at once) are not enough, e.g. a big centre's integration or a bank of kiosks behind one
program::

    [limits.integration]
    rate = 200
    burst = 1000

A role not named keeps the defaults; phones (``public``) are budgeted per address by the
public doors' settings, not here (docs/protocol.md, "Limits").
"""

from __future__ import annotations

from collections.abc import Mapping

from queue_server.config.checks import Table
from queue_server.config.settings import RateLimit, Role

LIMIT_KEYS = ("rate", "burst")
DEVICE_ROLES = tuple(r.value for r in Role if r is not Role.PUBLIC)
MAX_RATE = 10_000.0  # requests a second: far above what one connection can send and be answered
MAX_BURST = 100_000.0


def read_limits(root: Table) -> Mapping[Role, RateLimit]:
    table = root.table("limits", DEVICE_ROLES)
    if table is None:
        return {}
    default = RateLimit()
    limits: dict[Role, RateLimit] = {}
    for name in DEVICE_ROLES:
        role_table = table.table(name, LIMIT_KEYS)
        if role_table is None:
            continue
        rate = role_table.number("rate", default.rate, high=MAX_RATE)
        burst = role_table.number("burst", default.burst, high=MAX_BURST)
        if burst < 1:
            role_table.report("burst", f"must be at least 1 (a request at once), not {burst:g}")
            burst = default.burst
        limits[Role(name)] = RateLimit(rate, burst)
    return limits
