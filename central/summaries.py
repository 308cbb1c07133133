"""Each site's closed days summed once: the rows the province's reports read.

A report over a month of fifty sites would otherwise sum millions of ticket rows each time.
Instead each (site, day) is summed once, per grouping (``dim``: the site as a whole, each
field, counter and officer; each grouping's rows hold all the day's tickets between them),
into ``report_days``: every figure's exact sums and counts, the
arrivals by hour (a citizen arrives once: the issue time of their first ticket), and for the 90th-percentile wait the day's waits themselves, sorted, with
how many fall below each step of a ladder (:data:`LADDER`). A report then adds up a few
thousand rows, and finds each group's p90 in two steps: the ladder's counts, summed, say in
which step the rank falls; only the waits of that step are read (see ``reports.py``).

Keeping them true: ``site_days`` has a row for every (site, day) with tickets. The shipper's
append marks a day ``dirty`` and deletes its summary rows in the same transaction as it
changes that day's tickets (:func:`central.schema.touch_days`), so a
summary present is a summary of the tickets as they are. :func:`summarize` sums the dirty
days before today, one site at a time under the site's row lock (the one the shipper takes):
it never reads a day half-shipped. A day still dirty — today, or a day a site shipped late
that the next round has not summed yet — is summed from its tickets by the report itself,
with the same SQL (:func:`summary_sql`): the figures are the same either way, to the digit.

The arrivals by hour depend on the time zone they are read in: a day's summary says which
(``site_days.tz``); a report in another zone sums that day from its tickets.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from typing import Any

import psycopg

from central import months

log = logging.getLogger(__name__)

_MINUTE = 60_000_000
# A wait's step: whole minutes up to an hour, then longer steps (µs). ``width_bucket`` puts a
# wait in step 0 below the first threshold, step i from threshold i to i + 1, the last step
# from the last threshold up.
LADDER: tuple[int, ...] = tuple(m * _MINUTE for m in (*range(1, 61), 75, 90, 120, 180, 240, 360, 480))
STEPS = len(LADDER) + 1
WORK_MEM = "64MB"  # a day's tickets sorted in memory, not on disk
# The counts of each summary row besides ``issued`` (every ticket but the new half of a
# transfer), as the site's reports count them (queue_server/store/reports.py).
COUNTS = {
    "transferred_in": "transferred_from IS NOT NULL",
    "done": "state = 'done'",
    "no_show": "state = 'no_show'",
    "cancelled": "state = 'cancelled'",
    "transferred": "state = 'transferred'",
    "waiting": "state = 'waiting'",
    "at_counter": "state IN ('called', 'serving')",
}
STATES = tuple(COUNTS)


class Dim(enum.StrEnum):
    SITE = "site"
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"


# A summary row's key within its site and day: '' for the site as a whole and for "none"
# (a ticket never called has no counter or officer).
_KEYS = {
    Dim.SITE: "''",
    Dim.SERVICE: "coalesce(service, '')",
    Dim.COUNTER: "coalesce(counter::text, '')",
    Dim.OFFICER: "coalesce(officer, '')",
}

COLUMNS = (
    "site, day, dim, key, issued, transferred_in, done, no_show, cancelled, transferred, waiting, at_counter,"
    " wait_sum, wait_count,"
    " service_sum, service_count, waits, wcum, rating_scores, rating_counts, hours"
)

# The summary tables (central migration 5; ``site_days`` filled from the tickets there).
SCHEMA = """
CREATE TABLE site_days (
    site text NOT NULL,
    day date NOT NULL,
    dirty boolean NOT NULL DEFAULT true,
    tz text,  -- the zone the day's summary counted arrivals by hour in
    PRIMARY KEY (site, day)
);
INSERT INTO site_days (site, day) SELECT DISTINCT site, day FROM tickets;
CREATE TABLE report_days (
    site text NOT NULL,
    day date NOT NULL,
    dim text NOT NULL,
    key text NOT NULL,
    issued int NOT NULL, done int NOT NULL, no_show int NOT NULL, cancelled int NOT NULL,
    transferred int NOT NULL, waiting int NOT NULL,
    wait_sum bigint NOT NULL, wait_count int NOT NULL,
    service_sum bigint NOT NULL, service_count int NOT NULL,
    waits bigint[] NOT NULL,        -- the waits, ascending
    wcum int[] NOT NULL,            -- wcum[i + 1]: how many waits are below LADDER step i
    rating_scores int[] NOT NULL, rating_counts int[] NOT NULL,
    hours int[] NOT NULL,           -- arrivals by hour of the day
    PRIMARY KEY (site, day, dim, key)
);
"""


def summary_sql(dim: Dim, where: str) -> str:
    """A SELECT of ``report_days`` rows summing the tickets that match ``where`` (its
    parameters, and ``below`` and ``tz``: :func:`parameters`).

    The counts by ladder step, by hour and by score come from each group's sorted values:
    ``width_bucket(x, sorted)`` is how many of them are ≤ x (a binary search), so a group's
    counts cost a few searches, not a comparison per ticket and step."""
    below = ", ".join(f"width_bucket(%(below)s[{i}], waits)" for i in range(1, STEPS)) + ", wait_count"
    hours = "ARRAY[" + ", ".join(f"width_bucket({h}, hs) - width_bucket({h - 1}, hs)" for h in range(24)) + "]::int[]"
    states = ", ".join(f"count(*) FILTER (WHERE {where})" for where in COUNTS.values())
    return f"""
    SELECT site, day, '{dim.value}', key, issued, {", ".join(STATES)}, wait_sum, wait_count, service_sum, service_count,
           waits, ARRAY[0, {below}]::int[],
           ARRAY(SELECT DISTINCT unnest(rs) ORDER BY 1), ARRAY(SELECT count(*) FROM unnest(rs) s GROUP BY s ORDER BY s)::int[],
           {hours}
    FROM (
        SELECT site, day, {_KEYS[dim]} AS key, count(*) FILTER (WHERE transferred_from IS NULL) AS issued,
               {states}, coalesce(sum(wait_us), 0) AS wait_sum, count(wait_us)::int AS wait_count,
               coalesce(sum(service_us), 0) AS service_sum, count(service_us) AS service_count,
               coalesce(array_agg(wait_us ORDER BY wait_us) FILTER (WHERE wait_us IS NOT NULL), '{{}}') AS waits,
               coalesce(array_agg(rating ORDER BY rating) FILTER (WHERE rating IS NOT NULL), '{{}}') AS rs,
               coalesce(array_agg(h ORDER BY h) FILTER (WHERE h IS NOT NULL), '{{}}') AS hs
        FROM (
            SELECT *, CASE WHEN transferred_from IS NULL AND issued_at IS NOT NULL
                      THEN extract(hour FROM issued_at::timestamptz AT TIME ZONE %(tz)s)::int END AS h
            FROM tickets WHERE {where}
        ) t
        GROUP BY 1, 2, 3
    ) g(site, day, key, issued, {", ".join(STATES)}, wait_sum, wait_count, service_sum, service_count, waits, rs, hs)
    """


def parameters(tz: dt.tzinfo) -> dict[str, Any]:
    """``below``: the largest wait below each step of the ladder (waits are whole µs)."""
    return {"below": [threshold - 1 for threshold in LADDER], "tz": str(tz)}


def next_site(conn: psycopg.Connection[Any], tz: dt.tzinfo, today: dt.date, after: str = "") -> str | None:
    """The first site after ``after`` (in name order) with a day to sum: a dirty day before
    ``today``, or one summed in another zone; or an ended month to sum (central/months.py)."""
    found = conn.execute(
        "SELECT min(site) FROM (SELECT min(site) FROM site_days WHERE (dirty OR tz IS DISTINCT FROM %(tz)s)"
        " AND day < %(today)s AND site > %(after)s"
        f" UNION ALL SELECT min(site) FROM ({months.SITES_TO_SUM} AND m.site > %(after)s) m) x(site)",
        {"tz": str(tz), "today": today, "after": after},
    ).fetchone()
    return found[0] if found else None


def summarize_site(conn: psycopg.Connection[Any], site: str, tz: dt.tzinfo, today: dt.date, limit: int = 31) -> int:
    """Sum the site's days to sum, ``limit`` days a transaction, each under the site's row
    lock (the shipper's append waits meanwhile); returns how many days were summed."""
    total = 0
    while True:
        with conn.transaction():
            conn.execute("SELECT 1 FROM sites WHERE site = %s FOR UPDATE", [site])
            conn.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            days = [
                day
                for (day,) in conn.execute(
                    "SELECT day FROM site_days WHERE site = %(site)s AND (dirty OR tz IS DISTINCT FROM %(tz)s)"
                    " AND day < %(today)s ORDER BY day LIMIT %(limit)s",
                    {"site": site, "tz": str(tz), "today": today, "limit": limit},
                )
            ]
            params = {**parameters(tz), "site": site, "days": days}
            conn.execute("DELETE FROM report_days WHERE site = %(site)s AND day = ANY(%(days)s)", params)
            for dim in Dim:
                conn.execute(
                    f"INSERT INTO report_days ({COLUMNS}) {summary_sql(dim, 'site = %(site)s AND day = ANY(%(days)s)')}",
                    params,
                )
            conn.execute(
                "UPDATE site_days SET dirty = false, tz = %(tz)s WHERE site = %(site)s AND day = ANY(%(days)s)", params
            )
        total += len(days)
        if len(days) < limit:
            break
    log.info("summed %d day(s) of %s for the reports", total, site)
    months.summarize_site(conn, site, tz, today)  # then its ended months, from those days
    return total


def summarize_all(conn: psycopg.Connection[Any], tz: dt.tzinfo, today: dt.date) -> int:
    """Every day to sum before ``today``, site after site; returns how many were summed."""
    total, site = 0, ""
    while (site := next_site(conn, tz, today, site)) is not None:
        total += summarize_site(conn, site, tz, today)
    return total
