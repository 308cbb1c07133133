"""Shipping a site's event log to the province's central PostgreSQL.

    site SQLite log ──(shipper thread, read-only connection)──► central ``events`` (by month)
                                                               └ ``sites`` tracking row

The site keeps working alone: shipping reads the log with a connection of its own (WAL lets
it read while the writer commits) and never writes to the site's database. The central side
keeps, per site, a *tracking* row (``sites.last_seq``) in the same transaction as the events
it appends, so a replayed batch is skipped, a batch that would leave a gap is refused, and a
restart of either side resumes exactly where the central copy ends.

- :mod:`.redact`: what of an event leaves the site (pure).
- :mod:`.backoff`: how long to wait after a failure (pure).
- :mod:`.central`: the central schema and the append of one batch (psycopg 3).
- :mod:`.shipper`: the thread that reads the site's log and ships it.
"""
