"""The country's copy of the provinces' day summaries, by PostgreSQL's logical replication.

On each province's central database (:func:`publish`, run once by its owner):

- ``report_days`` and ``site_configs`` get a column ``province`` whose DEFAULT is the
  province's code, so that every row, old and new, says whose it is when it arrives in the
  national tables (logical replication copies rows as they are; two provinces both have a
  ``phuong-1``). The province's own code never names the column: its INSERTs leave it to the
  default. A CHECK keeps it set; it is not NOT NULL because the province's reports copy the
  table's shape into a temporary table of their own (``LIKE report_days``), which a NOT NULL
  without its default would break;
- both tables get ``REPLICA IDENTITY FULL``: a day summed again is deleted and inserted
  (:mod:`central.summaries`), and a DELETE must carry ``province`` for the nation to find the
  row — the primary key alone (``site, day, dim, key``) does not;
- a publication :data:`PUBLICATION` of these two tables, inserts, updates and deletes only: a
  TRUNCATE of a province would empty the country's table for every province;
- a role :data:`REPLICATION_ROLE` that may only log in, replicate and read these two tables
  (BYPASSRLS: the central tables keep each site's role to its own rows; without it the first
  copy of a table would read nothing).

On the national database (:func:`subscribe`, one subscription a province): the same tables
with ``province`` in their primary key, and a SUBSCRIPTION ``national_<code>`` to the
province's publication. The publisher's ``province`` default must be the code subscribed:
two provinces can never land under one code.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import psycopg
from psycopg import sql

from central import schema as central

PUBLICATION = "motcua_national"
REPLICATION_ROLE = "motcua_national"
TABLES = ("report_days", "site_configs")
PROVINCE_CODE = re.compile(r"[a-z0-9][a-z0-9_]{0,31}")  # the official code ("80") or a name ("tay_ninh")
_LOCK = 7_131_021  # pg_advisory_xact_lock key of the national schema

# The national tables: the provinces' rows with their province in the primary key. A column a
# province's newer schema has and these lack is added by :func:`subscribe` (``missing_columns``).
# report_days is partitioned by grouping (PostgreSQL routes the replicated rows): a report by
# province, site or day reads the sites' rows alone, not every field's, counter's and officer's
# (34 provinces' 3,355 sites, a month with 4 fields: 14,400 buffers read instead of 71,900).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE report_days (
        province text NOT NULL,
        site text NOT NULL,
        day date NOT NULL,
        dim text NOT NULL,
        key text NOT NULL,
        issued int NOT NULL, done int NOT NULL, no_show int NOT NULL, cancelled int NOT NULL,
        transferred int NOT NULL, waiting int NOT NULL,
        wait_sum bigint NOT NULL, wait_count int NOT NULL,
        service_sum bigint NOT NULL, service_count int NOT NULL,
        waits bigint[] NOT NULL, wcum int[] NOT NULL,
        rating_scores int[] NOT NULL, rating_counts int[] NOT NULL,
        hours int[] NOT NULL,
        transferred_in int NOT NULL DEFAULT 0, at_counter int NOT NULL DEFAULT 0,
        PRIMARY KEY (province, site, day, dim, key)
    ) PARTITION BY LIST (dim);
    CREATE TABLE report_days_site PARTITION OF report_days FOR VALUES IN ('site');
    CREATE TABLE report_days_service PARTITION OF report_days FOR VALUES IN ('service');
    CREATE TABLE report_days_other PARTITION OF report_days DEFAULT;
    CREATE INDEX report_days_day ON report_days (day, province);
    CREATE TABLE site_configs (
        province text NOT NULL,
        site text NOT NULL,
        taken_at timestamptz NOT NULL,
        config jsonb NOT NULL,
        PRIMARY KEY (province, site, taken_at)
    );
    """,
)


class ReplicationError(Exception):
    """A setup step that cannot be done as asked; the message says why and what to do."""


@dataclasses.dataclass(frozen=True)
class Subscription:
    province: str
    name: str
    enabled: bool
    running: bool  # its apply worker is there
    tables_ready: int  # of len(TABLES): copied and streaming
    last_message: Any  # when the worker last heard from the province (None: never)


def subscription_name(province: str) -> str:
    return "national_" + province


def check_code(province: str) -> str:
    if not PROVINCE_CODE.fullmatch(province):
        raise ReplicationError(
            f"Mã tỉnh không hợp lệ: {province!r} (chữ thường, chữ số, '_'; tối đa 32 ký tự)."
            f" Invalid province code {province!r}: lower-case letters, digits and '_', at most 32."
        )
    return province


def _connect(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True, connect_timeout=10)


# ---- the province's side ---------------------------------------------------------------------


def published_as(conn: psycopg.Connection[Any]) -> str | None:
    """The province code this central database publishes under (its ``province`` default)."""
    row = conn.execute(
        "SELECT pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d"
        " JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum"
        " WHERE d.adrelid = 'report_days'::regclass AND a.attname = 'province'"
    ).fetchone()
    if row is None:
        return None
    match = re.fullmatch(r"'(.*)'::text", row[0])
    return match.group(1) if match else row[0]


def publish(dsn: str, province: str, role: str | None = REPLICATION_ROLE) -> list[str]:
    """Make the province's central database publish its day summaries as ``province``; run
    again, it changes nothing. Returns what it did, one line a step."""
    check_code(province)
    done: list[str] = []
    with _connect(dsn) as conn:
        if (level := conn.execute("SHOW wal_level").fetchone()[0]) != "logical":  # type: ignore[index]
            raise ReplicationError(
                f"wal_level là {level!r}, cần 'logical': ALTER SYSTEM SET wal_level = logical; rồi khởi động lại PostgreSQL."
                f" The province's PostgreSQL has wal_level = {level!r}: set it to 'logical' and restart."
            )
        version = central.migrate(conn)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [central.SCHEMA_LOCK])
            already = published_as(conn)
            if already is not None and already != province:
                raise ReplicationError(
                    f"Cơ sở dữ liệu này đã xuất bản với mã tỉnh {already!r}, không phải {province!r}."
                    f" This central database already publishes as province {already!r}, not {province!r}."
                )
            for table in TABLES:
                ident = sql.Identifier(table)
                conn.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS province text DEFAULT {}").format(ident, sql.Literal(province))
                )
                conn.execute(
                    sql.SQL(
                        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {name}"
                        " AND conrelid = {rel}::regclass) THEN"
                        " ALTER TABLE {table} ADD CONSTRAINT {cname} CHECK (province IS NOT NULL); END IF; END $$"
                    ).format(
                        name=sql.Literal(f"{table}_province_set"), rel=sql.Literal(table), table=ident,
                        cname=sql.Identifier(f"{table}_province_set"),
                    )
                )  # fmt: skip
                conn.execute(sql.SQL("ALTER TABLE {} REPLICA IDENTITY FULL").format(ident))
            if already is None:
                done.append(f"report_days, site_configs: column province = {province!r}, replica identity full")
            if conn.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [PUBLICATION]).fetchone() is None:
                conn.execute(
                    sql.SQL("CREATE PUBLICATION {} FOR TABLE {} WITH (publish = 'insert, update, delete')").format(
                        sql.Identifier(PUBLICATION), sql.SQL(", ").join(map(sql.Identifier, TABLES))
                    )
                )
                done.append(f"publication {PUBLICATION} (report_days, site_configs; insert, update, delete)")
            if role:
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
                    conn.execute(sql.SQL("CREATE ROLE {} LOGIN REPLICATION BYPASSRLS").format(sql.Identifier(role)))
                    done.append(f"role {role} (LOGIN REPLICATION BYPASSRLS; set its password: ALTER ROLE … PASSWORD)")
                conn.execute(
                    sql.SQL("GRANT SELECT ON {} TO {}").format(
                        sql.SQL(", ").join(map(sql.Identifier, TABLES)), sql.Identifier(role)
                    )
                )
        done.append(f"schema version {version}: published as province {province!r}")
    return done


# ---- the nation's side ---------------------------------------------------------------------------


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Bring the national tables up to date; returns their version."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
        conn.execute("CREATE TABLE IF NOT EXISTS national_version (version int NOT NULL)")
        row = conn.execute("SELECT version FROM national_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO national_version VALUES (0)")
        version = row[0] if row else 0
        for number, text in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute(text)
            conn.execute("UPDATE national_version SET version = %s", [number])
    return len(MIGRATIONS)


def _columns(conn: psycopg.Connection[Any], table: str) -> dict[str, str]:
    return dict(
        conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [table],
        ).fetchall()
    )


def missing_columns(national: psycopg.Connection[Any], publisher: psycopg.Connection[Any]) -> list[tuple[str, str, str]]:
    """The columns a province's tables have and the national ones lack: ``(table, column, type)``."""
    found = []
    for table in TABLES:
        ours = _columns(national, table)
        found += [(table, name, kind) for name, kind in _columns(publisher, table).items() if name not in ours]
    return found


def subscribe(national_dsn: str, province: str, publisher_dsn: str) -> list[str]:
    """Subscribe the national database to the province's publication (made by :func:`publish`);
    ``publisher_dsn`` connects as the province's replication role. Returns what it did."""
    check_code(province)
    done: list[str] = []
    try:
        publisher = _connect(publisher_dsn)
    except psycopg.OperationalError as exc:
        raise ReplicationError(f"Không kết nối được tới tỉnh {province!r} / cannot reach the province: {exc}") from None
    with publisher, _connect(national_dsn) as conn:
        migrate(conn)
        if publisher.execute("SELECT 1 FROM pg_publication WHERE pubname = %s", [PUBLICATION]).fetchone() is None:
            raise ReplicationError(
                f"Tỉnh chưa xuất bản: chạy `motcua-national publish --province {province} --dsn …` trên tỉnh trước."
                f" The province has no publication {PUBLICATION}: run `motcua-national publish` there first."
            )
        if (theirs := published_as(publisher)) != province:
            raise ReplicationError(
                f"Tỉnh này xuất bản với mã {theirs!r}, không phải {province!r}."
                f" That database publishes as province {theirs!r}, not {province!r}."
            )
        name = subscription_name(province)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])
            for table, column, kind in missing_columns(conn, publisher):
                conn.execute(sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(sql.Identifier(table), sql.Identifier(column), sql.SQL(kind)))
                done.append(f"{table}: column {column} {kind} added, as the province has it")
        if conn.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", [name]).fetchone() is not None:
            done.append(f"subscription {name} already there")
            return done
        # CREATE SUBSCRIPTION cannot run in a transaction block (it makes the province's slot)
        conn.execute(
            sql.SQL("CREATE SUBSCRIPTION {} CONNECTION {} PUBLICATION {}").format(
                sql.Identifier(name), sql.Literal(publisher_dsn), sql.Identifier(PUBLICATION)
            )
        )
        done.append(f"subscription {name} to the province's publication {PUBLICATION}")
    return done


def unsubscribe(national_dsn: str, province: str) -> list[str]:
    """Drop the province's subscription (and its slot on the province, if reachable) and its rows."""
    check_code(province)
    name = subscription_name(province)
    with _connect(national_dsn) as conn:
        if conn.execute("SELECT 1 FROM pg_subscription WHERE subname = %s", [name]).fetchone() is None:
            raise ReplicationError(f"Không có đăng ký {name}. No subscription {name}.")
        conn.execute(sql.SQL("DROP SUBSCRIPTION {}").format(sql.Identifier(name)))
        with conn.transaction():
            for table in TABLES:
                conn.execute(sql.SQL("DELETE FROM {} WHERE province = %s").format(sql.Identifier(table)), [province])
    return [f"subscription {name} dropped, the province's rows deleted"]


def subscriptions(conn: psycopg.Connection[Any]) -> list[Subscription]:
    """Every province's subscription as PostgreSQL reports it (pg_subscription, pg_stat_subscription)."""
    rows = conn.execute(
        "SELECT s.subname, s.subenabled, st.pid IS NOT NULL, st.last_msg_receipt_time,"
        " (SELECT count(*) FROM pg_subscription_rel r WHERE r.srsubid = s.oid AND r.srsubstate = 'r')"
        " FROM pg_subscription s LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL"
        " WHERE s.subname LIKE 'national\\_%%' ORDER BY s.subname"
    ).fetchall()
    return [
        Subscription(name.removeprefix("national_"), name, enabled, running, int(ready), last)
        for name, enabled, running, last, ready in rows
    ]
