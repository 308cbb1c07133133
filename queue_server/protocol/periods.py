"""Dates at the edge: a request's day (``date``, ``day``, ``from``, ``to``), a moment with its
offset (``slot_start``), and the days a report asks for — a ``period`` (day, week, month) and a
``date`` in it — checked here for every operation of the site's and the province's servers.

A date is one of :data:`FIRST_DAY` … :data:`LAST_DAY`: past these no lobby books or reports
anything, and the arithmetic a report or a booking does from a day (its week, its month, the
next day, a time zone) stays inside Python's calendar (years 1–9999), instead of failing
with ``OverflowError`` on ``9999-12-31`` and ``0001-01-01``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from queue_server.core.periods import Period, period_bounds
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
_RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"

PERIOD_FIELDS = {
    "period": Field(str, required=False, choices=tuple(p.value for p in Period)),
    "date": Field(str, required=False, max_length=10),
}


def parse_day(text: str, field: str) -> dt.date:
    """The date ``text`` (``2026-11-23``) of the request's ``field``; else ``bad_field``."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise _bad(field, f"a date like 2026-11-23, {_RANGE}") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise _bad(field, f"a date {_RANGE}")
    return day


def parse_moment(text: str, field: str) -> dt.datetime:
    """The time with its offset ``text`` (``2026-11-23T08:00:00+07:00``) of ``field``, its day
    (there and in UTC) within the dates taken; else ``bad_field``."""
    expected = f"a time with its offset, like 2026-11-23T08:00:00+07:00, {_RANGE}"
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _bad(field, expected) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _bad(field, expected)
    if not FIRST_DAY < moment.date() < LAST_DAY:  # a day inside: any offset keeps it in the calendar
        raise _bad(field, expected)
    return moment


def asked_days(
    args: Mapping[str, Any], today: dt.date, default: Period = Period.DAY
) -> tuple[Period, dt.date, dt.date]:
    """``(period, first day, last day)``: the period holding ``date`` (default: today)."""
    period = Period(args.get("period") or default.value)
    day = today if args.get("date") is None else parse_day(args["date"], "date")
    first, last = period_bounds(period, day)
    return period, first, last


def _bad(field: str, expected: str) -> ProtocolError:
    return ProtocolError(ProtocolErrorCode.BAD_FIELD, f'The field "{field}" must be {expected}.', field=field)
