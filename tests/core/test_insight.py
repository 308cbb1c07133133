"""Pause reasons, follow-ups of "Không hài lòng" ratings, today's service level per field,
and the agency (unit) a field belongs to."""

from __future__ import annotations

import dataclasses

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.followups import MAX_NOTE
from queue_server.core.lobby import Lobby
from queue_server.core.model import CounterState
from queue_server.core.site import DEFAULT_PAUSE_REASONS, PauseReason
from tests.core.conftest import replace_service

# --- pause reasons ---


def test_the_default_pause_reasons_are_vietnamese_first():
    assert [(r.code, r.name_vi) for r in DEFAULT_PAUSE_REASONS] == [
        ("meeting", "Họp"), ("lunch", "Nghỉ trưa"), ("helping", "Hỗ trợ quầy khác"),
        ("paperwork", "Xử lý hồ sơ"), ("personal", "Việc riêng"), ("other", "Lý do khác"),
    ]


def test_an_officer_pauses_with_a_reason_and_the_event_carries_it(centre):
    centre.open(1, "lan")
    (event,) = centre.run(c.PauseCounter(centre.now, 1, reason="lunch"))
    assert event.type is EventType.COUNTER_CHANGED
    assert event.data == {"counter": 1, "name": "Quầy 1", "state": "paused", "officer": "lan", "reason": "lunch"}
    counter = centre.lobby.state.counters[1]
    assert (counter.state, counter.pause_reason) == (CounterState.PAUSED, "lunch")


def test_an_old_console_pauses_without_a_reason(centre):
    centre.open(1, "lan")
    (event,) = centre.run(c.PauseCounter(centre.now, 1))
    assert event.data["reason"] is None
    assert centre.lobby.state.counters[1].pause_reason is None


def test_reopening_forgets_the_pause_reason(centre):
    centre.open(1, "lan")
    centre.run(c.PauseCounter(centre.now, 1, reason="meeting"))
    (event,) = centre.run(c.OpenCounter(centre.now, 1))
    assert "reason" not in event.data
    assert centre.lobby.state.counters[1].pause_reason is None


def test_an_unknown_pause_reason_is_refused_and_changes_nothing(centre):
    centre.open(1, "lan")
    error = centre.refuse(c.PauseCounter(centre.now, 1, reason="coffee"), ErrorCode.PAUSE_REASON_UNKNOWN)
    assert "meeting, lunch" in error.message and "'coffee'" in error.message


def test_an_unknown_reason_is_refused_even_when_already_paused(centre):
    centre.open(1, "lan")
    centre.run(c.PauseCounter(centre.now, 1, reason="lunch"))
    centre.refuse(c.PauseCounter(centre.now, 1, reason="coffee"), ErrorCode.PAUSE_REASON_UNKNOWN)
    assert centre.run(c.PauseCounter(centre.now, 1, reason="meeting")) == []


def test_the_pause_reasons_are_a_policy(make_centre):
    centre = make_centre(pause_reasons=(PauseReason("training", "Tập huấn", "Training"),))
    centre.open(1, "lan")
    centre.refuse(c.PauseCounter(centre.now, 1, reason="lunch"), ErrorCode.PAUSE_REASON_UNKNOWN)
    centre.run(c.PauseCounter(centre.now, 1, reason="training"))
    assert centre.site.policy.pause_reason("training").name_vi == "Tập huấn"
    assert centre.site.policy.pause_reason("lunch") is None


def test_a_new_day_forgets_the_pause_reason(centre):
    centre.open(1, "lan")
    centre.run(c.PauseCounter(centre.now, 1, reason="lunch"))
    centre.at(8, 0, day=1)
    centre.tick()
    assert centre.lobby.state.counters[1].pause_reason is None


# --- follow-ups ---


def rated(centre, score, counter=1, officer="lan"):
    if centre.lobby.state.counters[counter].state is not CounterState.OPEN:
        centre.open(counter, officer)
    ticket = centre.issue("HT")
    centre.call(counter, ticket)
    centre.later(4)
    centre.complete(counter)
    return ticket, centre.run(c.SubmitRating(centre.later(1), ticket.id, score, source="pad-1"))


def test_a_dissatisfied_rating_opens_a_follow_up(centre):
    ticket, (rating, opened) = rated(centre, 1)
    assert opened.type is EventType.FOLLOW_UP_OPENED
    assert opened.data == {
        "item": ticket.id, "ticket": ticket.id, "label": "A001", "service": "HT", "counter": 1, "officer": "lan",
        "score": 1,
    }
    assert centre.lobby.follow_ups_view() == [
        {
            "id": ticket.id, "ticket": ticket.id, "label": "A001", "service": "HT", "counter": 1, "officer": "lan",
            "score": 1, "opened_at": centre.now.isoformat(), "closed_at": None, "closed_by": None, "note": None,
        }
    ]


@pytest.mark.parametrize("score", [2, 3, 4])
def test_other_ratings_open_no_follow_up(centre, score):
    _, events = rated(centre, score)
    assert [e.type for e in events] == [EventType.RATING_RECORDED]
    assert centre.lobby.follow_ups_view() == []


def test_the_lowest_level_of_a_configured_scale_opens_the_follow_up(make_centre):
    from queue_server.core.site import RatingLevel

    scale = (RatingLevel(5, "Rất tốt", "Very good"), RatingLevel(2, "Kém", "Poor"))
    centre = make_centre(rating_scale=scale)
    _, events = rated(centre, 2)
    assert events[-1].type is EventType.FOLLOW_UP_OPENED


def test_a_manager_closes_a_follow_up_with_a_note(centre):
    ticket, _ = rated(centre, 1)
    centre.later(30)
    (event,) = centre.run(c.CloseFollowUp(centre.now, ticket.id, "  Đã gọi lại công dân, xin lỗi.  ", by="minh"))
    assert event.type is EventType.FOLLOW_UP_CLOSED
    assert event.data == {
        "item": ticket.id, "ticket": ticket.id, "label": "A001", "note": "Đã gọi lại công dân, xin lỗi.", "by": "minh",
    }
    item = centre.lobby.state.follow_ups[ticket.id]
    assert (item.closed_at, item.closed_by, item.note, item.is_open) == (
        centre.now, "minh", "Đã gọi lại công dân, xin lỗi.", False,
    )
    assert centre.lobby.follow_ups_view() == []


def test_an_unknown_follow_up_is_refused(centre):
    centre.refuse(c.CloseFollowUp(centre.now, 99, "note", by="minh"), ErrorCode.FOLLOW_UP_UNKNOWN)


def test_a_closed_follow_up_is_not_closed_again(centre):
    ticket, _ = rated(centre, 1)
    centre.run(c.CloseFollowUp(centre.now, ticket.id, "Đã xử lý", by="minh"))
    error = centre.refuse(c.CloseFollowUp(centre.later(1), ticket.id, "again", by="minh"), ErrorCode.FOLLOW_UP_CLOSED)
    assert "A001" in error.message


@pytest.mark.parametrize(("note", "code"), [("", ErrorCode.NOTE_REQUIRED), ("   ", ErrorCode.NOTE_REQUIRED),
                                            ("x" * (MAX_NOTE + 1), ErrorCode.TEXT_TOO_LONG)])
def test_a_follow_up_needs_a_note_of_sensible_length(centre, note, code):
    ticket, _ = rated(centre, 1)
    centre.refuse(c.CloseFollowUp(centre.now, ticket.id, note, by="minh"), code)


def test_a_note_of_the_largest_size_is_taken(centre):
    ticket, _ = rated(centre, 1)
    centre.run(c.CloseFollowUp(centre.now, ticket.id, "x" * MAX_NOTE, by="minh"))


def test_follow_ups_outlive_the_day_and_replay_exactly(centre):
    first, _ = rated(centre, 1)
    second, _ = rated(centre, 1)
    centre.run(c.CloseFollowUp(centre.now, first.id, "Đã xử lý", by="minh"))
    centre.at(8, 0, day=1)
    centre.tick()
    assert [f["id"] for f in centre.lobby.follow_ups_view()] == [second.id]
    centre.run(c.CloseFollowUp(centre.now, second.id, "Đã góp ý cán bộ", by="minh"))
    replayed = Lobby(centre.site)
    replayed.replay(centre.log)
    assert replayed.state.follow_ups == centre.lobby.state.follow_ups
    assert replayed.state.counters == centre.lobby.state.counters


# --- service level today ---


def test_the_service_level_counts_calls_within_the_target_wait(make_centre):
    centre = make_centre(services=replace_service("HT", target_wait_minutes=10))
    centre.open(1, "lan")
    early = centre.issue("HT")  # 08:00
    late = centre.issue("HT")
    waiting = centre.issue("HT")
    centre.later(10)  # exactly on the target: within
    centre.call(1, early)
    centre.complete(1)
    centre.later(1)  # 11 minutes: past the target
    centre.call(1, late)
    centre.complete(1)
    views = {v["service"]: v for v in centre.lobby.service_levels_view(centre.now)}
    assert views["HT"] == {
        "service": "HT", "target_wait_minutes": 10, "aim_percent": 80, "called": 2, "within_target": 1,
        "service_level_percent": 50.0,
    }
    assert waiting.called_at is None
    others = [v for code, v in views.items() if code != "HT"]
    assert others and all(v["called"] == 0 and v["service_level_percent"] is None for v in others)


def test_the_service_level_leaves_out_the_closed_half_of_a_transfer_and_other_days(centre):
    centre.open(1, "lan")
    centre.issue("HT")
    centre.later(2)
    centre.call_next(1)
    new = centre.transfer(1, to_service="DD")
    views = {v["service"]: v for v in centre.lobby.service_levels_view(centre.now)}
    assert views["HT"]["called"] == 0 and new.service == "DD"
    centre.at(8, 0, day=1)
    centre.tick()
    assert all(v["called"] == 0 for v in centre.lobby.service_levels_view(centre.now))


# --- units ---


def test_a_field_belongs_to_its_unit_or_to_the_centre(site):
    justice = dataclasses.replace(site.services[0], unit="Sở Tư pháp")
    assert site.unit_of(justice) == "Sở Tư pháp"
    assert site.unit_of(site.services[1]) == site.name
