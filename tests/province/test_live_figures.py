"""Each site's figures of a day per field (``site_field_days``), kept by every batch's append,
against a real PostgreSQL: after random batches of random tickets — new ones, the same ones
called, served, transferred, moved to another field or day, small batches and batches large
enough to be copied — the table holds exactly what the day's tickets say, and the live view
and the live waits give exactly the figures they gave when they read the tickets."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from central import schema as central
from central.schema import Row
from province import live, waits

# what province/live.py and province/waits.py read before site_field_days (commit fff09b3)
TICKETS_BEFORE = """
SELECT site, day, service, count(*) FILTER (WHERE state = 'waiting'), min(arrival_at COLLATE "C") FILTER (WHERE state = 'waiting'),
       count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE transferred_from IS NULL)
FROM tickets WHERE day = ANY(%(today)s::date[])
GROUP BY site, day, service
"""
WAITING_BEFORE = """
SELECT site, day, service, count(*), min(arrival_at COLLATE "C")
FROM tickets WHERE day = ANY(%(today)s::date[]) AND state = 'waiting'
GROUP BY site, day, service
"""
FIELDS_BEFORE = (
    "SELECT service, count(*) FILTER (WHERE state = 'waiting'), min(arrival_at) FILTER (WHERE state = 'waiting'),"
    " count(*) FILTER (WHERE state = 'done'), count(*) FILTER (WHERE transferred_from IS NULL)"
    " FROM tickets WHERE site = %s AND day = %s GROUP BY service ORDER BY service"
)

DAYS = (dt.date(2026, 11, 22), dt.date(2026, 11, 23), dt.date(2026, 11, 24))
# 16:30 UTC: the 23rd's evening in Hồ Chí Minh City, already the 24th in Tokyo
NOW = dt.datetime(2026, 11, 23, 16, 30, tzinfo=dt.UTC)
SITES = {"xa-a": "Asia/Ho_Chi_Minh", "xa-b": "Asia/Ho_Chi_Minh", "phuong-c": "Asia/Tokyo", "diem-d": "Asia/Ho_Chi_Minh"}
STATES = ("waiting", "waiting", "called", "serving", "done", "done", "no_show", "transferred", "cancelled")
SERVICES = ("HT", "DD", "KD")


def config(site: str) -> dict[str, Any]:
    return {
        "site": site, "name": f"UBND {site}", "timezone": SITES[site],
        "services": [
            {"code": "HT", "name_vi": "Hộ tịch", "max_wait_minutes": 45, "target_wait_minutes": 20},
            {"code": "DD", "name_vi": "Đất đai", "max_wait_minutes": 60, "target_wait_minutes": 30},
            {"code": "KD", "name_vi": "Đăng ký kinh doanh", "max_wait_minutes": 90},
        ],
        "counters": [{"number": 1, "name": "Quầy 1", "services": ["HT", "KD"]}, {"number": 2, "name": "Quầy 2", "services": ["DD"]}],
    }  # fmt: skip


class RandomSite:
    """A site's tickets changing at random, shipped a batch at a time through ``append``."""

    def __init__(self, site: str, rng: random.Random) -> None:
        self.site, self.rng = site, rng
        self.tickets: dict[int, dict[str, Any]] = {}
        self.seq = 0

    def _arrival(self, day: dt.date) -> str | None:
        if self.rng.random() < 0.03:
            return None  # (a row without its arrival: min() leaves it out)
        moment = dt.datetime.combine(day, dt.time(7), dt.timezone(dt.timedelta(hours=7))) + dt.timedelta(
            seconds=self.rng.randrange(10 * 3600), microseconds=self.rng.choice([0, 0, 250_000, 999_999])
        )
        return moment.isoformat()

    def _new(self) -> dict[str, Any]:
        number = len(self.tickets) + 1
        day = self.rng.choice(DAYS)
        return dict.fromkeys(central.TICKET_COLUMNS) | {
            "id": number, "day": day.isoformat(), "label": f"A{number}", "number": number,
            "service": self.rng.choice(SERVICES) if self.rng.random() > 0.04 else None,
            "state": self.rng.choice(STATES), "arrival_at": self._arrival(day),
            "transferred_from": self.rng.randrange(1, number + 1) if self.rng.random() < 0.15 else None,
        }  # fmt: skip

    def _changed(self, ticket: dict[str, Any]) -> dict[str, Any]:
        changed = ticket | {"state": self.rng.choice(STATES)}
        if self.rng.random() < 0.1:  # moved to another field (or none): its old group may empty
            changed["service"] = self.rng.choice((*SERVICES, None))
        if self.rng.random() < 0.05:  # to another day
            day = self.rng.choice(DAYS)
            changed |= {"day": day.isoformat(), "arrival_at": self._arrival(day)}
        return changed

    def ship(self, conn: psycopg.Connection[Any], months: set[dt.date], new: int, changed: int) -> None:
        touched = []
        for _ in range(new):
            ticket = self._new()
            self.tickets[ticket["id"]] = ticket
            touched.append(ticket)
        for number in self.rng.sample(sorted(self.tickets), min(changed, len(self.tickets))):
            self.tickets[number] = self._changed(self.tickets[number])
            touched.append(self.tickets[number])
        rows = [Row(self.seq + n, "ticket.changed", "2026-11-23T09:00:00+07:00", {"ticket": t["id"]}) for n, t in enumerate(touched, 1)]
        self.seq = central.append(conn, self.site, self.seq, rows, months, list({t["id"]: t for t in touched}.values()), self.seq + len(rows))


def kept(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    rows = conn.execute("SELECT site, day, service, waiting, oldest_waiting, done, issued FROM site_field_days").fetchall()
    return sorted(rows, key=repr)


def counted(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    return sorted(conn.execute(TICKETS_BEFORE, {"today": list(DAYS)}).fetchall(), key=repr)


def test_each_batch_leaves_each_fields_figures_as_the_tickets_say(central_dsn: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(21)
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        months: set[dt.date] = set()
        sites = [RandomSite(site, rng) for site in SITES]
        for site in sites:
            central.record_config(conn, site.site, config(site.site))
        for turn in range(40):
            site = rng.choice(sites)
            site.ship(conn, months, new=rng.randrange(0, 12), changed=rng.randrange(0, 15))
            assert kept(conn) == counted(conn), f"after batch {turn} of {site.site}"
        sites[0].ship(conn, months, new=550, changed=60)  # large enough to be copied
        assert len(sites[0].tickets) >= central.COPY_ROWS
        for _ in range(10):
            for site in sites:
                site.ship(conn, months, new=rng.randrange(0, 5), changed=rng.randrange(5, 40))
        assert kept(conn) == counted(conn)
        groups = kept(conn)
        assert {row[2] for row in groups} == {*SERVICES, None}, "a field of every kind, and tickets without one"
        assert any(row[3] == 0 for row in groups) and any(row[4] and "." in row[4] for row in groups)

        def figures() -> tuple[Any, ...]:
            offline = dt.timedelta(minutes=3)
            return (
                live.sites_now(conn, NOW, offline),
                waits.fields_now(conn, NOW, offline),
                [live.site_detail(conn, site, NOW)["fields"] for site in SITES],
            )

        after = figures()
        monkeypatch.setattr(live, "_TICKETS", TICKETS_BEFORE)
        monkeypatch.setattr(waits, "_WAITING", WAITING_BEFORE)
        monkeypatch.setattr(live, "_FIELDS", FIELDS_BEFORE)
        before = figures()
        assert after == before
        # (and not all of nothing: each site's own today — the 24th in Tokyo — has waiting, over-target fields)
        by_site = {row.site: row for row in after[0]}
        assert all(row.waiting and row.served and row.issued for row in by_site.values())
        assert by_site["phuong-c"].issued == sum(
            t["transferred_from"] is None for t in sites[2].tickets.values() if t["day"] == "2026-11-24"
        )
        assert any(row.over_target for row in by_site.values())
        assert any(field.waiting for centre in after[1] for field in centre.fields)


def test_the_migration_counts_the_tickets_already_there(central_dsn: str) -> None:
    """A central copy made before site_field_days: its tickets are counted when it migrates."""
    rng = random.Random(7)
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        site = RandomSite("xa-a", rng)
        for _ in range(5):
            site.ship(conn, set(), new=30, changed=20)
        expected = counted(conn)
        assert kept(conn) == expected and expected
        # as before the migration: no table (nor the later migrations'), the schema back before it
        step = next(n for n, sql in enumerate(central.MIGRATIONS) if "CREATE TABLE site_field_days" in sql)
        conn.execute("DROP TABLE site_field_days, site_months, report_months, report_month_waits")
        conn.execute("UPDATE schema_version SET version = %s", [step])
        assert central.migrate(conn) == len(central.MIGRATIONS)
        assert kept(conn) == expected


def test_a_field_emptied_of_its_tickets_is_gone_from_the_day(central_dsn: str) -> None:
    def ticket(service: str | None, state: str) -> dict[str, Any]:
        return dict.fromkeys(central.TICKET_COLUMNS) | {
            "id": 1, "day": "2026-11-23", "service": service, "state": state, "arrival_at": "2026-11-23T09:00:00+07:00",
        }  # fmt: skip

    def batch(seq: int) -> list[Row]:
        return [Row(seq, "ticket.changed", "2026-11-23T09:00:00+07:00", {"ticket": 1})]

    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        central.append(conn, "xa-a", 0, batch(1), set(), [ticket("HT", "waiting")])
        assert kept(conn) == [("xa-a", dt.date(2026, 11, 23), "HT", 1, "2026-11-23T09:00:00+07:00", 0, 1)]
        central.append(conn, "xa-a", 1, batch(2), set(), [ticket("DD", "done")])  # transferred in place: another field
        assert kept(conn) == [("xa-a", dt.date(2026, 11, 23), "DD", 0, None, 1, 1)]
        central.append(conn, "xa-a", 2, batch(3), set(), [ticket(None, "done")])
        assert kept(conn) == [("xa-a", dt.date(2026, 11, 23), None, 0, None, 1, 1)]
        central.append(conn, "xa-a", 3, batch(4), set(), [ticket(None, "waiting")])  # a field-less group updated
        assert kept(conn) == [("xa-a", dt.date(2026, 11, 23), None, 1, "2026-11-23T09:00:00+07:00", 0, 1)]


def test_a_batch_of_one_field_leaves_the_other_fields_rows_alone(central_dsn: str) -> None:
    """A batch counts again only the (day, field)s its tickets are of: the day's other fields'
    rows are neither rewritten nor locked (their xmin and xmax as they were), and still right."""
    ids = iter(range(1, 1000))

    def ticket(service: str | None, state: str, day: str = "2026-11-23") -> dict[str, Any]:
        number = next(ids)
        return dict.fromkeys(central.TICKET_COLUMNS) | {
            "id": number, "day": day, "service": service, "state": state, "arrival_at": f"{day}T09:{number:02}:00+07:00",
        }  # fmt: skip

    def versions(conn: psycopg.Connection[Any]) -> dict[Any, tuple[str, str]]:
        rows = conn.execute("SELECT day, service, xmin::text, xmax::text FROM site_field_days").fetchall()
        return {(day, service): (xmin, xmax) for day, service, xmin, xmax in rows}

    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        first = [ticket(s, state, day) for s in ("HT", "DD", None) for state in ("waiting", "done") for day in ("2026-11-23", "2026-11-24")]
        tickets = {t["id"]: t for t in first}
        seq = central.append(conn, "xa-a", 0, [Row(1, "ticket.changed", "2026-11-23T09:00:00+07:00", {})], set(), first)
        before = versions(conn)
        assert len(before) == 6
        for changed in ([tickets[1] | {"state": "done"}, ticket("HT", "waiting")], [tickets[9] | {"state": "done"}]):
            seq = central.append(conn, "xa-a", seq, [Row(seq + 1, "ticket.changed", "2026-11-23T09:00:00+07:00", {})], set(), changed)
            touched = {(dt.date.fromisoformat(t["day"]), t["service"]) for t in changed}
            after = versions(conn)
            assert {field for field in after if after[field] != before[field]} == touched
            assert kept(conn) == counted(conn)
            before = after


@pytest.mark.parametrize("values", [[], ["xa-a"], ["p-0001", 'a "quoted", site', "back\\slash", "{braces}", "NULL", "", "Phường Bến Thành"]])
def test_a_list_passed_as_one_array_text_comes_back_the_same(central_dsn: str, values: list[str]) -> None:
    with central.connect(central_dsn) as conn:
        assert conn.execute("SELECT %s::text[]", [live.array_literal(values)]).fetchone() == (values,)
        starts = [dt.datetime(2026, 11, 23, tzinfo=ZoneInfo(zone)) for zone in ("Asia/Ho_Chi_Minh", "Asia/Tokyo", "UTC")]
        assert conn.execute("SELECT %s::timestamptz[]", [live.array_literal(s.isoformat() for s in starts)]).fetchone() == (starts,)
