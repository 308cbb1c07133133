"""The province's central side (``motcua-central``): every site's shipped log in one
PostgreSQL (its schema is :mod:`central`), a live view of every site, reports across sites,
and manager accounts each limited to the sites they may see.

- :mod:`.settings`, :mod:`.config`: the province's TOML file (database, managers, scopes).
- :mod:`.database`: the connection and the schema's migrations at start.
- :mod:`.live`, :mod:`.reports`, :mod:`.exports`: the queries and the files (psycopg 3).
- :mod:`.summing`: each site's closed days summed in the background (:mod:`central.summaries`).
- :mod:`.take`: the public page's websocket: a number or a booking at any centre, asked of the
  site through the central database (:mod:`central.remote_requests`).
- :mod:`.server`: the websocket server and its pages; :mod:`.cli`: ``motcua-central``;
  :mod:`.demo`: ``make province``; :mod:`.cluster`: a throwaway PostgreSQL cluster.
"""
