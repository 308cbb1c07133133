"""The pure rules of dossiers: the model's steps and version, working days, how a dossier
stands against its due date, and the on-time figures checked against counts made by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.dossiers.errors import InvalidDossier
from queue_server.core.dossiers.model import Dossier, DossierStatus
from queue_server.core.dossiers.ontime import count, on_time_report
from queue_server.core.dossiers.standing import Progress, Standing, alarms, stand
from queue_server.core.dossiers.workdays import WorkCalendar

D = dt.date
# September 2026: the 2nd (Wednesday) is National Day, the 1st bridged to it; Saturday the
# 12th is worked in exchange (a make-up day).
CALENDAR = WorkCalendar(holidays=frozenset({D(2026, 9, 1), D(2026, 9, 2)}), make_up_days=frozenset({D(2026, 9, 12)}))


def dossier(**values: object) -> Dossier:
    return Dossier.from_mapping({"code": "H12.1-260901-0001", "status": "processing", **values})


def test_steps_are_checked_sorted_by_date_and_named_when_wrong() -> None:
    d = dossier(steps=[{"at": "2026-09-07", "status": "processing", "unit": "Phòng Tư pháp"},
                       {"at": "03/09/2026", "status": "received", "unit": "Bộ phận một cửa", "note": "Đủ hồ sơ"}],
                version="17", field="Hộ tịch", officer="Trần Thị Bình")  # fmt: skip
    assert [s.status for s in d.steps] == [DossierStatus.RECEIVED, DossierStatus.PROCESSING]
    assert d.steps[0].as_dict() == {"at": "2026-09-03", "status": "received", "unit": "Bộ phận một cửa", "note": "Đủ hồ sơ"}
    assert d.version == 17 and d.as_dict()["officer"] == "Trần Thị Bình"
    for steps, field in (([{"status": "ready"}], "steps.0.at"), ([{"at": "2026-09-03", "status": "lost"}], "steps.0.status"),
                         ([{"at": "2026-09-03", "status": "ready", "who": "x"}], "steps.0.who"), (["x"], "steps.0"),
                         ("received", "steps")):  # fmt: skip
        with pytest.raises(InvalidDossier) as info:
            dossier(steps=steps)
        assert info.value.field == field
    for version in (-1, "1.5", True, 2**63):
        with pytest.raises(InvalidDossier, match="version"):
            dossier(version=version)


def test_settling_day_is_the_result_date_or_the_last_finishing_step() -> None:
    assert dossier(status="ready", result_date="2026-09-10").finished_on() == D(2026, 9, 10)
    stepped = dossier(status="collected", steps=[{"at": "2026-09-08", "status": "ready"}, {"at": "2026-09-11", "status": "collected"}])
    assert stepped.finished_on() == D(2026, 9, 11)
    assert dossier(status="ready").finished_on() is None
    assert dossier(status="processing", result_date="2026-09-10").finished_on() is None


def test_working_days_skip_weekends_and_holidays_and_count_make_up_days() -> None:
    assert not CALENDAR.is_working_day(D(2026, 9, 2)) and not CALENDAR.is_working_day(D(2026, 9, 5))
    assert CALENDAR.is_working_day(D(2026, 9, 12))  # a worked Saturday
    assert CALENDAR.working_days_after(D(2026, 8, 31), D(2026, 9, 4)) == 2  # the 3rd and the 4th
    assert CALENDAR.working_days_after(D(2026, 9, 4), D(2026, 9, 4)) == 0
    assert CALENDAR.working_days_after(D(2026, 9, 4), D(2026, 9, 1)) == 0
    assert CALENDAR.working_days_after(D(2026, 9, 11), D(2026, 9, 14)) == 2  # Sat 12th, Mon 14th
    assert CALENDAR.add_working_days(D(2026, 8, 31), 3) == D(2026, 9, 7)
    assert CALENDAR.add_working_days(D(2026, 8, 31), 0) == D(2026, 8, 31)
    assert WorkCalendar(weekend=frozenset({6})).is_working_day(D(2026, 9, 5))  # Saturdays worked


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.integers(0, 40))
def test_adding_then_counting_working_days_gives_them_back(start: dt.date, days: int) -> None:
    assert CALENDAR.working_days_after(start, CALENDAR.add_working_days(start, days)) == days


@pytest.mark.parametrize(
    ("values", "today", "expected"),
    [
        ({"due_date": "2026-09-11"}, D(2026, 9, 3), Standing(Progress.IN_TIME, days_left=6)),  # 4, 7, 8, 9, 10, 11
        ({"due_date": "2026-09-07"}, D(2026, 9, 4), Standing(Progress.DUE_SOON, days_left=1)),  # over the weekend
        ({"due_date": "2026-09-07"}, D(2026, 9, 7), Standing(Progress.DUE_SOON, days_left=0)),  # due today
        ({"due_date": "2026-09-08"}, D(2026, 9, 4), Standing(Progress.IN_TIME, days_left=2)),
        ({"due_date": "2026-09-04"}, D(2026, 9, 5), Standing(Progress.OVERDUE, days_late=0)),  # Saturday: late, 0 working days
        ({"due_date": "2026-09-04"}, D(2026, 9, 9), Standing(Progress.OVERDUE, days_late=3)),  # 7, 8, 9
        ({"due_date": "2026-09-14", "status": "overdue"}, D(2026, 9, 9), Standing(Progress.OVERDUE, days_left=4)),  # 10, 11, Sat 12, 14
        ({"status": "overdue"}, D(2026, 9, 9), Standing(Progress.OVERDUE)),
        ({}, D(2026, 9, 9), Standing(Progress.NO_DUE_DATE)),
        ({"status": "supplement", "due_date": "2026-09-08"}, D(2026, 9, 8), Standing(Progress.DUE_SOON, days_left=0)),
        ({"status": "ready", "due_date": "2026-09-08", "result_date": "2026-09-08"}, D(2026, 9, 30), Standing(Progress.DONE_ON_TIME)),
        ({"status": "collected", "due_date": "2026-09-04", "result_date": "2026-09-08"}, D(2026, 9, 30), Standing(Progress.DONE_LATE, days_late=2)),
        ({"status": "returned", "due_date": "2026-09-04"}, D(2026, 9, 30), Standing(Progress.DONE)),
        ({"status": "ready", "result_date": "2026-09-04"}, D(2026, 9, 30), Standing(Progress.DONE)),
    ],
)  # fmt: skip
def test_a_dossier_stands_against_its_due_date_in_working_days(values: dict, today: dt.date, expected: Standing) -> None:  # type: ignore[type-arg]
    standing = stand(dossier(**values), today, CALENDAR, warn_working_days=1)
    assert standing == expected
    assert standing.alarm == (expected.progress in (Progress.OVERDUE, Progress.DUE_SOON))


def test_the_warning_threshold_is_in_working_days() -> None:
    d = dossier(due_date="2026-09-08")
    assert stand(d, D(2026, 9, 4), CALENDAR, 2).progress is Progress.DUE_SOON
    assert stand(d, D(2026, 9, 4), CALENDAR, 1).progress is Progress.IN_TIME
    assert stand(d, D(2026, 9, 8), CALENDAR, 0).progress is Progress.DUE_SOON


def test_alarms_list_the_latest_first_then_the_soonest_due() -> None:
    found = alarms(
        [dossier(code="A-001", due_date="2026-09-04"), dossier(code="A-002", due_date="2026-09-09"),
         dossier(code="A-003", due_date="2026-08-31"), dossier(code="A-004", due_date="2026-09-10"),
         dossier(code="A-005", due_date="2026-09-30"), dossier(code="A-006", status="ready", due_date="2026-09-01")],
        D(2026, 9, 9), CALENDAR, 1,
    )  # fmt: skip
    assert [(d.code, s.progress.value) for d, s in found] == [
        ("A-003", "overdue"), ("A-001", "overdue"), ("A-002", "due_soon"), ("A-004", "due_soon"),
    ]  # fmt: skip


def hand_counted() -> list[Dossier]:
    """Twelve dossiers of September 2026; the expected figures below were counted by hand."""
    rows = [
        # code, field, unit, received, due, status, result
        ("HT-01", "Hộ tịch", "Phòng Tư pháp", "2026-09-03", "2026-09-08", "ready", "2026-09-07"),  # early
        ("HT-02", "Hộ tịch", "Phòng Tư pháp", "2026-09-03", "2026-09-08", "collected", "2026-09-08"),  # on time
        ("HT-03", "Hộ tịch", "Phòng Tư pháp", "2026-09-04", "2026-09-09", "ready", "2026-09-15"),  # late
        ("HT-04", "Hộ tịch", "Phòng Tư pháp", "2026-09-20", "2026-10-05", "processing", None),  # pending in time
        ("HT-05", "Hộ tịch", "Phòng Tư pháp", "2026-08-25", "2026-09-10", "processing", None),  # pending overdue (old)
        ("DD-01", "Đất đai", "Văn phòng ĐKĐĐ", "2026-08-10", "2026-09-10", "ready", "2026-09-09"),  # early, received in Aug
        ("DD-02", "Đất đai", "Văn phòng ĐKĐĐ", "2026-09-01", "2026-09-29", "supplement", None),  # pending overdue
        ("DD-03", "Đất đai", "Văn phòng ĐKĐĐ", "2026-09-01", "2026-09-30", "returned", "2026-09-10"),  # returned
        ("DD-04", "Đất đai", "Văn phòng ĐKĐĐ", "2026-09-15", "2026-10-20", "ready", "2026-10-02"),  # pending at the end
        ("DD-05", "Đất đai", "Văn phòng ĐKĐĐ", "2026-08-01", "2026-08-20", "collected", "2026-08-19"),  # nothing in Sept
        ("DD-06", "Đất đai", "Phòng TN-MT", "2026-10-01", "2026-10-10", "processing", None),  # received after: nothing
        ("KD-01", "Đăng ký kinh doanh", "Phòng TC-KH", "2026-09-28", None, "ready", "2026-09-29"),  # no due date: on time
    ]
    return [
        Dossier.from_mapping({"code": c, "field": f, "department": u, "received_date": r, "due_date": due,
                              "status": s, "result_date": res})  # fmt: skip
        for c, f, u, r, due, s, res in rows
    ]


def test_on_time_figures_match_a_hand_count() -> None:
    rows, total = on_time_report(hand_counted(), D(2026, 9, 1), D(2026, 9, 30))
    got = {(r.field, r.unit): (r.received, r.early, r.on_time, r.late, r.returned, r.pending_in_time, r.pending_overdue) for r in rows}
    assert got == {
        ("Hộ tịch", "Phòng Tư pháp"): (4, 1, 1, 1, 0, 1, 1),
        ("Đất đai", "Văn phòng ĐKĐĐ"): (3, 1, 0, 0, 1, 1, 1),
        ("Đăng ký kinh doanh", "Phòng TC-KH"): (1, 0, 1, 0, 0, 0, 0),
    }  # fmt: skip
    assert [r.field for r in rows] == ["Hộ tịch", "Đăng ký kinh doanh", "Đất đai"]  # sorted by (field, unit)
    assert (total.received, total.early, total.on_time, total.late, total.returned) == (8, 2, 2, 1, 1)
    assert (total.pending_in_time, total.pending_overdue) == (2, 2)
    assert total.on_time_percent == 80.0  # 4 of the 5 judged
    assert rows[0].as_dict()["on_time_percent"] == round(100 * 2 / 3, 1)
    assert count(hand_counted()[0], D(2026, 10, 1), D(2026, 10, 31)).as_dict()["on_time_percent"] is None


def test_a_settled_dossier_without_a_settling_day_counts_only_as_received() -> None:
    undated = dossier(status="ready", received_date="2026-09-03", due_date="2026-09-08")
    row = count(undated, D(2026, 9, 1), D(2026, 9, 30))
    assert (row.received, row.early, row.on_time, row.late, row.pending_in_time, row.pending_overdue) == (1, 0, 0, 0, 0, 0)


def test_a_period_not_over_yet_counts_the_open_dossiers_as_they_stand_today() -> None:
    open_one = dossier(received_date="2026-09-03", due_date="2026-09-08")
    assert count(open_one, D(2026, 9, 1), D(2026, 9, 30)).pending_overdue == 1
    today = count(open_one, D(2026, 9, 1), D(2026, 9, 30), as_of=D(2026, 9, 7))
    assert (today.pending_in_time, today.pending_overdue) == (1, 0)
    assert count(open_one, D(2026, 9, 1), D(2026, 9, 30), as_of=D(2026, 9, 2)).pending_in_time == 0  # not received yet


def test_a_standing_as_plain_values() -> None:
    assert Standing(Progress.DUE_SOON, days_left=1).as_dict() == {"progress": "due_soon", "days_left": 1, "days_late": None}
    assert Standing(Progress.DONE_LATE, days_late=3).as_dict() == {"progress": "done_late", "days_left": None, "days_late": 3}
