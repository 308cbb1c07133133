"""The central PostgreSQL: its schema, and appending one site's batch of events exactly once.

    migrate(conn)                                   # versioned, like the site's store (its steps: central/migrations.py)
    last = append(conn, "tay-ninh", after=0, rows)  # → the site's new last seq centrally

``tickets`` holds the current row of each ticket the shipped events touched, as the site's own
``tickets`` table has it (the reports' rows: the same figures centrally as at the site).
``events`` is partitioned by month of the event's time (UTC); a month's partition is made
the first time an event of that month arrives. ``sites`` holds each site's tracking row: the
last sequence number the central copy has, updated in the same transaction as the events, so
a batch is applied once whatever is replayed:

- rows at or below ``last_seq`` are already there and are skipped;
- a batch whose ``after`` (the seq just before its first row, in the site's log) is beyond
  ``last_seq`` would leave a gap: :class:`Gap` is raised and the shipper starts again from
  ``last_seq``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import operator
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import orjson
import psycopg

from central.migrations import FIELD_FIGURES, MIGRATIONS, SCHEMA_LOCK, SERVICE_US, WAIT_US
from central.months import TOUCH as TOUCH_MONTHS

COPY_ROWS = 500  # a batch's rows from this many on: COPY (faster a row), below: one JSON parameter

TICKET_COLUMNS = (
    "id day label code service number state priority appointment slot_start target_counter source counter "
    "officer issued_at arrival_at called_at served_at done_at recalls returns transferred_from transferred_to rating"
).split()


Field = tuple[str, str | None]  # (day, field) of a site's tickets: a row of site_field_days


class Gap(Exception):
    """The batch starts after the central copy's end: resend from :attr:`last_seq`."""

    def __init__(self, site: str, last_seq: int, after: int) -> None:
        super().__init__(f"site {site}: the central copy ends at seq {last_seq}, the batch follows seq {after}")
        self.last_seq = last_seq


@dataclasses.dataclass(slots=True)  # not frozen: a frozen one takes 4 times as long to make, once an event
class Row:
    seq: int
    type: str
    at: str  # ISO 8601 with its offset, as the site's log has it
    data: dict[str, Any] | str  # or its JSON text (the shipper's: redact.central_json)


@dataclasses.dataclass(frozen=True)
class SiteStatus:
    site: str
    last_seq: int
    last_event_at: dt.datetime | None
    last_contact: dt.datetime | None
    events_total: int
    site_seq: int  # how far the site's own log went, as it last said

    @property
    def lag_events(self) -> int:
        return max(0, self.site_seq - self.last_seq)


@dataclasses.dataclass(frozen=True)
class SiteKey:
    """A site's key, for the pooled role shared by every site (docs/province.md, "Deployment"):
    each transaction names the site and gives its key (:func:`transaction`)."""

    site: str
    key: str = dataclasses.field(repr=False)


WAIT_SECONDS = 5.0  # a thread waiting for the server's answer wakes this often (psycopg's own: 0.1 s)


class SiteConnection(psycopg.Connection[Any]):
    """A connection that names its site with its key at the start of each :func:`transaction`.

    A thread waiting for its answer (or, through PgBouncer, for a server connection) sleeps
    in ``select`` until the answer comes, waking every :data:`WAIT_SECONDS` rather than
    psycopg's 0.1 s (which lets a main thread see Ctrl-C): 3,400 sites' shippers waiting in
    the pooler's queue woke ~32,000 times a second and took the GIL from those whose turn had
    come (docs/performance.md, "Many sites through the pooler")."""

    site_key: SiteKey | None = None

    def wait(self, gen: Any, interval: float = WAIT_SECONDS, timeout: float | None = None) -> Any:
        return super().wait(gen, interval=interval, timeout=timeout)


def connect(dsn: str, timeout: float = 10.0, key: SiteKey | None = None) -> SiteConnection:
    """A connection in autocommit mode: each ``transaction()`` block is one transaction.

    Fit for PgBouncer's transaction pooling (docs/province.md, "Connections"): nothing of a
    session outlives its transaction — no prepared statements (``prepare_threshold=None``:
    psycopg would otherwise prepare a query run 5 times, which PgBouncer 1.18 cannot carry),
    no session ``SET`` (a statement timeout, and the site's key, are set in each transaction:
    :func:`transaction`), no session temporary tables (:func:`append` passes its rows as one
    JSON parameter)."""
    conn = SiteConnection.connect(dsn, autocommit=True, connect_timeout=max(1, round(timeout)), prepare_threshold=None)
    conn.site_key = key
    return conn


@contextlib.contextmanager
def transaction(conn: psycopg.Connection[Any], timeout: float | None = None) -> Iterator[None]:
    """One transaction whose statements each stop after ``timeout`` seconds, as the site its
    connection's key names (``set_config(…, true)``: both end with the transaction, as they
    must through a transaction pooler; the key a bind parameter, so that ``pg_stat_activity``,
    which the other sites of the pooled role may read, shows ``$3``, never the key)."""
    with conn.transaction():
        settings: list[tuple[str, str]] = []
        if timeout:
            settings.append(("statement_timeout", str(max(1, int(timeout * 1000)))))
        if (key := getattr(conn, "site_key", None)) is not None:
            settings += [("motcua.site", key.site), ("motcua.site_key", key.key)]
        if settings:
            conn.execute(
                "SELECT " + ", ".join(f"set_config('{name}', %s, true)" for name, _ in settings), [value for _, value in settings]
            )
        yield


def migrate(conn: psycopg.Connection[Any]) -> int:
    """Bring the central schema up to date; returns its version. A schema already up to date
    is only read (a site's role may not change it: docs/province.md, "Deployment")."""
    if conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone() == (True,):
        if conn.execute("SELECT version FROM schema_version").fetchone() == (len(MIGRATIONS),):
            return len(MIGRATIONS)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)")
        row = conn.execute("SELECT version FROM schema_version").fetchone()
        if row is None:
            conn.execute("INSERT INTO schema_version VALUES (0)")
        version = row[0] if row else 0
        for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            conn.execute(sql)
            conn.execute("UPDATE schema_version SET version = %s", [number])
    return len(MIGRATIONS)


def month_of(at: str) -> dt.date:
    moment = dt.datetime.fromisoformat(at).astimezone(dt.UTC)
    return dt.date(moment.year, moment.month, 1)


def months_of(ats: Collection[str]) -> set[dt.date]:
    """The UTC months of these times, each worked out once for a date, hour and offset."""
    return {month_of(at) for at in {_hour_and_offset(at): at for at in ats}.values()}


def _hour_and_offset(at: str) -> str:
    """What a time's UTC month depends on: ``2025-12-01T07:30:05.250+07:00`` →
    ``2025-12-01T07+07:00``; a time without its seconds or its offset is kept whole."""
    if len(at) > 19 and at[13] == at[16] == ":":
        offset = at[19:].lstrip(".0123456789")
        if offset:
            return at[:13] + offset
    return at


def ensure_partitions(conn: psycopg.Connection[Any], months: Iterable[dt.date], known: set[dt.date]) -> None:
    """Make the months' partitions that are not there yet (``known`` caches what exists)."""
    for month in sorted(set(months) - known):
        conn.execute("SELECT event_partition(%s)", [month])  # the owner's function: a site needs no DDL
        known.add(month)


def append(
    conn: psycopg.Connection[Any],
    site: str,
    after: int,
    rows: Sequence[Row],
    known_months: set[dt.date],
    tickets: Sequence[Mapping[str, Any]] = (),
    site_seq: int = 0,
    timeout: float | None = None,
) -> int:
    """Append a batch of the site's log that follows seq ``after``, with the current rows of
    the tickets its events touch and how far the site's log goes; returns the central last seq.
    A batch with nothing new only says the site is there (``last_contact``, as :func:`heartbeat`)."""
    ensure_partitions(conn, months_of([r.at for r in rows]), known_months)
    with transaction(conn, timeout):
        conn.execute("INSERT INTO sites (site) VALUES (%s) ON CONFLICT (site) DO NOTHING", [site])
        (last, guarded) = conn.execute(  # type: ignore[misc]  # the row exists: inserted just above
            "SELECT last_seq, row_security_active('events') FROM sites WHERE site = %s FOR UPDATE", [site]
        ).fetchone()
        if after > last:
            raise Gap(site, last, after)
        fresh = [r for r in rows if r.seq > last]
        if not fresh:
            conn.execute(
                "UPDATE sites SET last_contact = now(), site_seq = greatest(site_seq, %s) WHERE site = %s",
                [site_seq, site],
            )
            return int(last)
        if guarded or len(fresh) < COPY_ROWS:
            # COPY cannot write through row-level security: a site's role (and a small batch)
            # inserts from one JSON parameter or a table of this transaction (the policy checks
            # every row; nothing is left in the session)
            _insert_events(conn, site, fresh)
        else:
            with conn.cursor().copy("COPY events (site, seq, type, at, data) FROM STDIN") as copy:
                for r in fresh:
                    copy.write_row((site, r.seq, r.type, r.at, _data_text(r)))
        before = _upsert_tickets(conn, site, tickets)
        days = {ticket["day"] for ticket in tickets}
        touch_days(conn, site, days)
        count_fields(conn, site, _fields_of(tickets) | before)
        conn.execute(
            "UPDATE sites SET last_seq = %s, last_event_at = %s, last_contact = now(),"
            " events_total = events_total + %s, site_seq = greatest(site_seq, %s) WHERE site = %s",
            [fresh[-1].seq, fresh[-1].at, len(fresh), site_seq, site],
        )
        return fresh[-1].seq


def _data_text(row: Row) -> str:
    return row.data if isinstance(row.data, str) else orjson.dumps(row.data).decode()


def _insert_events(conn: psycopg.Connection[Any], site: str, rows: Sequence[Row]) -> None:
    """Through the policy of row-level security: a small batch from one JSON parameter; a
    large one copied into a table dropped at commit, then inserted (JSON costs more a row than
    COPY; a table costs its creation in the catalogue)."""
    if len(rows) < COPY_ROWS:
        parts = []
        for r in rows:
            head = orjson.dumps({"seq": r.seq, "type": r.type, "at": r.at}).decode()
            parts.append(f'{head[:-1]},"data":{_data_text(r)}}}')
        conn.execute(
            "INSERT INTO events (site, seq, type, at, data) SELECT %s, seq, type, at, data"
            " FROM json_to_recordset(%s::json) AS r(seq bigint, type text, at timestamptz, data jsonb)",
            [site, "[" + ",".join(parts) + "]"],
        )
        return
    conn.execute("CREATE TEMP TABLE incoming_events (LIKE events) ON COMMIT DROP")
    with conn.cursor().copy("COPY incoming_events (site, seq, type, at, data) FROM STDIN") as copy:
        for r in rows:
            copy.write_row((site, r.seq, r.type, r.at, _data_text(r)))
    conn.execute("INSERT INTO events SELECT * FROM incoming_events")


def heartbeat(conn: psycopg.Connection[Any], site: str, site_seq: int = 0, timeout: float | None = None) -> None:
    """The site is there (``sites.last_contact``), with nothing to ship; how far its log goes."""
    with transaction(conn, timeout):
        conn.execute(
            "INSERT INTO sites AS s (site, last_contact, site_seq) VALUES (%s, now(), %s) ON CONFLICT (site)"
            " DO UPDATE SET last_contact = now(), site_seq = greatest(s.site_seq, excluded.site_seq)",
            [site, site_seq],
        )


_TICKETS_RECORD = ", ".join(
    f"{c} {'bigint' if c in ('id', 'transferred_from', 'transferred_to') else 'int' if c in ('number', 'target_counter', 'counter', 'recalls', 'returns', 'rating') else 'date' if c == 'day' else 'text'}"
    for c in TICKET_COLUMNS
)


def _upsert_tickets(conn: psycopg.Connection[Any], site: str, tickets: Sequence[Mapping[str, Any]]) -> set[Field]:
    """The tickets' current rows: a few from one JSON parameter, many copied into a table
    dropped at commit (nothing of the session: a transaction pooler may give the next
    transaction another server connection). Returns the (day, field)s those already there had
    before, read in the same statement (its snapshot is the one before the upsert), through the
    primary key: a ticket the site moved to another field or day leaves its old one to be
    counted again (:func:`count_fields`; the site never moves one — a transfer makes a new
    ticket — but the figures stay exact whatever a site sends)."""
    if not tickets:
        return set()
    columns = ", ".join(TICKET_COLUMNS)
    # the ids as one array text (a list psycopg dumps value by value cost the catch-up's
    # shippers ~2 µs an event)
    parameters = {"site": site, "ids": "{" + ",".join(str(int(ticket["id"])) for ticket in tickets) + "}"}
    if len(tickets) < COPY_ROWS:
        source = f"json_to_recordset(%(tickets)s::json) AS r({_TICKETS_RECORD})"
        parameters["tickets"] = orjson.dumps([{c: ticket[c] for c in TICKET_COLUMNS} for ticket in tickets]).decode()
    else:
        conn.execute(f"CREATE TEMP TABLE incoming_tickets ON COMMIT DROP AS SELECT {columns} FROM tickets WITH NO DATA")
        values = operator.itemgetter(*TICKET_COLUMNS)
        with conn.cursor().copy(f"COPY incoming_tickets ({columns}) FROM STDIN") as copy:
            for ticket in tickets:
                copy.write_row(values(ticket))
        source = "incoming_tickets"
    updates = ", ".join(f"{c} = excluded.{c}" for c in (*TICKET_COLUMNS, "wait_us", "service_us") if c != "id")
    before = conn.execute(
        f"WITH upserted AS (INSERT INTO tickets (site, {columns}, wait_us, service_us)"
        f" SELECT %(site)s, {columns}, {WAIT_US}, {SERVICE_US} FROM {source}"
        f" ON CONFLICT (site, id) DO UPDATE SET {updates})"
        " SELECT DISTINCT day, service FROM tickets WHERE site = %(site)s AND id = ANY(%(ids)s::bigint[])",
        parameters,
    ).fetchall()
    return {(str(day), service) for day, service in before}


def touch_days(conn: psycopg.Connection[Any], site: str, days: Iterable[str | dt.date]) -> None:
    """The site's tickets of these days have changed: their summaries and their months' are
    gone and they are summed again (central/summaries.py, central/months.py). In the
    transaction that changes them."""
    if not (days := sorted({str(day) for day in days})):
        return
    conn.execute(
        f"WITH {TOUCH_MONTHS}, gone AS (DELETE FROM report_days WHERE site = %(site)s AND day = ANY(%(days)s::date[]))"
        " INSERT INTO site_days (site, day) SELECT %(site)s, unnest(%(days)s::date[])"
        " ON CONFLICT (site, day) DO UPDATE SET dirty = true WHERE NOT site_days.dirty",
        {"site": site, "days": days},
    )


# the figures of the site's (day, field)s a batch touched: its days × its fields (a field's
# tickets of a day through the index (site, day, service); ``%(none)s``: tickets without a field too)
_TOUCHED = (
    "{t}site = %(site)s AND {t}day = ANY(%(days)s::date[])"
    " AND ({t}service = ANY(%(services)s::text[]) OR %(none)s AND {t}service IS NULL)"
)
_COUNT_FIELDS = f"""
WITH fresh (day, service, waiting, oldest_waiting, done, issued) AS (
    SELECT day, service, {FIELD_FIGURES}
    FROM tickets WHERE {_TOUCHED.format(t="")} GROUP BY day, service
), gone AS (
    DELETE FROM site_field_days f WHERE {_TOUCHED.format(t="f.")}
    AND NOT EXISTS (SELECT FROM fresh WHERE fresh.day = f.day AND fresh.service IS NOT DISTINCT FROM f.service)
)
INSERT INTO site_field_days AS f (site, day, service, waiting, oldest_waiting, done, issued)
SELECT %(site)s, day, service, waiting, oldest_waiting, done, issued FROM fresh
ON CONFLICT (day, site, service) DO UPDATE SET waiting = excluded.waiting, oldest_waiting = excluded.oldest_waiting,
    done = excluded.done, issued = excluded.issued
WHERE (f.waiting, f.oldest_waiting, f.done, f.issued) IS DISTINCT FROM
      (excluded.waiting, excluded.oldest_waiting, excluded.done, excluded.issued)
"""


def _fields_of(tickets: Iterable[Mapping[str, Any]]) -> set[Field]:
    """The (day, field)s of these tickets' rows."""
    return {(str(ticket["day"]), ticket["service"]) for ticket in tickets}


def count_fields(conn: psycopg.Connection[Any], site: str, fields: Iterable[Field]) -> None:
    """The site's tickets of these (day, field)s have changed: each one's figures
    (``site_field_days``) counted again from its tickets, through the index ``(site, day,
    service)`` — the other fields' rows of the day neither read nor written. A field gone from
    a day (its tickets moved) is gone from the table. In the transaction that changes the
    tickets. (Counted: the fields' days × the days' fields, a little more than asked when a
    batch spans days.)"""
    if not (fields := set(fields)):
        return
    services = sorted({service for _, service in fields if service is not None})
    conn.execute(
        _COUNT_FIELDS,
        {"site": site, "days": sorted({day for day, _ in fields}), "services": services, "none": any(s is None for _, s in fields)},
    )


def last_seq(conn: psycopg.Connection[Any], site: str, timeout: float | None = None) -> int:
    with transaction(conn, timeout):
        row = conn.execute("SELECT last_seq FROM sites WHERE site = %s", [site]).fetchone()
    return int(row[0]) if row else 0


def record_config(conn: psycopg.Connection[Any], site: str, config: dict[str, Any], timeout: float | None = None) -> bool:
    """Keep the site's configuration snapshot if it differs from the last one; True if kept."""
    with transaction(conn, timeout):
        row = conn.execute(
            "SELECT config FROM site_configs WHERE site = %s ORDER BY taken_at DESC LIMIT 1", [site]
        ).fetchone()
        if row is not None and row[0] == config:
            return False
        conn.execute(
            "INSERT INTO site_configs (site, config) VALUES (%s, %s)", [site, orjson.dumps(config).decode()]
        )
        return True


def record_dossiers(conn: psycopg.Connection[Any], site: str, summary: dict[str, Any], timeout: float | None = None) -> None:
    """Keep the site's late-dossier alarms as it counts them now (one row a site)."""
    with transaction(conn, timeout):
        conn.execute(
            "INSERT INTO site_dossiers (site, summary) VALUES (%s, %s)"
            " ON CONFLICT (site) DO UPDATE SET summary = excluded.summary, taken_at = now()"
            " WHERE site_dossiers.summary IS DISTINCT FROM excluded.summary",
            [site, orjson.dumps(summary).decode()],
        )


def site_statuses(conn: psycopg.Connection[Any]) -> list[SiteStatus]:
    rows = conn.execute(
        "SELECT site, last_seq, last_event_at, last_contact, events_total, site_seq FROM sites ORDER BY site"
    ).fetchall()
    return [SiteStatus(*row) for row in rows]
