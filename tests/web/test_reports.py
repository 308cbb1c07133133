"""Report queries against a real SQLite file holding known tickets, every figure checked
against a hand-computed value; and the report operations through a real server."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from queue_server.core.periods import Period, period_bounds
from queue_server.store.database import connect
from queue_server.store.reports import Grouping, ReportRangeError, build_report, check_range
from queue_server.store.schema import migrate
from queue_server.web.exports import report_table, to_csv, to_xlsx
from tests.integration.conftest import Clock, run, running_lobby

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 23)


def at(hour: int, minute: int, day: dt.date = DAY) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).isoformat()


def ticket(id: int, service: str, state: str, issued: tuple[int, int], called: tuple[int, int] | None = None,
           served: tuple[int, int] | None = None, done: tuple[int, int] | None = None, counter: int | None = None,
           officer: str | None = None, rating: int | None = None, day: dt.date = DAY) -> dict[str, Any]:
    return {
        "id": id, "day": day.isoformat(), "label": f"X{id:03d}", "code": f"CODE{id:06d}", "service": service,
        "number": id, "state": state, "issued_at": at(*issued, day=day), "arrival_at": at(*issued, day=day),
        "called_at": at(*called, day=day) if called else None, "served_at": at(*served, day=day) if served else None,
        "done_at": at(*done, day=day) if done else None, "counter": counter, "officer": officer, "rating": rating,
        "recalls": 0, "returns": 0,
    }


# Monday 23 November 2026. Waits (arrival → call), service times (start of service → done):
#  1 HT  done     08:00 → 08:10, served 08:12 → 08:20   wait 10, service 8, counter 1 lan, rated 4
#  2 HT  done     08:05 → 08:25, (no serve) → 08:31    wait 20, service 6, counter 1 lan, rated 3
#  3 HT  no_show  08:30 → 08:40                        wait 10, counter 2 minh
#  4 DD  done     09:00 → 09:30, served 09:31 → 09:41   wait 30, service 10, counter 2 minh, rated 1
#  5 DD  waiting  09:10
#  6 DD  transferred 09:20 → 09:50 (closed half of a transfer: a number given in DD, no wait)
#  7 KD  cancelled 10:00
# Tuesday 24: 8 HT done 14:00 → 14:40 served → 14:45, counter 1 lan, rated 4   wait 40, service 5
TICKETS = [
    ticket(1, "HT", "done", (8, 0), (8, 10), (8, 12), (8, 20), 1, "lan", 4),
    ticket(2, "HT", "done", (8, 5), (8, 25), None, (8, 31), 1, "lan", 3),
    ticket(3, "HT", "no_show", (8, 30), (8, 40), None, None, 2, "minh"),
    ticket(4, "DD", "done", (9, 0), (9, 30), (9, 31), (9, 41), 2, "minh", 1),
    ticket(5, "DD", "waiting", (9, 10)),
    ticket(6, "DD", "transferred", (9, 20), (9, 50), None, None, 2, "minh"),
    ticket(7, "KD", "cancelled", (10, 0)),
    ticket(8, "HT", "done", (14, 0), (14, 40), (14, 40), (14, 45), 1, "lan", 4, day=DAY + dt.timedelta(days=1)),
]


@pytest.fixture
def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = connect(tmp_path / "reports.db")
    migrate(database)
    database["tickets"].insert_all(TICKETS)
    yield database
    database.close()


def test_a_day_by_field_gives_the_hand_computed_figures(db) -> None:  # type: ignore[no-untyped-def]
    report = build_report(db, DAY, DAY, Grouping.SERVICE, TZ)
    total = report.total
    assert (total.issued, total.served, total.no_show, total.cancelled, total.transferred, total.waiting) == (7, 3, 1, 1, 1, 1)
    assert total.average_wait_minutes == 17.5  # (10 + 20 + 10 + 30) / 4
    assert total.p90_wait_minutes == 30  # nearest rank: ceil(0.9 × 4) = 4th of 10, 10, 20, 30
    assert total.average_service_minutes == 8  # (8 + 6 + 10) / 3
    assert dict(total.ratings) == {1: 1, 2: 0, 3: 1, 4: 1}
    assert total.average_rating == 2.67  # (4 + 3 + 1) / 3
    assert total.satisfaction_index == 55.6  # (100 + 66.67 + 0) / 3
    rows = {row.key: row.figures for row in report.rows}
    assert list(rows) == ["DD", "HT", "KD"]
    assert (rows["HT"].issued, rows["HT"].served, rows["HT"].no_show) == (3, 2, 1)
    assert rows["HT"].average_wait_minutes == 13.33 and rows["HT"].p90_wait_minutes == 20
    assert rows["DD"].issued == 3 and rows["DD"].average_wait_minutes == 30 and rows["DD"].satisfaction_index == 0
    assert rows["KD"].average_wait_minutes is None and rows["KD"].satisfaction_index is None
    hours = report.arrivals_by_hour
    assert (hours[8], hours[9], hours[10], sum(hours)) == (3, 3, 1, 7)  # the transfer's closed half: its citizen's arrival


def test_a_week_by_counter_and_by_officer(db) -> None:  # type: ignore[no-untyped-def]
    first, last = period_bounds(Period.WEEK, dt.date(2026, 11, 26))
    assert (first, last) == (DAY, dt.date(2026, 11, 29))
    by_counter = build_report(db, first, last, Grouping.COUNTER, TZ)
    rows = {row.key: row.figures for row in by_counter.rows}
    assert list(rows) == [1, 2, None]  # None: never called (waiting, cancelled)
    assert (rows[1].served, rows[1].average_wait_minutes, rows[1].average_service_minutes) == (3, 23.33, 6.33)
    assert rows[1].satisfaction_index == 88.9  # (100 + 66.67 + 100) / 3
    assert (rows[2].issued, rows[2].no_show, rows[2].transferred) == (3, 1, 1)
    assert (rows[None].issued, rows[None].waiting, rows[None].cancelled) == (2, 1, 1)
    by_officer = build_report(db, first, last, Grouping.OFFICER, TZ)
    assert [row.key for row in by_officer.rows] == ["lan", "minh", None]
    assert by_officer.total.issued == 8 and by_officer.total.p90_wait_minutes == 40
    by_day = build_report(db, first, last, Grouping.DAY, TZ)
    assert [(row.key, row.figures.issued) for row in by_day.rows] == [("2026-11-23", 7), ("2026-11-24", 1)]


@pytest.mark.parametrize(
    ("period", "day", "bounds"),
    [
        (Period.DAY, "2026-11-23", ("2026-11-23", "2026-11-23")),
        (Period.WEEK, "2026-11-23", ("2026-11-23", "2026-11-29")),
        (Period.WEEK, "2026-11-29", ("2026-11-23", "2026-11-29")),
        (Period.MONTH, "2026-02-14", ("2026-02-01", "2026-02-28")),
        (Period.MONTH, "2028-02-29", ("2028-02-01", "2028-02-29")),
        (Period.MONTH, "2026-12-31", ("2026-12-01", "2026-12-31")),
    ],
)
def test_periods_cover_their_days(period: Period, day: str, bounds: tuple[str, str]) -> None:
    first, last = period_bounds(period, dt.date.fromisoformat(day))
    assert (first.isoformat(), last.isoformat()) == bounds


def test_ranges_backwards_or_over_a_year_are_refused() -> None:
    with pytest.raises(ReportRangeError):
        check_range(DAY, DAY - dt.timedelta(days=1))
    with pytest.raises(ReportRangeError):
        check_range(DAY, DAY + dt.timedelta(days=366))
    check_range(DAY, DAY + dt.timedelta(days=365))


def test_an_empty_period_has_zeros_and_no_averages(db) -> None:  # type: ignore[no-untyped-def]
    report = build_report(db, dt.date(2026, 1, 1), dt.date(2026, 1, 31), Grouping.SERVICE, TZ)
    assert report.rows == () and report.total.issued == 0 and report.total.average_wait_minutes is None
    assert report.arrivals_by_hour == (0,) * 24


def test_exports_carry_the_same_table(db) -> None:  # type: ignore[no-untyped-def]
    report = build_report(db, DAY, DAY, Grouping.SERVICE, TZ)
    table = report_table(report, lambda key: {"HT": "Hộ tịch", "DD": "Đất đai"}.get(key, str(key)), [(4, "Rất hài lòng"), (3, "Hài lòng"), (2, "Bình thường"), (1, "Không hài lòng")])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows[0][12] == "Rất hài lòng (4)"
    assert rows[2][:5] == ["Hộ tịch", "3", "0", "2", "1"]  # issued, transferred in, served, no-shows
    assert rows[4][0] == "Tổng cộng (Total)" and rows[4][-2] == "55.6"  # the satisfaction index…
    assert rows[0][-1] == "Đánh giá gắn hồ sơ, % (Ratings with a dossier)" and rows[4][-1] == "0.0"  # …then this
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(table)))
    sheet = list(book["Báo cáo"].iter_rows(values_only=True))
    assert sheet[0][0] == "Báo cáo 2026-11-23" and sheet[3][:5] == ("Hộ tịch", 3, 0, 2, 1)
    assert sheet[-1][0] == "Tổng cộng (Total)" and sheet[-1][10] == 30  # the total's P90 wait


def test_the_report_operations_through_a_real_server(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=Clock()) as lobby:
            kiosk = await lobby.client("kiosk")
            for _ in range(2):
                await kiosk.ok("ticket.issue", service="HT")
            counter = await lobby.officer("counter-1")
            await counter.ok("ticket.call_next")
            await counter.ok("ticket.complete")
            manager = await lobby.client("manager")
            report = (await manager.ok("report.get", by="counter"))["report"]
            assert report["from"] == report["to"] == "2026-11-23"
            assert report["total"]["issued"] == 2 and report["rows"][0]["name"] == "Quầy 1"
            week = (await manager.ok("report.get", period="week", date="2026-11-25"))["report"]
            assert (week["from"], week["to"]) == ("2026-11-23", "2026-11-29")
            reply = await manager.ok("report.export", format="xlsx", by="officer")
            assert reply["filename"] == "bao-cao_2026-11-23_officer.xlsx"
            book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(reply["data"])))
            assert list(book["Báo cáo"].iter_rows(values_only=True))[2][0] == "Nguyễn Thị Lan"
            bad_inputs = [
                ({"period": "year"}, "bad_field"),
                ({"date": "23/11/2026"}, "bad_field"),
                ({"date": "2026-02-30"}, "bad_field"),
                ({"by": "colour"}, "bad_field"),
                ({"date": 20261123}, "bad_field"),
                ({"format": "pdf"}, "bad_field"),
                ({"period": "day\u0000"}, "bad_field"),
                ({"colour": 1}, "unknown_field"),
            ]
            seq = lobby.hub.lobby.seq
            for bad, code in bad_inputs:
                await manager.error("report.export", code, **({"format": "csv"} | bad))
            assert lobby.hub.lobby.seq == seq  # nothing changed
            await kiosk.error("report.get", "forbidden")
            await counter.error("report.export", "forbidden", format="csv")

    run(scenario())
