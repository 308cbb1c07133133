"""One pooled login role for every site, each kept to its own rows by its key (docs/province.md,
"Deployment"): the page's SQL run on a real PostgreSQL, sites shipping through PgBouncer's
transaction pooling as that one role, a site that names another site or gives no key, and
what another session of the role can read in ``pg_stat_activity``."""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
from pathlib import Path

import psycopg
import pytest

from bench.shipping_sites import drop_roles, site_logs
from central import schema as central
from province.cluster import Cluster, Pooler
from queue_server.shipping.shipper import Shipper, wait_caught_up
from tests.province.test_site_roles import PASSWORD, TABLES, pooled_role_sql
from tests.shipping.sites import central_log, failing, quick, site_log

SHIPPER = "pooled_shipper"  # the page's motcua_shipper (and motcua_site: pooled_sites), named for this test
DATABASES = itertools.count(1)
KEYS = {"site-0000": "k0-" + "a" * 40, "site-0001": "k1-" + "b" * 40}


def seen_as(dsn: str, key: central.SiteKey | None) -> dict[str, set[str]]:
    """The sites of each table's rows, as this role and key see them (one transaction a table)."""
    with central.connect(dsn, key=key) as conn:
        seen = {}
        for table in TABLES:
            with central.transaction(conn, 5):
                seen[table] = {s for (s,) in conn.execute(f"SELECT DISTINCT site FROM {table}")}
        return seen


@pytest.fixture
def pooled(pg_cluster: Cluster, pg_pooler: Pooler, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database set up by the page's SQL for two sites of the pooled role; (owner DSN, the
    pooled role's DSN through the pooler, the two sites' logs)."""
    database = f"pooled_role_{next(DATABASES)}"
    owner = pg_cluster.create_database(database)
    with central.connect(owner) as conn:
        central.migrate(conn)
        for statement in pooled_role_sql(database, {site: hashlib.sha256(key.encode()).hexdigest() for site, key in KEYS.items()}):
            conn.execute(statement.replace("motcua_site", "pooled_sites").replace("motcua_shipper", SHIPPER))  # roles: the cluster's
    try:
        yield owner, pg_pooler.dsn(database, user=SHIPPER, password=PASSWORD), site_logs(tmp_path, 2, tickets=4)
    finally:
        drop_roles(owner, [SHIPPER, "pooled_sites"])
        with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {database} WITH (FORCE)")


def test_each_site_ships_and_reads_its_own_rows_with_its_key(pooled) -> None:  # type: ignore[no-untyped-def]
    owner, dsn, logs = pooled
    for log in logs:
        shipper = Shipper(log, log.stem, quick(dsn, site_key=KEYS[log.stem]))
        shipper.start()
        try:
            assert wait_caught_up(shipper, 30), shipper.status.last_error
        finally:
            shipper.stop()
        assert central_log(owner, log.stem) == site_log(log)
    for site, key in KEYS.items():
        seen = seen_as(dsn, central.SiteKey(site, key))
        assert {t: s for t, s in seen.items() if s} == {t: {site} for t in ("events", "tickets", "sites", "site_days", "site_field_days", "site_months")}
        assert all(s <= {site} for s in seen.values())
    # the policy's site asked once a statement (an InitPlan), not once a row
    with central.connect(dsn, key=central.SiteKey("site-0000", KEYS["site-0000"])) as conn, central.transaction(conn, 5):
        plan = "\n".join(row[0] for row in conn.execute("EXPLAIN (VERBOSE) SELECT * FROM events"))
    assert "InitPlan" in plan and "motcua_current_site()" in plan, plan


def test_another_sites_id_a_wrong_key_or_none_writes_nothing(pooled) -> None:  # type: ignore[no-untyped-def]
    owner, dsn, (mine, _) = pooled
    cases = {  # as An Bình's site would try: another's id with its own key; its own id with no key
        "site-0001": (KEYS["site-0000"], "khóa của điểm «site-0001» không đúng"),
        "site-0000": ("", "row-level security"),
    }
    for site, (key, error) in cases.items():
        last_error = failing(Shipper(mine, site, quick(dsn, site_key=key, retry_max_seconds=0.1)))
        assert error in last_error, last_error
    with psycopg.connect(owner) as conn:
        assert conn.execute("SELECT count(*) FROM events").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sites").fetchone() == (0,)
    # a site with no key kept: said so; no site named: nothing seen (and no error)
    with pytest.raises(psycopg.errors.InvalidAuthorizationSpecification, match="điểm «xa-khac» không có khóa"):
        seen_as(dsn, central.SiteKey("xa-khac", "x" * 40))
    assert seen_as(dsn, None) == {t: set() for t in TABLES}


def test_the_key_never_shows_in_pg_stat_activity(pooled, pg_cluster: Cluster) -> None:  # type: ignore[no-untyped-def]
    """What another session of the pooled role (another site) can read while a site's
    transaction is open and while its batch waits on a lock."""
    owner, dsn, (log, _) = pooled
    key = KEYS["site-0000"]
    database = owner.rsplit("/", 1)[1]
    looker = pg_cluster.dsn(database, user=SHIPPER)  # another session of the role

    def queries() -> list[str]:
        with psycopg.connect(looker) as conn:
            return [q for (q,) in conn.execute("SELECT query FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()", [SHIPPER])]

    with central.connect(dsn, key=central.SiteKey("site-0000", key)) as conn, central.transaction(conn, 5):
        seen = queries()  # the site's transaction open, its first statement the last one run
    assert any("set_config('motcua.site_key', $" in q for q in seen), seen
    assert not any(key in q for q in seen), seen

    with psycopg.connect(owner) as locker:
        locker.execute("INSERT INTO sites (site) VALUES ('site-0000')")
        locker.commit()
        locker.execute("SELECT * FROM sites WHERE site = 'site-0000' FOR UPDATE")  # the batch waits on it
        shipper = Shipper(log, "site-0000", quick(dsn, site_key=key))
        shipper.start()
        try:
            seen, deadline = [], time.monotonic() + 20
            while not any("FOR UPDATE" in q for q in seen) and time.monotonic() < deadline:
                seen = queries()
                threading.Event().wait(0.05)
            assert any("FOR UPDATE" in q for q in seen), seen
            assert not any(key in q for q in seen), seen
        finally:
            locker.rollback()
            assert wait_caught_up(shipper, 30), shipper.status.last_error
            shipper.stop()


def test_a_role_in_the_poolers_auth_file_logs_in_without_auth_query(pg_cluster: Cluster, pg_pooler: Pooler, central_dsn: str) -> None:
    """``Pooler.know``: the pooled role's SCRAM secret in PgBouncer's own file, so that its
    logins need no look-up (a server connection each): with its password gone from PostgreSQL
    (the look-up would find none) it still gets in; a role not in the file does not."""
    database = central_dsn.rsplit("/", 1)[1]
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        for role in ("filed_shipper", "looked_up_shipper"):
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
    try:
        pg_pooler.know("filed_shipper")
        with psycopg.connect(central_dsn, autocommit=True) as conn:
            for role in ("filed_shipper", "looked_up_shipper"):
                conn.execute(f"ALTER ROLE {role} PASSWORD NULL")
        with psycopg.connect(pg_pooler.dsn(database, user="filed_shipper", password=PASSWORD), connect_timeout=10) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("filed_shipper",)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(pg_pooler.dsn(database, user="looked_up_shipper", password=PASSWORD), connect_timeout=10)
        with pytest.raises(ValueError, match="no SCRAM password"):
            pg_pooler.know("looked_up_shipper")
    finally:
        with psycopg.connect(central_dsn, autocommit=True) as conn:
            for role in ("filed_shipper", "looked_up_shipper"):
                conn.execute(f"DROP ROLE {role}")
