"""Applying events: the only way the state changes, so the log rebuilds it exactly."""

from __future__ import annotations

import copy
import dataclasses

import pytest

from queue_server.core import commands as c
from queue_server.core.events import Event, EventType
from queue_server.core.evolve import apply
from queue_server.core.lobby import Lobby
from queue_server.core.state import LobbyState
from tests.core.conftest import at


def a_busy_morning(centre):
    centre.open(1)
    centre.open(2)
    booking = centre.book(at(9, 0))
    a = centre.issue("HT")
    centre.issue("DD", priority="elderly")
    centre.call_next(1)
    centre.run(c.Recall(centre.later(1), 1))
    centre.serve(1)
    centre.later(4)
    centre.complete(1)
    centre.run(c.SubmitRating(centre.later(1), a.id, 3))
    centre.call_next(2)
    centre.no_show(2)
    centre.run(c.ReturnNoShow(centre.later(2), 2))
    centre.at(8, 50)
    centre.check_in(booking)
    centre.call_next(2)
    centre.transfer(2, to_counter=1)
    centre.later(40)
    centre.tick()


def test_every_event_is_numbered_one_after_the_other(centre):
    a_busy_morning(centre)
    assert [e.seq for e in centre.log] == list(range(1, len(centre.log) + 1))
    assert centre.lobby.seq == len(centre.log)


def test_replaying_the_log_rebuilds_the_state_exactly(centre):
    a_busy_morning(centre)
    rebuilt = Lobby(centre.site)
    rebuilt.replay(centre.log)
    assert rebuilt.state == centre.lobby.state


def test_replaying_picks_up_where_the_state_stopped(centre):
    a_busy_morning(centre)
    rebuilt = Lobby(centre.site)
    rebuilt.replay(centre.log[:5])
    rebuilt.replay(centre.log[5:])
    assert rebuilt.state == centre.lobby.state


@pytest.mark.parametrize("seq", [0, 1, 3])
def test_an_event_that_is_not_after_the_last_one_is_refused(centre, seq):
    centre.issue("HT")
    centre.issue("HT")
    centre.issue("HT")
    before = copy.deepcopy(centre.lobby.state)
    stale = Event(EventType.TICKET_ISSUED, centre.now, {"ticket": 9}, seq=seq)
    with pytest.raises(ValueError, match="out of order"):
        apply(centre.lobby.state, stale)
    assert centre.lobby.state == before


def test_a_gap_in_the_log_is_accepted(centre):
    apply(centre.lobby.state, Event(EventType.DAY_OPENED, at(8, 0, day=1), {"day": "2025-03-04"}, seq=10))
    assert centre.lobby.seq == 10


def test_a_copy_of_the_state_keeps_its_counters_and_service_times(centre):
    centre.open(1)
    centre.issue("HT")
    centre.call_next(1)
    centre.complete(1)
    copied = dataclasses.replace(centre.lobby.state)
    assert copied.counters is centre.lobby.state.counters
    assert copied.service_seconds["HT"] is centre.lobby.state.service_seconds["HT"]


def test_a_fresh_state_has_a_closed_counter_for_each_counter_of_the_site(site):
    state = LobbyState(site)
    assert sorted(state.counters) == [1, 2, 3]
    assert sorted(state.service_seconds) == ["DD", "HT", "KD"]
    assert (state.seq, state.day, state.next_ticket_id) == (0, None, 1)
