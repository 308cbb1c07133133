"""``province.report`` and ``province.export`` at the calendar's edge, on a real province server
and a real PostgreSQL: ``bad_field`` naming ``date`` (before: a week or a month of 9999-12-31
ran past ``date.max``: ``internal_error`` and a traceback)."""

from __future__ import annotations

import logging

import pytest

from queue_server.protocol.periods import LAST_DAY
from tests.integration.client import Client
from tests.province.test_province_limits import DIRECTOR, serve


def test_a_report_of_a_date_past_the_taken_ones_is_bad_field(province, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    config, _ = province

    async def scenario(url: str) -> None:
        director = await Client.open(url)
        await director.ok("hello", token=DIRECTOR)
        for day in ("9999-12-31", "9999-12-27", "0001-01-01", "3000-01-01", "1899-12-31"):
            for period in ("day", "week", "month"):
                refused = await director.error("province.report", "bad_field", date=day, period=period)
                assert refused["details"] == {"field": "date"}, (day, period)
                refused = await director.error("province.export", "bad_field", date=day, period=period, format="csv")
                assert refused["details"] == {"field": "date"}, (day, period)
        for period in ("day", "week", "month"):
            await director.ok("province.report", date=LAST_DAY.isoformat(), period=period)
        await director.close()

    with caplog.at_level(logging.ERROR):
        serve(config, scenario)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
