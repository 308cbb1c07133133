"""The province server's background round: each site's closed days summed for the reports
(central/summaries.py), on a connection of its own so that no request waits for it.

One site's days at a time (a month's days a transaction, so a long outage's backlog never
holds a site's shipping for long), every ``every`` seconds; the database away is waited
out like any request's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from central import summaries
from central.database import keep_doing
from province.database import Database, DatabaseAway

log = logging.getLogger(__name__)

EVERY_SECONDS = 60.0


async def keep_summing(
    database: Database, tz: dt.tzinfo, clock: Callable[[], dt.datetime], every: float = EVERY_SECONDS
) -> None:
    """Runs until cancelled (the database away: said by the database; the next round tries again)."""
    await keep_doing(
        lambda: sum_closed_days(database, tz, clock().astimezone(tz).date()), every, "summing the sites' days failed"
    )


async def sum_closed_days(database: Database, tz: dt.tzinfo, today: dt.date) -> int:
    """Every day to sum before ``today``, a site at a time; a site whose days fail to sum is
    logged and passed over (the others are not held up by it). How many days were summed."""
    total, site = 0, ""
    while (site := await database.query(lambda conn: summaries.next_site(conn, tz, today, site))) is not None:
        try:
            total += await database.query(lambda conn: summaries.summarize_site(conn, site, tz, today))
        except DatabaseAway:
            raise
        except Exception:
            log.exception("summing the days of %s failed; the other sites go on", site)
    return total
