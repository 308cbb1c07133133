"""The quality figures on a generated history of five weeks (30 working days) in a real
SQLite file, each checked against a hand count from the simulation's own ledger; and the
insight operations through a real server on that file."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from queue_server.store.database import connect
from queue_server.store.insight import InsightGrouping, build_insight
from queue_server.store.officer_time import NO_REASON
from tests.integration.conftest import run, running_lobby
from tests.integration.history import (
    CENTRE,
    SCALE,
    TARGETS,
    TZ,
    UNITS,
    History,
    Leg,
    demo_plan,
    hand_count,
    make_history,
)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return make_history(tmp_path_factory.mktemp("history") / "history.db", days=35, seed=14)


def insight_of(history: History, by: InsightGrouping, first: dt.date | None = None, last: dt.date | None = None):  # type: ignore[no-untyped-def]
    db = connect(history.path)
    try:
        units = {code: UNITS.get(code, CENTRE) for code in TARGETS}
        return build_insight(db, first or history.first, last or history.last, by, TZ, TARGETS, units, SCALE)
    finally:
        db.close()


KEYS: dict[InsightGrouping, Callable[[Leg], Any]] = {
    InsightGrouping.SERVICE: lambda leg: leg.service,
    InsightGrouping.COUNTER: lambda leg: leg.counter,
    InsightGrouping.OFFICER: lambda leg: leg.officer,
    InsightGrouping.UNIT: lambda leg: UNITS.get(leg.service, CENTRE),
    InsightGrouping.HOUR: lambda leg: leg.arrived.astimezone(TZ).hour,  # the citizen's first ticket's issue
    InsightGrouping.DAY: lambda leg: leg.day.isoformat(),
}


def test_the_history_is_long_and_varied_enough(history: History) -> None:
    days = {leg.day for leg in history.legs}
    assert (history.last - history.first).days + 1 >= 30 and len(days) >= 30
    outcomes = {leg.outcome for leg in history.legs}
    assert outcomes == {"done", "no_show", "transferred", "cancelled"}
    assert {leg.rating for leg in history.legs} >= {1, 2, 3, 4, None}
    assert any(leg.recalls for leg in history.legs)
    reasons = {key for spent in history.officer.values() for key in spent if key.startswith("paused:")}
    assert {"paused:lunch", "paused:"} <= reasons and len(reasons) >= 4


def test_the_totals_match_the_hand_count(history: History) -> None:
    insight = insight_of(history, InsightGrouping.SERVICE)
    assert insight.total.as_dict() == hand_count(history.legs)


@pytest.mark.parametrize("by", list(InsightGrouping), ids=[g.value for g in InsightGrouping])
def test_every_row_of_every_grouping_matches_the_hand_count(history: History, by: InsightGrouping) -> None:
    insight = insight_of(history, by)
    groups: dict[Any, list[Leg]] = {}
    for leg in history.legs:
        groups.setdefault(KEYS[by](leg), []).append(leg)
    assert {row.key for row in insight.rows} == set(groups)
    for row in insight.rows:
        assert row.quality.as_dict() == hand_count(groups[row.key]), row.key


def test_a_transferred_citizen_is_one_visit_and_two_transactions(history: History) -> None:
    transferred = [leg for leg in history.legs if leg.outcome == "transferred"]
    assert transferred
    total = insight_of(history, InsightGrouping.SERVICE).total
    codes = {(leg.day, leg.code) for leg in history.legs}
    assert total.visits == len(codes) == len(history.legs) - len(transferred)
    assert total.transactions > total.visits - len([leg for leg in history.legs if leg.outcome in ("no_show", "cancelled")])


def test_the_demo_centre_history_counts_by_its_agencies(tmp_path: Path) -> None:
    history = make_history(tmp_path / "demo.db", days=30, seed=3, plan=demo_plan())
    plan = history.plan
    db = connect(history.path)
    try:
        insight = build_insight(db, history.first, history.last, InsightGrouping.UNIT, TZ, plan.targets, plan.units, SCALE)
    finally:
        db.close()
    groups: dict[str, list[Leg]] = {}
    for leg in history.legs:
        groups.setdefault(plan.units[leg.service], []).append(leg)
    assert set(groups) == {"Sở Tư pháp", "Sở Tài nguyên và Môi trường", "Sở Kế hoạch và Đầu tư"}
    for row in insight.rows:
        assert row.quality.as_dict() == hand_count(groups[row.key], plan.targets), row.key


def test_units_gather_their_fields_and_the_centre_keeps_the_rest(history: History) -> None:
    rows = {row.key: row.quality for row in insight_of(history, InsightGrouping.UNIT).rows}
    assert set(rows) == {"Sở Tư pháp", "Sở Tài nguyên và Môi trường", CENTRE}
    service_rows = {row.key: row.quality for row in insight_of(history, InsightGrouping.SERVICE).rows}
    assert rows["Sở Tư pháp"] == service_rows["HT"] and rows[CENTRE] == service_rows["KD"]


def test_a_week_counts_only_its_days(history: History) -> None:
    first = dt.date(2026, 10, 12)
    last = first + dt.timedelta(days=6)
    insight = insight_of(history, InsightGrouping.DAY, first, last)
    assert insight.total.as_dict() == hand_count(leg for leg in history.legs if first <= leg.day <= last)
    assert {day.day for day in insight.officer_days} <= {first + dt.timedelta(days=n) for n in range(7)}


def test_officer_time_matches_what_the_simulation_spent(history: History) -> None:
    days = {(d.officer, d.day): d for d in insight_of(history, InsightGrouping.OFFICER).officer_days}
    assert set(days) == set(history.officer)
    for key, spent in history.officer.items():
        day = days[key]
        assert day.serving_minutes == pytest.approx(spent.get("serving", 0) / 60, abs=0.01), key
        assert day.idle_minutes == pytest.approx(spent.get("idle", 0) / 60, abs=0.01), key
        paused = {k.removeprefix("paused:"): v / 60 for k, v in spent.items() if k.startswith("paused:")}
        assert set(day.paused_minutes) == set(paused), key
        for reason, minutes in paused.items():
            assert day.paused_minutes[reason] == pytest.approx(minutes, abs=0.01), (key, reason)
        legs = [leg for leg in history.legs if (leg.officer, leg.day) == key]
        counted = hand_count(legs)
        assert (day.outcomes, day.no_show, day.recalled) == (counted["outcomes"], counted["no_show"], counted["recalled"])
        assert (day.no_show_rate, day.recall_rate) == (counted["no_show_rate"], counted["recall_rate"])


def test_pauses_without_a_reason_have_their_own_key(history: History) -> None:
    days = insight_of(history, InsightGrouping.OFFICER).officer_days
    assert any(NO_REASON in d.paused_minutes for d in days)
    assert any("lunch" in d.paused_minutes for d in days)


# --- through a real server ---


class _At:
    def __init__(self, moment: dt.datetime) -> None:
        self.now = moment

    def __call__(self) -> dt.datetime:
        return self.now


def test_the_operations_report_the_same_figures_and_files(history: History, tmp_path: Path) -> None:
    db_path = tmp_path / "copy.db"
    source = connect(history.path)
    source.conn.execute(f"VACUUM INTO '{db_path}'")
    source.close()
    clock = _At(dt.datetime(2026, 11, 9, 18, 0, tzinfo=TZ))
    october = [leg for leg in history.legs if leg.day.month == 10]

    async def scenario() -> None:
        async with running_lobby(db_path, config=history.config, clock=clock) as lobby:
            manager = await lobby.client("manager")
            reply = await manager.ok("insight.get", period="month", date="2026-10-15", by="unit")
            insight = reply["insight"]
            assert (insight["from"], insight["to"], insight["aim_percent"]) == ("2026-10-01", "2026-10-31", 80)
            expected = hand_count(october)
            assert {k: insight["total"][k] for k in expected} == expected
            assert [row["name"] for row in insight["rows"]] == sorted(row["key"] for row in insight["rows"])
            by_service = (await manager.ok("insight.get", period="month", date="2026-10-15"))["insight"]
            assert {row["key"]: row["target_wait_minutes"] for row in by_service["rows"]} == TARGETS
            officers = {(r["officer"], r["day"]): r for r in insight["officer_time"]}
            lan_day = min(k for k in history.officer if k[0] == "lan")
            row = officers[("lan", lan_day[1].isoformat())]
            assert row["name"] == "Nguyễn Thị Lan"
            assert row["serving_minutes"] == pytest.approx(history.officer[lan_day]["serving"] / 60, abs=0.01)

            csv_reply = await manager.ok("insight.export", period="month", date="2026-10-15", by="service", format="csv")
            assert csv_reply["filename"] == "chat-luong_2026-10-01_2026-10-31_service.csv"
            text = base64.b64decode(csv_reply["data"]).decode("utf-8")
            assert text.startswith("\ufeff")
            lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
            assert lines[0][0].startswith("Mức phục vụ và hài lòng 2026-10-01 – 2026-10-31")
            headings = lines[1]
            total = next(line for line in lines if line and line[0] == "Tổng cộng (Total)")
            assert int(total[headings.index("Lượt công dân (Visits)")]) == expected["visits"]
            assert int(total[headings.index("Giao dịch (Transactions)")]) == expected["transactions"]
            assert float(total[headings.index("Mức phục vụ % (Service level %)")]) == expected["service_level_percent"]
            assert float(total[headings.index("Chỉ số hài lòng 0–100 (Satisfaction index)")]) == expected["satisfaction_index"]
            assert int(total[headings.index("Không hài lòng (1)")]) == expected["ratings"]["1"]
            ht = next(line for line in lines if line and line[0] == "Hộ tịch")
            assert ht[1] == "10"
            time_title = next(n for n, line in enumerate(lines) if line and line[0].startswith("Thời gian làm việc"))
            time_rows = [line for line in lines[time_title + 2:] if line]
            assert len(time_rows) == len({k for k in history.officer if k[1].month == 10})

            xlsx_reply = await manager.ok("insight.export", period="month", date="2026-10-15", by="officer", format="xlsx")
            book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx_reply["data"])))
            assert book.sheetnames == ["Chất lượng", "Thời gian cán bộ"]
            quality = list(book["Chất lượng"].iter_rows(values_only=True))
            names = {line[0]: line for line in quality[2:]}
            lan = hand_count(leg for leg in october if leg.officer == "lan")
            head = quality[1]
            assert names["Nguyễn Thị Lan"][head.index("Đã gọi (Called)")] == lan["called"]
            assert names["Nguyễn Thị Lan"][head.index("Tỷ lệ vắng % (No-show rate %)")] == lan["no_show_rate"]
            times = list(book["Thời gian cán bộ"].iter_rows(values_only=True))
            time_head = times[1]
            assert "Tạm dừng: Nghỉ trưa" in time_head and "Tạm dừng: không nêu lý do (none given)" in time_head
            october_days = [k for k in history.officer if k[1].month == 10]
            assert len(times) - 2 == len(october_days)
            lunch = sum(history.officer[k].get("paused:lunch", 0) for k in october_days) / 60
            column = time_head.index("Tạm dừng: Nghỉ trưa")
            assert sum(line[column] for line in times[2:]) == pytest.approx(lunch, abs=0.01 * len(october_days))

            await manager.error("insight.get", "bad_field", by="week")
            await manager.error("insight.get", "bad_field", date="15/10/2026")
            counter = await lobby.client("counter-1")
            await counter.error("insight.get", "forbidden")
            await counter.error("insight.export", "forbidden", format="csv")

    run(scenario())


def test_follow_ups_are_the_dissatisfied_ratings_and_close_durably(history: History, tmp_path: Path) -> None:
    db_path = tmp_path / "copy.db"
    source = connect(history.path)
    source.conn.execute(f"VACUUM INTO '{db_path}'")
    source.close()
    clock = _At(dt.datetime(2026, 11, 9, 18, 0, tzinfo=TZ))
    unhappy = [leg for leg in history.legs if leg.rating == 1]
    assert unhappy

    async def scenario() -> None:
        async with running_lobby(db_path, config=history.config, clock=clock) as lobby:
            manager = await lobby.client("manager")
            items = manager.hello["snapshot"]["follow_ups"]  # type: ignore[attr-defined]
            assert [(i["id"], i["officer"], i["counter"], i["service"]) for i in items] == [
                (leg.id, leg.officer, leg.counter, leg.service) for leg in unhappy
            ]
            first = unhappy[0]
            reply = await manager.ok("follow_up.close", item=first.id, note="Đã gọi điện cho công dân.")
            assert reply["follow_up"]["note"] == "Đã gọi điện cho công dân." and reply["follow_up"]["closed_by"] == "manager"
            await manager.error("follow_up.close", "follow_up_closed", item=first.id, note="Lần hai")
            await manager.error("follow_up.close", "text_too_long", item=unhappy[-1].id, note="x" * 501)
            await manager.error("follow_up.close", "note_required", item=unhappy[-1].id, note="")
            await manager.error("follow_up.close", "follow_up_unknown", item=10**6, note="Không có")
            await manager.error("follow_up.close", "bad_field", item="một", note="Không có")
            integration = await lobby.client("integration")
            await integration.error("follow_up.close", "forbidden", item=unhappy[-1].id, note="Không")

        async with running_lobby(db_path, config=history.config, clock=clock) as lobby:  # replayed from the log
            manager = await lobby.client("manager")
            items = manager.hello["snapshot"]["follow_ups"]  # type: ignore[attr-defined]
            assert [i["id"] for i in items] == [leg.id for leg in unhappy[1:]]

    run(scenario())


def test_the_pause_reason_reaches_the_manager_and_not_the_lobby(tmp_path: Path) -> None:
    from tests.integration.conftest import Clock

    async def paused(client: Any) -> dict[str, Any]:
        while (event := await client.next_event("counter.changed"))["state"] != "paused":
            pass
        return event

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=Clock()) as lobby:
            board = await lobby.client("display")
            manager = await lobby.client("manager")
            counter = await lobby.officer("counter-1")
            seq = lobby.hub.lobby.seq
            await counter.error("counter.pause", "pause_reason_unknown", reason="coffee")
            await counter.error("counter.pause", "bad_field", reason=7)
            assert lobby.hub.lobby.seq == seq  # nothing changed
            reply = await counter.ok("counter.pause", reason="personal")
            assert reply["counter"]["pause_reason"] == "personal"
            seen = await paused(manager)
            assert seen["reason"] == "personal" and seen["officer"] == "lan"
            shown = await paused(board)
            assert "reason" not in shown and "officer" not in shown
            await counter.ok("counter.open")
            reply = await counter.ok("counter.pause")  # a console that does not ask
            assert reply["counter"]["state"] == "paused" and reply["counter"]["pause_reason"] is None
            codes = [r["code"] for r in manager.hello["snapshot"]["pause_reasons"]]  # type: ignore[attr-defined]
            assert codes == ["meeting", "lunch", "helping", "paperwork", "personal", "other"]
            assert "pause_reasons" not in board.hello["snapshot"]  # type: ignore[attr-defined]

    run(scenario())
