"""Shipping a site's event log to the province's central PostgreSQL.

    site SQLite log ──(shipper thread, read-only connection)──► central ``events`` (by month)
                                                               └ ``sites`` tracking row

The site keeps working alone: shipping reads the log with a connection of its own (WAL lets
it read while the writer commits) and never writes to the site's database. The central side
keeps, per site, a *tracking* row (``sites.last_seq``) in the same transaction as the events
it appends, so a replayed batch is skipped, a batch that would leave a gap is refused, and a
restart of either side resumes exactly where the central copy ends.

- :mod:`.redact`: what of an event leaves the site (pure).
- :mod:`.shipper`: the thread that reads the site's log and ships it, through the central
  database's contract (:mod:`central.schema`: the schema and the append of one batch), waiting
  after a failure as :mod:`queue_server.protocol.backoff` says.
- :mod:`.site_record`, :mod:`.dossier_alarms`: the site's configuration snapshot and its late
  dossiers' counts, sent beside the log; :mod:`.status`: the shipping's figures for ``/metrics``.
- :mod:`.remote_requests`: the thread that reads the province page's requests to this site (a
  number, a booking) from the central database and writes back the site's answers
  (:mod:`central.remote_requests`); the server decides them.
"""
