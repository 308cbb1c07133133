"""``motcua-national``: the country's view of every province's day summaries, received through
PostgreSQL's own logical replication (docs/national.md)."""
