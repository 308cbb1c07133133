"""The planning operations through a real server on a real SQLite file that holds a 5-week
simulated history: every figure of the replies and files checked against a hand count."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from bench.history import SimulatedCentre
from queue_server.core.planning.erlang import counters_needed
from queue_server.store.database import connect
from queue_server.store.schema import migrate
from tests.integration.conftest import Clock, run, running_lobby
from tests.planning.simulated import TZ, hand_walk_ins, local

CENTRE = SimulatedCentre({"HT": 8.0, "DD": 5.0, "KD": 3.0}, {"HT": 6.0, "DD": 12.0, "KD": 9.0})
FIRST, LAST = dt.date(2026, 10, 19), dt.date(2026, 11, 22)  # 5 weeks before Monday 23 November
ROWS = CENTRE.tickets(FIRST, LAST, TZ, seed=14)
TUESDAY = dt.date(2026, 11, 24)
USED = [dt.date(2026, 11, 17), dt.date(2026, 11, 10), dt.date(2026, 11, 3), dt.date(2026, 10, 27)]


def history_db(path: Path) -> Path:
    db = connect(path)
    migrate(db)
    db["tickets"].insert_all(ROWS, batch_size=2000)
    db.close()
    return path


def hand_service_minutes(service: str, first: dt.date, last: dt.date) -> float:
    spans = [
        (local(r["done_at"]) - local(r["served_at"])).total_seconds() / 60
        for r in ROWS
        if r["service"] == service and r["state"] == "done" and first.isoformat() <= r["day"] <= last.isoformat()
    ]
    return sum(spans) / len(spans)


def test_forecast_staffing_heat_map_and_quiet_slots_through_a_real_server(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(history_db(tmp_path / "lobby.db"), clock=Clock()) as lobby:
            phone = await lobby.client(None)
            await phone.ok("hello")
            for _ in range(2):  # two bookings at Tuesday 08:00 (HT), one at 08:15
                await phone.ok("appointment.book", service="HT", slot_start="2026-11-24T08:00:00+07:00")
            await phone.ok("appointment.book", service="HT", slot_start="2026-11-24T08:15:00+07:00")
            manager = await lobby.client("manager")

            view = (await manager.ok("planning.forecast", date="2026-11-24"))["forecast"]
            assert view["days_used"] == [d.isoformat() for d in USED] and view["weeks"] == 4
            assert view["level_percent"] == 80 and view["slots"][0] == "07:30" and view["slots"][-1] == "16:30"
            counts = [hand_walk_ins(ROWS, d) for d in USED]
            ht = next(f for f in view["fields"] if f["service"] == "HT")
            eight = view["slots"].index("08:00")
            walk_in = sum(c[("HT", 16)] for c in counts) / 4
            assert ht["walk_in"][eight] == round(walk_in, 2) and ht["booked"][eight] == 3
            assert ht["arrivals"][eight] == round(walk_in + 3, 2)
            minutes = hand_service_minutes("HT", dt.date(2026, 10, 27), dt.date(2026, 11, 23))
            assert ht["service_minutes"] == pytest.approx(minutes, abs=0.0051) and ht["measured"] is True
            assert ht["counters"][eight] == counters_needed(walk_in + 3, minutes, 20, 80)
            for f in view["fields"]:
                code = f["service"]
                assert f["total_arrivals"] == round(sum(sum(v for (s, _), v in c.items() if s == code) for c in counts) / 4 + (3 if code == "HT" else 0), 2)
            slot = view["slots"].index("10:30")
            assert view["total"]["arrivals"][slot] == round(sum(c[(s, 21)] for c in counts for s in ("HT", "DD", "KD")) / 4, 2)
            assert view["total"]["counters"][slot] == sum(f["counters"][slot] for f in view["fields"])

            # a day with no history: the bookings alone, and the site's default service time
            empty = (await manager.ok("planning.forecast", date="2026-10-19", weeks=1))["forecast"]
            assert empty["days_used"] == [] and empty["slots"] == [] and empty["fields"][0]["measured"] is False

            heat = (await manager.ok("planning.heatmap", **{"from": "2026-10-19", "to": "2026-11-22"}))["heatmap"]
            arrivals: Counter[tuple[int, int]] = Counter()
            waits: dict[tuple[int, int], list[float]] = defaultdict(list)
            for r in ROWS:
                if r.get("transferred_from") is None:
                    moment = local(r["issued_at"])
                    arrivals[(moment.weekday(), moment.hour)] += 1
                    if r["called_at"]:
                        waits[(moment.weekday(), moment.hour)].append((local(r["called_at"]) - moment).total_seconds() / 60)
            assert heat["days"] == [5] * 7
            assert heat["arrivals"] == [[arrivals[(w, h)] for h in range(24)] for w in range(7)]
            assert heat["arrivals_per_day"][0][8] == round(arrivals[(0, 8)] / 5, 2)
            assert heat["average_wait"][4][9] == pytest.approx(sum(waits[(4, 9)]) / len(waits[(4, 9)]), abs=0.0051)
            default = (await manager.ok("planning.heatmap"))["heatmap"]
            assert (default["from"], default["to"]) == ("2026-10-27", "2026-11-23")

            # the booking page's quiet slots: each slot's share of its half-hour's forecast
            slots = (await phone.ok("appointment.slots", service="HT", day="2026-11-24"))["slots"]
            by_start = {s["start"]: s for s in slots}
            eight_slot = by_start["2026-11-24T08:00:00+07:00"]
            assert eight_slot["expected_arrivals"] == round((walk_in + 3) / 2, 2) and eight_slot["free"] == 0
            night = by_start["2026-11-24T03:00:00+07:00"]
            assert night["expected_arrivals"] == 0 and night["quiet"] is False  # outside the usual 07:30–17:00
            lunch = by_start["2026-11-24T12:00:00+07:00"]
            assert lunch["expected_arrivals"] == 0 and lunch["quiet"] is True
            usual = [s for s in slots if "07:30" <= s["start"][11:16] < "17:00" and s["free"] > 0]
            quiet = [s for s in usual if s["quiet"]]
            assert len(quiet) >= -(-len(usual) // 3) and sum(s["quiet"] for s in slots) == len(quiet)
            assert max(s["expected_arrivals"] for s in quiet) < min(s["expected_arrivals"] for s in usual if not s["quiet"])
            assert by_start["2026-11-24T08:30:00+07:00"]["quiet"] is False
            assert eight_slot["quiet"] is False  # full
            for far in ("1900-01-01", "2999-12-31"):  # the first and last days taken, no history possible: no load
                far_slots = (await phone.ok("appointment.slots", service="HT", day=far))["slots"]
                assert far_slots and all(s["expected_arrivals"] == 0 and s["quiet"] is False for s in far_slots)

            # files
            reply = await manager.ok("planning.export", table="staffing", format="xlsx", date="2026-11-24")
            assert reply["filename"] == "ke-hoach-quay_2026-11-24.xlsx"
            book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(reply["data"])))
            sheet = list(book["Số quầy cần"].iter_rows(values_only=True))
            assert sheet[1][0] == "Lĩnh vực (Field)" and sheet[1][1 + eight] == "08:00"
            ht_row = next(r for r in sheet if r[0] == "Hộ tịch")
            assert ht_row[1 + eight] == ht["counters"][eight] and ht_row[-1] == sum(ht["counters"])
            forecast_rows = list(book["Dự báo lượt đến"].iter_rows(values_only=True))
            assert next(r for r in forecast_rows if r[0] == "Hộ tịch")[1 + eight] == ht["arrivals"][eight]
            assert forecast_rows[-1][0] == "Tổng cộng (Total)"
            reply = await manager.ok("planning.export", table="staffing", format="csv", date="2026-11-24")
            text = base64.b64decode(reply["data"]).decode("utf-8")
            assert text.startswith("\ufeff") and reply["content_type"].startswith("text/csv")
            rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
            assert rows[0][0].startswith("Số quầy cần để đạt 80 %") and rows[0][0].endswith("2026-11-24 — Trung tâm Phục vụ hành chính công (thử nghiệm)")
            assert next(r for r in rows if r and r[0] == "Hộ tịch")[1 + eight] == str(ht["counters"][eight])
            details = rows[rows.index(next(r for r in rows if r and r[0].startswith("Thông số theo lĩnh vực"))) + 2]
            assert details[:4] == ["Hộ tịch", str(ht["service_minutes"]), "có", "20"] and details[5] == "3"
            reply = await manager.ok("planning.export", table="heatmap", format="xlsx", **{"from": "2026-10-19", "to": "2026-11-22"})
            book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(reply["data"])))
            assert book.sheetnames == ["Lượt đến", "Lượt đến mỗi ngày", "Chờ trung bình"]
            friday = list(book["Chờ trung bình"].iter_rows(values_only=True))[6]
            assert friday[0] == "Thứ Sáu (5 ngày)" and friday[1 + 9] == heat["average_wait"][4][9]
            assert list(book["Lượt đến mỗi ngày"].iter_rows(values_only=True))[2][1 + 8] == heat["arrivals_per_day"][0][8]
            reply = await manager.ok("planning.export", table="heatmap", format="csv", **{"from": "2026-10-19", "to": "2026-11-22"})
            assert reply["filename"] == "gio-cao-diem_2026-10-19_2026-11-22.csv"
            rows = list(csv.reader(io.StringIO(base64.b64decode(reply["data"]).decode("utf-8-sig"))))
            assert rows[1][0] == "Thứ (Weekday)" and rows[1][9] == "08:00"
            assert rows[2][0] == "Thứ Hai (5 ngày)" and rows[2][9] == str(arrivals[(0, 8)])

            bad_inputs = [
                ("planning.forecast", {"date": "24/11/2026"}, "bad_field", "date"),
                ("planning.forecast", {"date": "2026-02-30"}, "bad_field", "date"),
                ("planning.forecast", {"weeks": 0}, "bad_field", "weeks"),
                ("planning.forecast", {"weeks": 13}, "bad_field", "weeks"),
                ("planning.forecast", {"weeks": "4"}, "bad_field", "weeks"),
                ("planning.forecast", {"from": "2026-11-01"}, "unknown_field", None),
                ("planning.heatmap", {"from": "2026-11-22", "to": "2026-11-01"}, "bad_field", "to"),
                ("planning.heatmap", {"from": "2025-11-01", "to": "2026-11-22"}, "bad_field", "to"),
                ("planning.heatmap", {"to": "tomorrow"}, "bad_field", "to"),
                ("planning.forecast", {"date": "0001-01-03"}, "bad_field", "date"),  # its history is before year 1
                ("planning.forecast", {"date": "9999-12-31"}, "bad_field", "date"),
                ("planning.heatmap", {"to": "0001-01-05"}, "bad_field", "to"),  # 28 days back: before year 1
                ("planning.heatmap", {"from": "2999-12-30"}, "bad_field", "to"),  # today is before it
                ("planning.export", {"table": "staffing", "format": "csv", "date": "0001-01-01"}, "bad_field", "date"),
                ("planning.export", {"table": "staffing"}, "missing_field", "format"),
                ("planning.export", {"table": "rota", "format": "csv"}, "bad_field", "table"),
                ("planning.export", {"table": "staffing", "format": "pdf"}, "bad_field", "format"),
                ("planning.export", {"table": "staffing", "format": "csv", "from": "2026-11-01"}, "bad_field", "from"),
                ("planning.export", {"table": "heatmap", "format": "csv", "weeks": 2}, "bad_field", "weeks"),
            ]
            seq = lobby.hub.lobby.seq
            for op, args, code, field in bad_inputs:
                error = await manager.error(op, code, **args)
                if field:
                    assert error["details"]["field"] == field, (op, args, error)
            assert lobby.hub.lobby.seq == seq  # nothing changed
            kiosk = await lobby.client("kiosk")
            await kiosk.error("planning.forecast", "forbidden")
            await phone.error("planning.heatmap", "forbidden")

    run(scenario())
