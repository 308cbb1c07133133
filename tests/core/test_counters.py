"""Officers signing in and out; counters opening, pausing, closing.

Asking for the state a counter is already in changes nothing and emits nothing.
"""

from __future__ import annotations

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import ErrorCode
from queue_server.core.events import EventType
from queue_server.core.model import CounterState


def counter(centre, number=1):
    return centre.lobby.state.counters[number]


def test_an_officer_signs_in_at_a_closed_counter(centre):
    (event,) = centre.run(c.SignIn(centre.now, 1, "lan"))
    assert event.type is EventType.COUNTER_CHANGED
    assert event.data == {"counter": 1, "name": "Quầy 1", "state": "closed", "officer": "lan"}
    assert (counter(centre).state, counter(centre).officer) == (CounterState.CLOSED, "lan")


def test_a_signed_in_officer_opens_the_counter(centre):
    centre.run(c.SignIn(centre.now, 1, "lan"))
    (event,) = centre.run(c.OpenCounter(centre.now, 1))
    assert event.data["state"] == "open" and event.data["officer"] == "lan"
    assert counter(centre).state is CounterState.OPEN


def test_a_counter_nobody_signed_in_at_does_not_open(centre):
    centre.refuse(c.OpenCounter(centre.now, 1), ErrorCode.NOT_SIGNED_IN)


@pytest.mark.parametrize(
    ("start", "command", "end"),
    [
        ("open", c.PauseCounter, CounterState.PAUSED),
        ("open", c.CloseCounter, CounterState.CLOSED),
        ("paused", c.OpenCounter, CounterState.OPEN),
        ("paused", c.CloseCounter, CounterState.CLOSED),
        ("closed", c.OpenCounter, CounterState.OPEN),
    ],
)
def test_an_officer_moves_the_counter_between_open_paused_and_closed(centre, start, command, end):
    centre.open(1, "lan")
    if start == "paused":
        centre.run(c.PauseCounter(centre.now, 1))
    if start == "closed":
        centre.run(c.CloseCounter(centre.now, 1))
    (event,) = centre.run(command(centre.now, 1))
    assert (counter(centre).state, counter(centre).officer) == (end, "lan")
    assert event.data["state"] == end.value


@pytest.mark.parametrize(
    ("start", "command"),
    [
        ("open", c.OpenCounter),
        ("paused", c.PauseCounter),
        ("closed", c.CloseCounter),
        ("open", lambda now, n: c.SignIn(now, n, "lan")),
    ],
)
def test_asking_for_the_state_a_counter_is_in_changes_nothing(centre, start, command):
    centre.open(1, "lan")
    if start == "paused":
        centre.run(c.PauseCounter(centre.now, 1))
    if start == "closed":
        centre.run(c.CloseCounter(centre.now, 1))
    seq = centre.lobby.seq
    assert centre.run(command(centre.now, 1)) == []
    assert centre.lobby.seq == seq


def test_a_closed_counter_does_not_pause(centre):
    centre.run(c.SignIn(centre.now, 1, "lan"))
    centre.refuse(c.PauseCounter(centre.now, 1), ErrorCode.COUNTER_NOT_OPEN)


def test_signing_out_closes_the_counter_and_frees_it(centre):
    centre.open(1, "lan")
    (event,) = centre.run(c.SignOut(centre.now, 1))
    assert event.data == {"counter": 1, "name": "Quầy 1", "state": "closed", "officer": None}
    assert (counter(centre).state, counter(centre).officer) == (CounterState.CLOSED, None)
    centre.run(c.SignIn(centre.now, 1, "minh"))
    assert counter(centre).officer == "minh"


def test_signing_out_of_a_counter_nobody_is_at_is_refused(centre):
    centre.refuse(c.SignOut(centre.now, 1), ErrorCode.NOT_SIGNED_IN)


def test_a_counter_taken_by_one_officer_refuses_another(centre):
    centre.run(c.SignIn(centre.now, 1, "lan"))
    error = centre.refuse(c.SignIn(centre.now, 1, "minh"), ErrorCode.COUNTER_TAKEN)
    assert error.details == {"counter": 1, "officer": "lan"}


def test_an_officer_signs_in_at_one_counter_at_a_time(centre):
    centre.run(c.SignIn(centre.now, 1, "lan"))
    error = centre.refuse(c.SignIn(centre.now, 2, "lan"), ErrorCode.OFFICER_ELSEWHERE)
    assert error.details == {"counter": 1}


def test_an_officer_who_closed_a_counter_stays_signed_in_there(centre):
    centre.open(1, "lan")
    centre.run(c.CloseCounter(centre.now, 1))
    centre.refuse(c.SignIn(centre.now, 2, "lan"), ErrorCode.OFFICER_ELSEWHERE)


@pytest.mark.parametrize("command", [c.SignOut, c.CloseCounter])
def test_a_counter_with_a_citizen_at_it_does_not_close(centre, command):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    error = centre.refuse(command(centre.now, 1), ErrorCode.COUNTER_BUSY)
    assert error.details == {"counter": 1, "ticket": ticket.id}


def test_a_paused_counter_still_finishes_its_current_ticket(centre):
    centre.open(1)
    ticket = centre.issue("HT")
    centre.call_next(1)
    centre.run(c.PauseCounter(centre.now, 1))
    centre.complete(1)
    assert ticket.state.value == "done"


@pytest.mark.parametrize(
    "command",
    [
        lambda now, n: c.SignIn(now, n, "lan"),
        c.SignOut,
        c.OpenCounter,
        c.PauseCounter,
        c.CloseCounter,
    ],
)
def test_an_unknown_counter_cannot_be_signed_in_or_moved(centre, command):
    error = centre.refuse(command(centre.now, 9), ErrorCode.COUNTER_UNKNOWN)
    assert error.details == {"counter": 9}
