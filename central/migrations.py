"""The central PostgreSQL's migrations: the schema's DDL, one step a version, in order
(:func:`central.schema.migrate` runs those a database has not had yet, under
:data:`SCHEMA_LOCK`). A new step is appended at the end; a step once shipped never changes.

With them, the SQL that defines the columns kept from the tickets — a ticket's wait and
service time, a (site, day, field)'s live figures — which the migrations fill and
:func:`central.schema.append` keeps up to date batch by batch.
"""

from __future__ import annotations

from central.months import SCHEMA as MONTHS_SCHEMA
from central.remote_requests import SCHEMA as REMOTE_REQUESTS_SCHEMA
from central.summaries import SCHEMA as SUMMARY_SCHEMA

SCHEMA_LOCK = 7_131_013  # pg_advisory_xact_lock key: one migration or partition maker at a time

# A ticket's wait (arrival to call, the closed half of a transfer left out) and service time
# (start of service, or the call, to completion), as the sites' reports count them
# (queue_server/store/reports.py), in whole microseconds.
WAIT_US = (
    "CASE WHEN called_at IS NOT NULL AND state <> 'transferred' THEN"
    " (extract(epoch FROM called_at::timestamptz - arrival_at::timestamptz) * 1000000)::bigint END"
)
SERVICE_US = (
    "CASE WHEN state = 'done' AND done_at IS NOT NULL AND coalesce(served_at, called_at) IS NOT NULL THEN"
    " (extract(epoch FROM done_at::timestamptz - coalesce(served_at, called_at)::timestamptz) * 1000000)::bigint END"
)

# A (site, day, field)'s figures of the live view (province/live.py, province/waits.py), as
# ``site_field_days`` keeps them: people waiting, the oldest waiting arrival (the ISO times
# compared byte-wise, their own order), done, and numbers given (a transfer's new half left out).
FIELD_FIGURES = (
    "count(*) FILTER (WHERE state = 'waiting'), min(arrival_at COLLATE \"C\") FILTER (WHERE state = 'waiting'),"
    " count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE transferred_from IS NULL)"
)
# every (site, day, field) of the tickets ``WHERE`` picks, counted into site_field_days (the
# migration's fill; bench/province_live.py's generated sites)
FIELD_DAYS_FROM_TICKETS = (
    "INSERT INTO site_field_days (site, day, service, waiting, oldest_waiting, done, issued)"
    f" SELECT site, day, service, {FIELD_FIGURES} FROM tickets {{where}} GROUP BY site, day, service"
)

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sites (
        site text PRIMARY KEY,
        last_seq bigint NOT NULL DEFAULT 0,
        last_event_at timestamptz,
        last_contact timestamptz,
        events_total bigint NOT NULL DEFAULT 0
    );
    CREATE TABLE events (
        site text NOT NULL,
        seq bigint NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        data jsonb NOT NULL,
        PRIMARY KEY (site, at, seq)
    ) PARTITION BY RANGE (at);
    CREATE INDEX events_site_seq ON events (site, seq);
    CREATE TABLE site_configs (
        site text NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now(),
        config jsonb NOT NULL,
        PRIMARY KEY (site, taken_at)
    );
    """,
    # the tickets as the site's own table has them (the reports' rows), and how far the site's
    # log goes, as the site last said
    """
    CREATE TABLE tickets (
        site text NOT NULL,
        id bigint NOT NULL,
        day date NOT NULL,
        label text, code text, service text, number int, state text, priority text,
        appointment text, slot_start text, target_counter int, source text, counter int,
        officer text, issued_at text, arrival_at text, called_at text, served_at text,
        done_at text, recalls int, returns int, transferred_from bigint, transferred_to bigint,
        rating int,
        PRIMARY KEY (site, id)
    );
    CREATE INDEX tickets_day ON tickets (day, site);
    ALTER TABLE sites ADD COLUMN site_seq bigint NOT NULL DEFAULT 0;
    """,
    # each ticket's wait and service time in whole microseconds, kept with its row, so that the
    # province's reports sum them exactly without reading every time again
    f"""
    ALTER TABLE tickets ADD COLUMN wait_us bigint, ADD COLUMN service_us bigint;
    UPDATE tickets SET wait_us = {WAIT_US}, service_us = {SERVICE_US};
    CREATE INDEX tickets_site_day ON tickets (site, day);
    """,
    # each site's late-dossier alarms as it last counted them (queue_server/shipping/dossier_alarms.py)
    """
    CREATE TABLE site_dossiers (
        site text PRIMARY KEY,
        taken_at timestamptz NOT NULL DEFAULT now(),
        summary jsonb NOT NULL
    );
    """,
    # each site's days summed once for the reports (central/summaries.py)
    SUMMARY_SCHEMA,
    # each site's role keeps to its own rows (docs/province.md, "Deployment"); a month's
    # partition made by a function of the schema's owner, so a site's role needs no DDL
    "CREATE TABLE site_roles (role name PRIMARY KEY, site text NOT NULL);"
    " ALTER TABLE site_roles ENABLE ROW LEVEL SECURITY;"
    " CREATE POLICY own_role ON site_roles USING (role = current_user);"
    " GRANT SELECT ON site_roles TO PUBLIC;"
    + "".join(
        f" ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"
        f" CREATE POLICY own_site ON {table} USING (site = (SELECT site FROM site_roles WHERE role = current_user));"
        for table in ("events", "tickets", "sites", "site_configs", "site_dossiers", "site_days", "report_days")
    )
    + f"""
    CREATE FUNCTION event_partition(month date) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
        first date := date_trunc('month', month)::date;
    BEGIN
        PERFORM pg_advisory_xact_lock({SCHEMA_LOCK});
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                       'events_' || to_char(first, 'YYYY_MM'), to_char(first, 'YYYY-MM-DD "00:00+00"'),
                       to_char(first + interval '1 month', 'YYYY-MM-DD "00:00+00"'));
    END $$;
    """,
    # nothing looks events up by (site, seq) (the primary key starts with the site): the index
    # cost every batch ~2 µs an event (docs/performance.md, "The province")
    "DROP INDEX IF EXISTS events_site_seq",
    # the province's live view asks each site's newest device reports (province/live.py
    # alarms(), every refresh): without this it read the site's whole history each time
    "CREATE INDEX events_device_status ON events (site, seq) WHERE type = 'device.status'",
    # issue 25: a row's issued counts the numbers given (every ticket but the new half of a
    # transfer), beside the tickets taken over by transfer and those still at a counter, so
    # that every row balances; arrivals by hour count a citizen once, at their first ticket.
    # Every day is summed again.
    "ALTER TABLE report_days ADD COLUMN transferred_in int NOT NULL DEFAULT 0,"
    " ADD COLUMN at_counter int NOT NULL DEFAULT 0;"
    " DELETE FROM report_days; UPDATE site_days SET dirty = true",
    # issue 21: the province's live view reads every site's counters and standing wait alarms
    # of its day in one statement each (province/live.py sites_now()): through these, a site's
    # day of those events alone, not all its day's events
    "CREATE INDEX events_counter_changed ON events (site, at) WHERE type = 'counter.changed';"
    " CREATE INDEX events_wait_alarm ON events (site, at) WHERE type = 'alarm.wait_exceeded'",
    # issue 22: the province's live waits. Each site sends what its booking book offers (the
    # next free slot of each field: site_offers, its own row); motcua-central writes every
    # site's public live figures per field (province_live, no names, no tickets), which every
    # role may read: each site shows the others' on its kiosks, the public page lists them
    """
    CREATE TABLE site_offers (
        site text PRIMARY KEY,
        taken_at timestamptz NOT NULL DEFAULT now(),
        offers jsonb NOT NULL
    );
    ALTER TABLE site_offers ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_site ON site_offers USING (site = (SELECT site FROM site_roles WHERE role = current_user));
    CREATE TABLE province_live (
        site text PRIMARY KEY,
        computed_at timestamptz NOT NULL,
        offline boolean NOT NULL,
        last_contact timestamptz,
        place jsonb NOT NULL,
        fields jsonb NOT NULL
    );
    GRANT SELECT ON province_live TO PUBLIC;
    """,
    # issue 22: a number or a booking at any centre, asked on the province's page and decided
    # by the site, through this table (central/remote_requests.py; docs/province.md)
    REMOTE_REQUESTS_SCHEMA,
    # issue 21: one pooled login role for every site (one PgBouncer pool), each site still kept
    # to its own rows by its key. A site is the one site_roles gives the role (the per-site
    # roles, as before), else the one its transaction names (motcua.site, set_config(…, true)
    # at its start: :func:`transaction`) with that site's key (motcua.site_key), checked
    # against the key's SHA-256 (site_keys: readable by the owner alone). Every policy asks
    # motcua_current_site() once a statement (an InitPlan: ``(SELECT …)``), not once a row.
    """
    CREATE TABLE site_keys (
        site text PRIMARY KEY,
        key_hash bytea NOT NULL CHECK (length(key_hash) = 32)
    );
    REVOKE ALL ON site_keys FROM PUBLIC;
    CREATE FUNCTION motcua_keyed_site() RETURNS text
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    DECLARE
        asked text := nullif(current_setting('motcua.site', true), '');
        given text := nullif(current_setting('motcua.site_key', true), '');
        stored bytea;
    BEGIN
        IF asked IS NULL THEN
            RETURN NULL;  -- no site named: the role sees nothing and writes nothing
        END IF;
        SELECT k.key_hash INTO stored FROM public.site_keys k WHERE k.site = asked;
        IF stored IS NULL THEN
            RAISE EXCEPTION 'điểm «%» không có khóa ở cơ sở dữ liệu trung tâm (no key for site % in site_keys)', asked, asked
                USING ERRCODE = 'invalid_authorization_specification';
        END IF;
        IF given IS NULL THEN
            RAISE EXCEPTION 'thiếu khóa của điểm «%» (no site key given for %: [central] site_key)', asked, asked
                USING ERRCODE = 'invalid_authorization_specification';
        END IF;
        -- the hashes compared, not the keys: how long it takes says nothing of the key
        IF sha256(convert_to(given, 'UTF8')) <> stored THEN
            RAISE EXCEPTION 'khóa của điểm «%» không đúng (wrong site key for %)', asked, asked
                USING ERRCODE = 'invalid_password';
        END IF;
        RETURN asked;
    END $$;
    CREATE FUNCTION motcua_current_site() RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
        SELECT coalesce((SELECT r.site FROM public.site_roles r WHERE r.role = current_user), public.motcua_keyed_site())
    $$;
    DO $$
    DECLARE
        guarded text;
    BEGIN
        FOR guarded IN SELECT format('%I.%I', schemaname, tablename) FROM pg_policies WHERE policyname = 'own_site' LOOP
            EXECUTE format('ALTER POLICY own_site ON %s USING (site = (SELECT motcua_current_site()))', guarded);
        END LOOP;
    END $$;
    """,
    # issue 21: each site's figures of each day and field, counted again from that site's
    # day of tickets in the transaction of every batch that changes them (append()), so that
    # the live view reads a few rows a site, not the day's every ticket; filled from the
    # tickets there are. A ticket without a field is a group of its own (NULLS NOT DISTINCT)
    f"""
    CREATE TABLE site_field_days (
        site text NOT NULL,
        day date NOT NULL,
        service text,
        waiting int NOT NULL,
        oldest_waiting text,
        done int NOT NULL,
        issued int NOT NULL
    );
    CREATE UNIQUE INDEX site_field_days_key ON site_field_days (day, site, service) NULLS NOT DISTINCT;
    {FIELD_DAYS_FROM_TICKETS.format(where="")};
    ALTER TABLE site_field_days ENABLE ROW LEVEL SECURITY;
    CREATE POLICY own_site ON site_field_days USING (site = (SELECT motcua_current_site()));
    """,
    # each batch counts again only the fields it touched (count_fields): a field's tickets of
    # the site's day through this index, not the whole day's; it serves what (site, day) did
    # (docs/performance.md, "Each site's figures kept as its batches arrive")
    "CREATE INDEX IF NOT EXISTS tickets_site_day_service ON tickets (site, day, service); DROP INDEX IF EXISTS tickets_site_day",
    MONTHS_SCHEMA,  # issue 21: each site's closed months summed once for a month's report (central/months.py)
)
