"""``python -m bench.province --pooled``: the catch-up through PgBouncer, each site as the
pooled role with its key (as production ships), against a real PostgreSQL and PgBouncer."""

from __future__ import annotations

from pathlib import Path

import psycopg

from bench.province import catch_up
from bench.shipping_sites import POOLED, drop_site_roles
from central import schema as central
from province.cluster import Pooler


def _pooled_users(pooler: Pooler, database: str) -> set[str]:
    """The users the pooler has a pool of ``database`` for (``SHOW POOLS``)."""
    with psycopg.connect(pooler.admin_dsn(), autocommit=True, prepare_threshold=None) as admin:
        cursor = admin.execute("SHOW POOLS")
        columns = [d.name for d in cursor.description or []]
        return {row["user"] for row in (dict(zip(columns, r, strict=True)) for r in cursor.fetchall()) if row["database"] == database}


def test_every_site_catches_up_through_the_pooler_as_the_pooled_role(central_dsn: str, pg_pooler: Pooler, tmp_path: Path) -> None:
    database = central_dsn.rsplit("/", 1)[1]
    try:
        made, files, _ = catch_up(central_dsn, tmp_path, sites=3, tickets=5, processes=2, pooler=pg_pooler)
        assert made["through"].startswith("pgbouncer") and made["events"] == 3 * made["events_per_site"]
        with central.connect(central_dsn) as conn:
            shipped = conn.execute("SELECT site, last_seq, events_total FROM sites ORDER BY site").fetchall()
            (events,) = conn.execute("SELECT count(*) FROM events").fetchone()  # type: ignore[misc]
        assert shipped == [(f.stem, made["events_per_site"], made["events_per_site"]) for f in files]
        assert events == made["events"]
        assert POOLED in _pooled_users(pg_pooler, database)  # the sites logged in through the pooler as the pooled role
    finally:
        drop_site_roles(central_dsn, [])
