"""The central schema and the exactly-once append, against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
import re
import threading

import psycopg
import pytest

from central import schema as central
from central.schema import Gap, Row


def rows(first: int, last: int, at: str = "2026-11-23T09:00:00+07:00") -> list[Row]:
    return [Row(seq, "ticket.issued", at, {"ticket": seq, "label": f"A{seq:03d}"}) for seq in range(first, last + 1)]


def stored(conn: psycopg.Connection, site: str) -> list[int]:
    return [seq for (seq,) in conn.execute("SELECT seq FROM events WHERE site = %s ORDER BY seq", [site])]


def test_migrating_twice_leaves_one_schema(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        assert central.migrate(conn) == len(central.MIGRATIONS)
        assert central.migrate(conn) == len(central.MIGRATIONS)
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(len(central.MIGRATIONS),)]


def test_a_replayed_batch_is_applied_once(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        months: set[dt.date] = set()
        assert central.append(conn, "xa-a", 0, rows(1, 5), months) == 5
        assert central.append(conn, "xa-a", 0, rows(1, 5), months) == 5  # the same batch again
        assert central.append(conn, "xa-a", 3, rows(4, 8), months) == 8  # overlapping
        assert stored(conn, "xa-a") == list(range(1, 9))
        (total,) = conn.execute("SELECT events_total FROM sites WHERE site = 'xa-a'").fetchone()
        assert total == 8


def test_a_batch_that_would_leave_a_gap_is_refused_and_changes_nothing(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        months: set[dt.date] = set()
        central.append(conn, "xa-a", 0, rows(1, 3), months)
        with pytest.raises(Gap) as refused:
            central.append(conn, "xa-a", 5, rows(6, 9), months)
        assert refused.value.last_seq == 3
        assert stored(conn, "xa-a") == [1, 2, 3]
        assert central.last_seq(conn, "xa-a") == 3


def test_the_sites_are_kept_apart(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        months: set[dt.date] = set()
        central.append(conn, "xa-a", 0, rows(1, 3), months)
        central.append(conn, "xa-b", 0, rows(1, 2), months)
        assert (stored(conn, "xa-a"), stored(conn, "xa-b")) == ([1, 2, 3], [1, 2])
        assert [(s.site, s.last_seq) for s in central.site_statuses(conn)] == [("xa-a", 3), ("xa-b", 2)]


def test_each_month_has_its_partition(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        batch = rows(1, 2, "2026-11-30T23:59:00+07:00") + rows(3, 4, "2026-12-31T23:30:00+00:00")
        central.append(conn, "xa-a", 0, batch, set())
        counts = dict(conn.execute("SELECT tableoid::regclass::text, count(*) FROM events GROUP BY 1").fetchall())
        # 23:59 in Hanoi on 30 Nov is 16:59 UTC: still November
        assert counts == {"events_2026_11": 2, "events_2026_12": 2}
        central.append(conn, "xa-b", 0, rows(1, 1, "2027-01-01T00:00:00+00:00"), set())  # a fresh cache
        assert conn.execute("SELECT to_regclass('events_2027_01') IS NOT NULL").fetchone() == (True,)


def test_two_shippers_of_one_site_never_duplicate(central_dsn: str) -> None:
    """A site restarted while its old shipper still runs: the tracking row serialises them."""
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
    errors: list[BaseException] = []

    def ship() -> None:
        try:
            with central.connect(central_dsn) as conn:
                months: set[dt.date] = set()
                position = 0
                while position < 500:
                    try:
                        position = central.append(conn, "xa-a", position, rows(position + 1, min(position + 7, 500)), months)
                    except Gap as gap:
                        position = gap.last_seq
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=ship) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with central.connect(central_dsn) as conn:
        assert stored(conn, "xa-a") == list(range(1, 501))


def test_a_sites_configuration_is_kept_when_it_changes(central_dsn: str) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        record = {"site": "xa-a", "services": [{"code": "HT", "name_vi": "Hộ tịch"}]}
        assert central.record_config(conn, "xa-a", record) is True
        assert central.record_config(conn, "xa-a", record) is False
        assert central.record_config(conn, "xa-a", record | {"name": "UBND xã A"}) is True
        assert conn.execute("SELECT count(*) FROM site_configs").fetchone() == (2,)
        (kept,) = conn.execute("SELECT config FROM site_configs ORDER BY taken_at LIMIT 1").fetchone()
        assert kept["services"][0]["name_vi"] == "Hộ tịch"


def test_a_tickets_row_follows_its_latest_state(central_dsn: str) -> None:
    def ticket(state: str, called_at: str | None) -> dict:
        row = dict.fromkeys(central.TICKET_COLUMNS)
        return row | {"id": 1, "day": "2026-11-23", "label": "A001", "service": "HT", "state": state, "called_at": called_at}

    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        months: set[dt.date] = set()
        central.append(conn, "xa-a", 0, rows(1, 1), months, [ticket("waiting", None)], site_seq=2)
        assert central.site_statuses(conn)[0].lag_events == 1
        central.append(conn, "xa-a", 1, rows(2, 2), months, [ticket("called", "2026-11-23T09:05:00+07:00")], site_seq=2)
        assert conn.execute("SELECT state, called_at, day FROM tickets").fetchall() == [
            ("called", "2026-11-23T09:05:00+07:00", dt.date(2026, 11, 23))
        ]
        assert central.site_statuses(conn)[0].lag_events == 0


def test_a_batchs_months_are_its_times_months_in_utc() -> None:
    rng = random.Random(5)
    for _ in range(1000):
        ats = []
        start = dt.datetime(2026, 1, 1) + dt.timedelta(minutes=rng.randrange(366 * 24 * 60))
        spread = rng.choice([180, 3 * 24 * 60, 366 * 24 * 60])  # a batch of hours, days, a year
        for _ in range(rng.randrange(1, 40)):
            local = start + dt.timedelta(minutes=rng.randrange(spread))
            offset = dt.timedelta(minutes=15 * rng.randrange(-12 * 4, 14 * 4 + 1))
            ats.append(local.replace(tzinfo=dt.timezone(offset)).isoformat(timespec=rng.choice(["seconds", "microseconds"])))
        assert central.months_of(ats) == {central.month_of(at) for at in ats}, ats
    # a month's first and last days: the offset decides
    assert central.months_of(["2026-12-01T05:00:00+07:00"]) == {dt.date(2026, 11, 1)}
    assert central.months_of(["2026-11-30T20:00:00-05:00"]) == {dt.date(2026, 12, 1)}
    assert central.months_of(["2026-02-28T20:00:00-05:00"]) == {dt.date(2026, 3, 1)}  # a 28th may be the last
    assert central.months_of(["2026-11-15T10:00:00+07:00", "2026-12-02T01:00:00+14:00"]) == {dt.date(2026, 11, 1), dt.date(2026, 12, 1)}
    # the same date and offset, another hour: another month
    assert central.months_of(["2026-12-01T06:59:59.999999+07:00", "2026-12-01T07:00:00+07:00"]) == {dt.date(2026, 11, 1), dt.date(2026, 12, 1)}


def test_the_live_views_device_alarms_read_the_device_reports_only(central_dsn: str) -> None:
    """A site's newest device reports come from the partial index, not from its whole log."""
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        central.append(conn, "xa-a", 0, rows(1, 3), set())
        with conn.transaction():
            conn.execute("SET LOCAL enable_seqscan = off")
            plan = "\n".join(
                line
                for (line,) in conn.execute(
                    "EXPLAIN SELECT seq FROM events WHERE site = 'xa-a' AND type = 'device.status' ORDER BY seq"
                )
            )
        used = re.search(r"Index (?:Only )?Scan using (\w+)", plan)
        assert used is not None, plan
        (definition,) = conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [used.group(1)]).fetchone()
        assert "WHERE (type = 'device.status'::text)" in definition, definition
