"""Help requests: a citizen presses "Cần hỗ trợ", a volunteer takes it and closes it."""

from __future__ import annotations

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from tests.core.conftest import Centre


def ask(centre: Centre, place: str = "kiosk-1", **kw: object) -> list:
    return centre.run(c.AskHelp(centre.now, place, kw.pop("place_name", "Ki-ốt sảnh"), **kw))  # type: ignore[arg-type]


def test_a_kiosk_asks_for_help_and_a_volunteer_sees_it_with_its_wait(centre: Centre) -> None:
    (event,) = ask(centre)
    assert event.type is EventType.HELP_REQUESTED
    assert event.data == {
        "request": 1, "place": "kiosk-1", "place_name": "Ki-ốt sảnh", "kind": "kiosk", "note": "", "day": "2025-03-03",
    }  # fmt: skip
    centre.later(seconds=90)
    (view,) = centre.lobby.help_view(centre.now)
    assert (view["id"], view["waited_seconds"], view["ahead"], view["taken_by"]) == (1, 90, 0, None)


def test_one_open_request_per_place_asking_again_makes_none(centre: Centre) -> None:
    ask(centre)
    centre.later(1)
    assert ask(centre) == []
    assert [r["id"] for r in centre.lobby.help_view(centre.now)] == [1]


def test_requests_ahead_are_those_asked_before_and_not_yet_taken(centre: Centre) -> None:
    ask(centre, "kiosk-1")
    ask(centre, "kiosk-2")
    (third,) = ask(centre, "phone-ab12", place_name="Điện thoại", kind="phone", note="  áo xanh, ghế hàng 3 ")
    assert third.data["note"] == "áo xanh, ghế hàng 3" and third.data["kind"] == "phone"
    assert [r["ahead"] for r in centre.lobby.help_view(centre.now)] == [0, 1, 2]
    centre.run(c.TakeHelp(centre.now, 1, "volunteer-1"))
    assert [r["ahead"] for r in centre.lobby.help_view(centre.now)] == [0, 0, 1]


def test_an_overlong_note_is_refused(centre: Centre) -> None:
    centre.refuse(c.AskHelp(centre.now, "phone-1", "Điện thoại", "phone", "á" * 121), ErrorCode.TEXT_TOO_LONG)


def test_a_volunteer_takes_then_closes_a_request_with_the_time_to_answer(centre: Centre) -> None:
    ask(centre)
    centre.later(2)
    (taken,) = centre.run(c.TakeHelp(centre.now, 1, "volunteer-1"))
    assert taken.data == {"request": 1, "volunteer": "volunteer-1", "place_name": "Ki-ốt sảnh", "waited_seconds": 120.0}
    assert centre.run(c.TakeHelp(centre.later(1), 1, "volunteer-1")) == []  # the same volunteer again: nothing new
    centre.later(4)
    (closed,) = centre.run(c.CloseHelp(centre.now, 1, "volunteer-1"))
    assert closed.type is EventType.HELP_CLOSED
    assert (closed.data["waited_seconds"], closed.data["open_seconds"]) == (120.0, 420.0)
    assert centre.lobby.help_view(centre.now) == []
    request = centre.lobby.state.help_requests[1]
    assert (request.taken_by, request.closed_by) == ("volunteer-1", "volunteer-1")
    assert ask(centre) != []  # closed: the kiosk may ask again


def test_a_request_taken_by_another_volunteer_is_theirs(centre: Centre) -> None:
    ask(centre)
    centre.run(c.TakeHelp(centre.now, 1, "volunteer-1"))
    error = centre.refuse(c.TakeHelp(centre.now, 1, "volunteer-2"), ErrorCode.HELP_TAKEN)
    assert error.details["taken_by"] == "volunteer-1"
    centre.refuse(c.CloseHelp(centre.now, 1, "volunteer-2"), ErrorCode.HELP_TAKEN)


def test_a_request_nobody_took_may_be_closed_at_once_and_counts_as_taken_then(centre: Centre) -> None:
    ask(centre)
    (closed,) = centre.run(c.CloseHelp(centre.later(3), 1, "volunteer-2"))
    assert closed.data["waited_seconds"] == closed.data["open_seconds"] == 180.0
    request = centre.lobby.state.help_requests[1]
    assert (request.taken_by, request.taken_at) == ("volunteer-2", centre.now)


def test_unknown_and_closed_requests_are_refused(centre: Centre) -> None:
    centre.refuse(c.TakeHelp(centre.now, 9, "volunteer-1"), ErrorCode.HELP_UNKNOWN)
    ask(centre)
    centre.run(c.CloseHelp(centre.now, 1, "volunteer-1"))
    error = centre.refuse(c.TakeHelp(centre.now, 1, "volunteer-2"), ErrorCode.HELP_CLOSED)
    assert "volunteer-1" in error.message
    centre.refuse(c.CloseHelp(centre.now, 1, "volunteer-1"), ErrorCode.HELP_CLOSED)


def test_a_look_up_for_a_citizen_is_an_event_with_the_volunteer_and_no_dossier(centre: Centre) -> None:
    (event,) = centre.run(c.LookUpForCitizen(centre.now, "volunteer-1", found=True))
    assert (event.type, event.data) == (EventType.VOLUNTEER_LOOKED_UP, {"volunteer": "volunteer-1", "found": True})


def test_the_next_day_drops_yesterdays_requests_and_ids_run_on(centre: Centre) -> None:
    ask(centre, "kiosk-1")
    ask(centre, "kiosk-2")
    centre.run(c.TakeHelp(centre.now, 2, "volunteer-1"))
    centre.at(8, day=1)
    centre.tick()
    assert centre.lobby.state.help_requests == {}
    (event,) = ask(centre, "kiosk-1")
    assert event.data["request"] == 3


def test_help_requests_are_rebuilt_from_the_log(centre: Centre) -> None:
    ask(centre, "kiosk-1")
    ask(centre, "kiosk-2")
    centre.run(c.TakeHelp(centre.later(1), 1, "volunteer-1"))
    centre.run(c.CloseHelp(centre.later(1), 2, "volunteer-2"))
    centre.run(c.LookUpForCitizen(centre.now, "volunteer-1", found=False))
    again = Lobby(centre.site)
    again.replay(centre.log)
    assert again.state.help_requests == centre.lobby.state.help_requests
    assert again.state.next_help_id == 3
