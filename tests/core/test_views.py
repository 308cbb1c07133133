"""What the lobby shows the edges: tickets, services, counters, slots."""

from __future__ import annotations

import pytest

from queue_server import core
from queue_server.core import commands as c
from tests.core.conftest import at


def test_the_package_exports_its_entry_points():
    assert core.__all__ == ["DomainError", "ErrorCode", "Event", "EventType", "Lobby"]


def test_a_waiting_ticket_shows_people_ahead_the_estimate_and_its_counters(centre):
    centre.open(1)
    centre.open(2)
    centre.issue("HT")
    ticket = centre.issue("HT")
    view = centre.lobby.ticket_view(ticket)
    assert (view["label"], view["state"], view["service"]) == ("A002", "waiting", "HT")
    assert (view["service_name_vi"], view["service_name_en"]) == ("Hộ tịch", "Civil status")
    assert view["people_ahead"] == 1
    assert view["estimated_wait_minutes"] == 3
    assert view["counters"] == [1, 2]
    assert "alarmed" not in view


def test_a_waiting_ticket_with_no_open_counter_has_no_estimate(centre):
    view = centre.lobby.ticket_view(centre.issue("KD"))
    assert view["estimated_wait_minutes"] is None
    assert view["counters"] == [3]


def test_a_ticket_sent_to_one_counter_shows_that_counter_only(centre):
    centre.open(2)
    centre.issue("HT")
    centre.call_next(2)
    new = centre.transfer(2, to_counter=3)
    assert centre.lobby.ticket_view(new)["counters"] == [3]


def test_a_called_ticket_shows_where_to_go_and_no_queue_position(centre):
    centre.open(1, "lan")
    ticket = centre.issue("HT")
    centre.call_next(1)
    view = centre.lobby.ticket_view(ticket)
    assert (view["state"], view["counter"], view["officer"]) == ("called", 1, "lan")
    assert "people_ahead" not in view and "counters" not in view


def test_the_services_view_shows_each_service_s_state(centre):
    centre.open(3)
    for _ in range(3):
        centre.issue("DD")
    centre.issue("HT")
    views = {v["code"]: v for v in centre.lobby.services_view(centre.now)}
    assert list(views) == ["HT", "DD", "KD"]
    assert views["DD"] == {
        "code": "DD",
        "prefix": "B",
        "name_vi": "Đất đai",
        "name_en": "Land",
        "open": True,
        "full": True,
        "daily_cap": 3,
        "issued": 3,
        "waiting": 3,
        "estimated_wait_minutes": 18,
        "counters_open": 1,
        "max_wait_minutes": 45,
        "takes_bookings": False,
    }
    assert (views["HT"]["full"], views["HT"]["issued"], views["HT"]["estimated_wait_minutes"]) == (False, 1, None)
    assert views["HT"]["takes_bookings"] is True
    assert (views["KD"]["issued"], views["KD"]["waiting"], views["KD"]["estimated_wait_minutes"]) == (0, 0, 0)


def test_the_services_view_shows_closed_services_as_closed(centre):
    views = {v["code"]: v for v in centre.lobby.services_view(at(14, 0))}
    assert (views["HT"]["open"], views["DD"]["open"]) == (True, False)


def test_the_counters_view_shows_each_counter_and_its_current_label(centre):
    centre.open(1, "lan")
    centre.issue("HT")
    centre.call_next(1)
    views = centre.lobby.counters_view()
    assert views[0] == {
        "number": 1, "name": "Quầy 1", "services": ["HT"], "state": "open", "officer": "lan", "current": 1,
        "current_label": "A001", "pause_reason": None,
    }
    assert views[2]["current"] is None and views[2]["current_label"] is None


def test_today_s_tickets_are_listed_in_issue_order(centre):
    centre.issue("HT")
    centre.at(8, 0, day=1)
    centre.tick()
    second, third = centre.issue("KD"), centre.issue("HT")
    assert centre.lobby.tickets_today(centre.now) == [second, third]
    assert centre.lobby.tickets_today(at(8, 0, day=2)) == []


def test_the_slots_view_shows_free_places_in_coming_slots(centre):
    centre.book(at(9, 0))
    centre.book(at(9, 30))
    centre.book(at(9, 30))
    views = {v["start"]: v for v in centre.lobby.slots_view("HT", at(9, 0).date(), at(9, 15))}
    assert views[at(9, 0).isoformat()] == {"start": at(9, 0).isoformat(), "capacity": 2, "free": 0}  # begun
    assert views[at(7, 30).isoformat()]["free"] == 0
    assert views[at(9, 30).isoformat()]["free"] == 0  # full
    assert views[at(10, 0).isoformat()]["free"] == 2
    assert len(views) == 15


def test_a_service_that_takes_no_bookings_has_no_slots(centre):
    assert centre.lobby.slots_view("KD", at(9).date(), centre.now) == []


def test_the_slots_of_an_unknown_service_are_refused(centre):
    with pytest.raises(core.DomainError) as caught:
        centre.lobby.slots_view("XX", at(9).date(), centre.now)
    assert caught.value.code is core.ErrorCode.SERVICE_UNKNOWN


def test_the_lobby_seq_is_the_last_event_s(centre):
    (event,) = centre.run(c.SignIn(centre.now, 1, "lan"))
    assert centre.lobby.seq == event.seq == 2
