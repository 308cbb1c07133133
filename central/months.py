"""Each site's closed calendar months summed once from its summed days: the rows a month's
report reads (``province/reports.py``).

The province asks a day, a week or a calendar month (``queue_server/protocol/periods.py``).
A month's report by officer at 1,000 sites read 300,000 officer day rows (~860 MiB, their
waits and all) four times; with a month's row per (site, grouping, key) each group of a
report by site, field, counter or officer is one row (docs/performance.md).

- ``report_months``: ``report_days``' figures for (site, month's first day as ``day``, ``dim``,
  ``key``), the zone its arrivals by hour were counted in (``tz``), and the row's own exact
  nearest-rank p90 (``p90``: NULL when no wait) instead of its waits; ``wcum`` still the
  ladder's counts.
- ``report_month_waits``: the site's month of waits (dim site) split by ladder step, sorted:
  what a total's p90 across sites reads — the one step holding its rank, not a whole month's
  array a site (an array is read whole).
- ``site_months``: a row for every (site, month) with tickets; ``dirty`` while the month's
  tickets have changed since it was last summed. The shipper's append marks the touched days'
  months dirty and deletes their month rows in the same transaction as it changes the tickets
  (:data:`TOUCH`, through ``central.schema.touch_days``), so a month row present is of the
  tickets as they are. The summing (:func:`summarize_site`, after the site's days) sums each
  **ended** month (its last day before today) whose days are all summed in the zone: from the
  day rows, sums added, ratings merged, the waits of each step merged — the same figures as
  the days', to the digit.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import psycopg

log = logging.getLogger(__name__)

# every figure of a month row as the reports read it (``report_days``' minus the waits)
FIGURES = (
    "issued, transferred_in, done, no_show, cancelled, transferred, waiting, at_counter,"
    " wait_sum, wait_count, service_sum, service_count, wcum, rating_scores, rating_counts, hours"
)
_TABLES = ("site_months", "report_months", "report_month_waits")

# The month tables (a central migration); ``site_months`` filled from the days there are, so
# that the next summing round sums the closed months.
SCHEMA = (
    """
CREATE TABLE site_months (
    site text NOT NULL,
    day date NOT NULL,              -- the month's first day
    dirty boolean NOT NULL DEFAULT true,
    tz text,                        -- the zone the month's rows were summed in
    PRIMARY KEY (site, day)
);
INSERT INTO site_months (site, day) SELECT DISTINCT site, date_trunc('month', day)::date FROM site_days;
CREATE TABLE report_months (
    site text NOT NULL,
    day date NOT NULL,              -- the month's first day
    dim text NOT NULL,
    key text NOT NULL,
    tz text NOT NULL,
    issued int NOT NULL, transferred_in int NOT NULL, done int NOT NULL, no_show int NOT NULL,
    cancelled int NOT NULL, transferred int NOT NULL, waiting int NOT NULL, at_counter int NOT NULL,
    wait_sum bigint NOT NULL, wait_count int NOT NULL,
    service_sum bigint NOT NULL, service_count int NOT NULL,
    wcum int[] NOT NULL,            -- wcum[i + 1]: how many waits are below LADDER step i
    rating_scores int[] NOT NULL, rating_counts int[] NOT NULL,
    hours int[] NOT NULL,           -- arrivals by hour of the day
    p90 bigint,                     -- the nearest-rank 90th-percentile wait; NULL: no wait
    PRIMARY KEY (site, day, dim, key)
);
CREATE TABLE report_month_waits (
    site text NOT NULL,
    day date NOT NULL,
    step int NOT NULL,              -- the ladder's step (central.summaries.LADDER)
    waits bigint[] NOT NULL,        -- the site's month of waits in that step, ascending
    PRIMARY KEY (site, day, step)
);
"""
    + "".join(
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"
        f" CREATE POLICY own_site ON {table} USING (site = (SELECT motcua_current_site()));\n"
        for table in _TABLES
    )
)

# (central.schema.touch_days' statement) the months of the touched days: their rows gone,
# marked to sum again — in the shipper's transaction
TOUCH = """
months AS (SELECT DISTINCT date_trunc('month', d)::date AS day FROM unnest(%(days)s::date[]) d),
gone_months AS (DELETE FROM report_months WHERE site = %(site)s AND day IN (SELECT day FROM months)),
gone_waits AS (DELETE FROM report_month_waits WHERE site = %(site)s AND day IN (SELECT day FROM months)),
marked AS (
    INSERT INTO site_months (site, day) SELECT %(site)s, day FROM months
    ON CONFLICT (site, day) DO UPDATE SET dirty = true WHERE NOT site_months.dirty
)
"""

# a month to sum: ended before today, not summed (or in another zone), every day summed in the zone
_TO_SUM = """
(m.dirty OR m.tz IS DISTINCT FROM %(tz)s) AND (m.day + interval '1 month')::date <= %(today)s
AND NOT EXISTS (SELECT FROM site_days d WHERE d.site = m.site AND d.day >= m.day
                AND d.day < (m.day + interval '1 month')::date AND (d.dirty OR d.tz IS DISTINCT FROM %(tz)s))
"""
SITES_TO_SUM = f"SELECT m.site FROM site_months m WHERE {_TO_SUM}"  # (summaries.next_site)



def _days(d: str) -> str:
    """The site's day rows of the month, named ``d``."""
    return (
        f"{d}.site = %(site)s AND {d}.day >= %(month)s AND {d}.day < (%(month)s::date + interval '1 month')::date"
    )


_SUMS = (
    ", ".join(f"sum(d.{c})" for c in FIGURES.split(", ")[:12])
    + ", l.wcum, coalesce(r.scores, '{}'), coalesce(r.counts, '{}')"
    + ", ARRAY[" + ", ".join(f"sum(d.hours[{h}])" for h in range(1, 25)) + "]::int[]"
)
# the month's rows from its days: sums added, the ladder's counts added, ratings merged
_INSERT = f"""
WITH ladder AS (
    SELECT dim, key, array_agg(n ORDER BY i)::int[] AS wcum
    FROM (SELECT dim, key, i, sum(w) AS n FROM report_days d, unnest(d.wcum) WITH ORDINALITY AS u(w, i)
          WHERE {_days("d")} GROUP BY dim, key, i) x
    GROUP BY dim, key
), ratings AS (
    SELECT dim, key, array_agg(s ORDER BY s) AS scores, array_agg(n ORDER BY s)::int[] AS counts
    FROM (SELECT dim, key, s, sum(n) AS n FROM report_days d, unnest(d.rating_scores, d.rating_counts) AS u(s, n)
          WHERE {_days("d")} GROUP BY dim, key, s) x
    GROUP BY dim, key
)
INSERT INTO report_months (site, day, dim, key, tz, {FIGURES})
SELECT %(site)s, %(month)s, d.dim, d.key, %(tz)s, {_SUMS}
FROM report_days d JOIN ladder l ON l.dim = d.dim AND l.key = d.key LEFT JOIN ratings r ON r.dim = d.dim AND r.key = d.key
WHERE {_days("d")}
GROUP BY d.dim, d.key, l.wcum, r.scores, r.counts
"""
# each month row's p90: its rank (``ceil(0.9 n)`` in floating point, as Python's own
# ``math.ceil(0.9 * n)``), the ladder's step holding it (``wcum[step + 2]``: the waits of the
# steps up to ``step``), and the rank-th of the days' waits of that step
_P90 = f"""
WITH ranks AS (
    SELECT dim, key, step, k - wcum[step + 1] AS wanted
    FROM (SELECT dim, key, wcum, k,
                 (SELECT min(i) FROM generate_series(0, array_length(wcum, 1) - 2) i WHERE wcum[i + 2] >= k) AS step
          FROM (SELECT dim, key, wcum, ceil(0.9::float8 * wait_count)::int AS k FROM report_months
                WHERE site = %(site)s AND day = %(month)s AND wait_count > 0) m) x
), picked AS (
    SELECT dim, key, v FROM (
        SELECT r.dim, r.key, r.wanted, v, row_number() OVER (PARTITION BY r.dim, r.key ORDER BY v) AS n
        FROM ranks r JOIN report_days d ON {_days("d")} AND d.dim = r.dim AND d.key = r.key,
             unnest(d.waits[d.wcum[r.step + 1] + 1 : d.wcum[r.step + 2]]) AS v
    ) x WHERE n = wanted
)
UPDATE report_months m SET p90 = p.v FROM picked p
WHERE m.site = %(site)s AND m.day = %(month)s AND m.dim = p.dim AND m.key = p.key
"""
# the site's month of waits by the ladder's step, each step's sorted
_WAITS = f"""
INSERT INTO report_month_waits (site, day, step, waits)
SELECT %(site)s, %(month)s, s, array_agg(v ORDER BY v)
FROM report_days d, generate_series(0, array_length(d.wcum, 1) - 2) s, unnest(d.waits[d.wcum[s + 1] + 1 : d.wcum[s + 2]]) AS v
WHERE {_days("d")} AND d.dim = 'site'
GROUP BY s
"""


def summarize_site(conn: psycopg.Connection[Any], site: str, tz: dt.tzinfo, today: dt.date) -> int:
    """Sum the site's ended months whose days are all summed in ``tz``, under the site's row
    lock (the shipper's append waits meanwhile); returns how many months were summed."""
    with conn.transaction():
        conn.execute("SELECT 1 FROM sites WHERE site = %s FOR UPDATE", [site])
        params: dict[str, Any] = {"site": site, "tz": str(tz), "today": today}
        months = [month for (month,) in conn.execute(f"SELECT day FROM site_months m WHERE site = %(site)s AND {_TO_SUM}", params)]
        for month in months:
            params["month"] = month
            conn.execute("DELETE FROM report_months WHERE site = %(site)s AND day = %(month)s", params)
            conn.execute("DELETE FROM report_month_waits WHERE site = %(site)s AND day = %(month)s", params)
            conn.execute(_INSERT, params)
            conn.execute(_P90, params)
            conn.execute(_WAITS, params)
        conn.execute(
            "UPDATE site_months SET dirty = false, tz = %(tz)s WHERE site = %(site)s AND day = ANY(%(months)s)",
            {**params, "months": months},
        )
    if months:
        log.info("summed %d month(s) of %s for the reports", len(months), site)
    return len(months)


def is_month(first: dt.date, last: dt.date) -> bool:
    """``[first, last]`` is exactly one calendar month."""
    following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first.day == 1 and last == following - dt.timedelta(days=1)
