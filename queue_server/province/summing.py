"""The province server's background round: each site's closed days summed for the reports
(replication/summaries.py), on a connection of its own so that no request waits for it.

One site's days at a time (a chunk takes a moment even after a long outage), every
``every`` seconds; the database away is waited out like any request's.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable

from ..replication import summaries
from .database import Database, DatabaseAway

log = logging.getLogger(__name__)

EVERY_SECONDS = 60.0


async def keep_summing(
    database: Database, tz: dt.tzinfo, clock: Callable[[], dt.datetime], every: float = EVERY_SECONDS
) -> None:
    """Runs until cancelled."""
    while True:
        try:
            await sum_closed_days(database, tz, clock().astimezone(tz).date())
        except DatabaseAway:
            pass  # said by the database; the next round tries again
        except Exception:  # a bug: logged, and the next round tries again
            log.exception("summing the sites' days failed")
        await asyncio.sleep(every)


async def sum_closed_days(database: Database, tz: dt.tzinfo, today: dt.date) -> int:
    """Every dirty day before ``today``, one site's chunk a query; how many were summed."""
    total = 0
    while (done := await database.query(lambda conn: summaries.summarize(conn, tz, today))) is not None:
        total += done
    return total
