"""The province's central side (``motcua-central``): every site's shipped log in one
PostgreSQL (:mod:`queue_server.replication`), a live view of every site, reports across
sites, and manager accounts each limited to the sites they may see.

- :mod:`.settings`, :mod:`.config`: the province's TOML file (database, managers, scopes).
- :mod:`.scope`: which sites a manager sees (pure).
- :mod:`.live`, :mod:`.reports`: the queries (psycopg 3).
- :mod:`.server`: the websocket server and its pages; :mod:`.cli`: ``motcua-central``.
"""
