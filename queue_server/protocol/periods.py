"""The days a report asks for — a request's ``period`` (day, week, month) and a ``date`` in
it — checked at the edge, for every report operation (the site's and the province's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from queue_server.core.periods import Period, period_bounds
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field

PERIOD_FIELDS = {
    "period": Field(str, required=False, choices=tuple(p.value for p in Period)),
    "date": Field(str, required=False, max_length=10),
}


def asked_days(args: Mapping[str, Any], today: dt.date, default: Period = Period.DAY) -> tuple[Period, dt.date, dt.date]:
    """``(period, first day, last day)``: the period holding ``date`` (default: today)."""
    period = Period(args.get("period") or default.value)
    day = today
    if args.get("date") is not None:
        try:
            day = dt.date.fromisoformat(args["date"])
        except ValueError:
            raise ProtocolError(
                ProtocolErrorCode.BAD_FIELD, 'The field "date" must be a date like 2026-11-23.', field="date"
            ) from None
    first, last = period_bounds(period, day)
    return period, first, last
