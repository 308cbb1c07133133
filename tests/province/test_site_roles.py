"""A site's database role keeps to its own rows: the deployment's SQL (docs/province.md) run
on a real PostgreSQL, two sites shipping with their own roles through PgBouncer (transaction
pooling, SCRAM with the roles' own passwords), and one trying another's."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bench.shipping_sites import drop_roles
from central import schema as central
from central import summaries
from central.roles import GROUP, group_role
from province.cluster import Cluster, Pooler
from queue_server.config.settings import DossierSettings
from queue_server.shipping.shipper import Shipper, wait_caught_up
from queue_server.shipping.site_record import describe_site
from tests.integration.sites import TZ
from tests.province.province_data import site_named
from tests.shipping.sites import central_log, failing, quick, site_log

DOC = Path(__file__).resolve().parents[2] / "docs" / "province.md"
ROLES = {"xa-an-binh": "site_an_binh", "phuong-1": "site_phuong_1"}
PASSWORD = "a long random secret"  # the block's
TABLES = ("events", "tickets", "sites", "site_configs", "site_dossiers", "site_days", "report_days", "site_field_days",
          "site_months", "report_months", "report_month_waits")  # fmt: skip


def _block(start: str) -> list[str]:
    """The lines of docs/province.md's SQL block that begins with ``start``."""
    block = re.search(rf"```sql\n(  {start}.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    assert block is not None, f"docs/province.md no longer holds its SQL block {start}…"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def _common_sql(database: str) -> list[str]:
    """The sites' roles' lines that are once a province (the group ``motcua_site`` and its rights)."""
    return [line.replace("DATABASE motcua ", f"DATABASE {database} ") for line in _block("CREATE ROLE motcua_site") if "site_go_dau" not in line]


def deployment_sql(database: str) -> list[str]:
    """The block of docs/province.md that sets up the sites' roles, for these two sites."""
    lines = _block("CREATE ROLE motcua_site")
    common = _common_sql(database)
    per_site = [line for line in lines if "site_go_dau" in line]
    assert len(per_site) == 2, per_site
    for site, role in ROLES.items():
        common += [line.replace("site_go_dau", role).replace("'go-dau'", f"'{site}'") for line in per_site]
    return common


def pooled_role_sql(database: str, key_hashes: dict[str, str]) -> list[str]:
    """docs/province.md's lines for the pooled role (after the sites' common lines), with a
    key line for each site: ``key_hashes`` the SHA-256 (hex) of each site's key."""
    lines = _block("CREATE ROLE motcua_shipper")
    (per_site,) = [line for line in lines if "'go-dau'" in line]
    common = _common_sql(database) + [line for line in lines if line != per_site]
    return common + [per_site.replace("'go-dau'", f"'{site}'").replace("<sha256sum of the key>", digest) for site, digest in key_hashes.items()]


@contextlib.contextmanager
def deployed(pg_cluster: Cluster, database: str) -> Iterator[str]:
    """The database ``database``, migrated as motcua-central does, with the sites' roles of
    docs/province.md's block (:func:`deployment_sql`); its owner's DSN. The roles are the
    cluster's, not the database's: they are dropped at the end, whatever happened, so that the
    next test's block can make them again."""
    owner = pg_cluster.create_database(database)
    try:
        with central.connect(owner) as conn:
            central.migrate(conn)
            for statement in deployment_sql(database):
                conn.execute(statement)
        yield owner
    finally:
        drop_roles(owner, [*ROLES.values(), GROUP])


@pytest.fixture
def site_roles(pg_cluster: Cluster) -> Iterator[str]:
    with deployed(pg_cluster, "site_roles") as owner:
        yield owner


def test_the_pages_group_role_is_the_one_in_code() -> None:
    """docs/province.md's lines for the sites' group say exactly what central/roles.py makes
    (the benches and tests run the code's; the page must not drift from it)."""
    page = [line for line in _block("CREATE ROLE motcua_site") if "site_go_dau" not in line]
    assert page == [statement + ";" for statement in group_role("motcua_site", "motcua")]


@pytest.mark.parametrize("group, database", [("motcua-site", "motcua"), ("motcua_site", "motcua; DROP TABLE events"), ("", "motcua")])
def test_a_name_that_is_not_a_plain_identifier_is_refused(group: str, database: str) -> None:
    with pytest.raises(ValueError, match="không dùng được trong câu lệnh SQL"):
        group_role(group, database)


def sites_seen(dsn: str) -> dict[str, set[str]]:
    with psycopg.connect(dsn) as conn:
        return {table: {s for (s,) in conn.execute(f"SELECT DISTINCT site FROM {table}")} for table in TABLES}


def test_each_sites_role_reads_and_writes_its_own_rows_only(province, site_roles: str, pg_cluster: Cluster, pg_pooler: Pooler) -> None:  # type: ignore[no-untyped-def]
    _, dbs = province
    owner, database = site_roles, "site_roles"
    dsns = {site: pg_pooler.dsn(database, user=role, password=PASSWORD) for site, role in ROLES.items()}

    for site, db in dbs.items():  # each site ships with its own role; the month's partition made by the owner's function
        shipper = Shipper(db, site, quick(dsns[site]), describe_site(site_named(site)), DossierSettings(), TZ)
        shipper.start()
        try:
            assert wait_caught_up(shipper, 20), shipper.status.last_error
        finally:
            shipper.stop()
        assert central_log(owner, site) == site_log(db)
    with central.connect(owner) as conn:  # the province's role sums the days as motcua-central does
        assert summaries.summarize_all(conn, TZ, dt.datetime.now(TZ).date() + dt.timedelta(days=1)) == 2
        # and their month once it has ended (central/months.py)
        assert summaries.summarize_all(conn, TZ, dt.datetime.now(TZ).date() + dt.timedelta(days=62)) == 0
        assert conn.execute("SELECT count(DISTINCT site) FROM report_month_waits").fetchone() == (2,)

    both = set(ROLES)
    assert sites_seen(owner) == {table: both for table in TABLES}
    for site in ROLES:
        assert sites_seen(dsns[site]) == {table: {site} for table in TABLES}

    # a role with no site (made by the owner, given the same rights) sees nothing
    with psycopg.connect(owner, autocommit=True) as conn:
        conn.execute("CREATE ROLE site_nobody LOGIN IN ROLE motcua_site")
    try:
        assert sites_seen(pg_cluster.dsn(database, user="site_nobody")) == {table: set() for table in TABLES}
    finally:
        with psycopg.connect(owner, autocommit=True) as conn:
            conn.execute("DROP OWNED BY site_nobody")
            conn.execute("DROP ROLE site_nobody")

    # An Bình's role deleting Phường 1's summaries (as its append deletes its own): none deleted
    with psycopg.connect(dsns["xa-an-binh"]) as conn:
        for table in ("report_days", "report_months", "report_month_waits"):
            assert conn.execute(f"DELETE FROM {table} WHERE site = 'phuong-1'").rowcount == 0, table
    assert sites_seen(owner) == {table: both for table in TABLES}

    # An Bình's role writing as Phường 1: refused, nothing written
    before = central_log(owner, "phuong-1")
    with psycopg.connect(dsns["xa-an-binh"]) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(
            "INSERT INTO events (site, seq, type, at, data) VALUES ('phuong-1', 999, 'ticket.issued', now(), '{}')"
        )
    assert "row-level security" in failing(Shipper(dbs["xa-an-binh"], "phuong-1", quick(dsns["xa-an-binh"])), timeout=10)
    assert central_log(owner, "phuong-1") == before

    # a batch large enough to be copied (through a table of its transaction, not the session's)
    last = central_log(owner, "xa-an-binh")[-1][0]
    big = [central.Row(last + n, "ticket.issued", "2026-11-23T09:00:00+07:00", {"ticket": 90_000 + n}) for n in range(1, 601)]
    tickets = [dict.fromkeys(central.TICKET_COLUMNS) | {"id": 90_000 + n, "day": "2026-11-23", "state": "waiting"} for n in range(1, 601)]
    assert len(big) >= central.COPY_ROWS
    with central.connect(dsns["xa-an-binh"]) as conn:
        assert central.append(conn, "xa-an-binh", last, big, set(), tickets, last + 600, timeout=5) == last + 600
    assert [row[0] for row in central_log(owner, "xa-an-binh")[-600:]] == list(range(last + 1, last + 601))
    with psycopg.connect(owner) as conn:
        assert conn.execute("SELECT count(*) FROM tickets WHERE site = 'xa-an-binh' AND id > 90000").fetchone() == (600,)
