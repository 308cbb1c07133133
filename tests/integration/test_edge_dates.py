"""Dates at the calendar's edge (years 1 and 9999) and past the dates the protocol takes are
answered ``bad_field`` naming the field, by every operation that reads a date, public ones
included: before, a week or a month of 9999-12-31 (or a booking at 9999-12-31 in UTC-12) ran
past ``date.max`` and answered ``internal_error`` with a traceback in the log."""

from __future__ import annotations

import logging

import pytest

from queue_server.protocol.periods import FIRST_DAY, LAST_DAY
from tests.integration.conftest import Clock, run, running_lobby

EDGES = ["9999-12-31", "9999-12-30", "9999-12-27", "0001-01-01", "0001-01-02", "3000-01-01", "1899-12-31"]


def asks(day: str) -> list[tuple[str, str, dict[str, object], str]]:
    """(who, operation, its fields, the field named) for every operation that reads a date."""
    found: list[tuple[str, str, dict[str, object], str]] = [
        ("phone", "appointment.slots", {"service": "HT", "day": day}, "day"),
        ("kiosk", "appointment.book", {"service": "HT", "slot_start": f"{day}T08:00:00+07:00"}, "slot_start"),
        ("kiosk", "appointment.book", {"service": "HT", "slot_start": f"{day}T23:30:00-12:00"}, "slot_start"),
        ("kiosk", "appointment.book", {"service": "HT", "slot_start": f"{day}T00:30:00+14:00"}, "slot_start"),
        ("manager", "stats.summary", {"from": day}, "from"),
        ("manager", "stats.summary", {"from": "2026-11-23", "to": day}, "to"),
        ("manager", "planning.forecast", {"date": day}, "date"),
        ("manager", "planning.heatmap", {"from": "2026-11-01", "to": day}, "to"),
        ("manager", "planning.heatmap", {"from": day}, "from"),
        ("manager", "planning.export", {"table": "staffing", "format": "csv", "date": day}, "date"),
        ("manager", "dossier.report", {"date": day, "period": "month"}, "date"),
    ]
    for period in ("day", "week", "month"):
        found += [
            ("manager", "report.get", {"date": day, "period": period}, "date"),
            ("manager", "report.export", {"date": day, "period": period, "format": "csv"}, "date"),
            ("manager", "insight.get", {"date": day, "period": period}, "date"),
            ("manager", "insight.export", {"date": day, "period": period, "format": "xlsx"}, "date"),
        ]
    return found


def test_every_date_a_request_carries_past_the_taken_ones_is_bad_field(db_path, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            phone = await lobby.client()
            await phone.ok("hello")
            clients = {"phone": phone, "kiosk": await lobby.client("kiosk"), "manager": await lobby.client("manager")}
            for day in EDGES:
                for who, op, args, field in asks(day):
                    reply = await clients[who].call(op, **args)
                    assert not reply["ok"], (op, args)
                    assert (reply["error"]["code"], reply["error"].get("details")) == ("bad_field", {"field": field}), (op, args, reply)
            # the first and the last day taken still work, to the end of their week and month
            for day in (FIRST_DAY.isoformat(), LAST_DAY.isoformat()):
                await phone.ok("appointment.slots", service="HT", day=day)
                for period in ("day", "week", "month"):
                    await clients["manager"].ok("report.get", date=day, period=period)
                    await clients["manager"].ok("insight.get", date=day, period=period)

    with caplog.at_level(logging.ERROR):
        run(scenario())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
