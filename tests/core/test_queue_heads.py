"""The tickets a counter can call next come from the heads of the kept queues, not a scan of
the day: what ``LobbyState.callable_at`` offers must always hold the ticket the rules pick."""

from __future__ import annotations

from queue_server.core import commands as c
from queue_server.core.ordering import next_ticket
from tests.core.conftest import at


def heads(centre, counter: int) -> list[str]:
    state = centre.lobby.state
    return [t.label for t in state.callable_at(state.counters[counter], centre.now.date())]


def test_each_part_of_a_served_queue_offers_its_first_ticket(centre):
    centre.open(1)
    first = centre.issue("HT")
    centre.issue("HT")
    elderly = centre.issue("HT", priority="elderly")
    centre.issue("HT", priority="disabled")
    centre.issue("KD")  # counter 1 does not serve KD
    assert heads(centre, 1) == [elderly.label, first.label]


def test_a_ticket_sent_to_another_counter_is_passed_over_for_the_one_behind(centre):
    centre.open(1)
    centre.open(2)
    sent = centre.issue("HT")
    behind = centre.issue("HT")
    centre.later(5)
    assert centre.call_next(2) is sent
    moved = centre.transfer(2, to_counter=1)  # back in HT's queue with its arrival, for counter 1 only
    assert heads(centre, 1) == [behind.label]  # it came first: same arrival, lower id
    assert heads(centre, 2) == [behind.label]
    assert centre.call_next(2) is behind
    assert heads(centre, 2) == []  # the only one left is not for counter 2
    assert heads(centre, 1) == [moved.label]


def test_a_ticket_sent_to_a_counter_outside_its_service_is_offered_there_only(centre):
    centre.open(2)
    centre.open(3)
    ticket = centre.issue("HT")
    centre.later(5)
    centre.call_next(2)
    moved = centre.transfer(2, to_counter=3)  # counter 3 serves DD and KD, not HT
    assert heads(centre, 3) == [moved.label]
    assert heads(centre, 2) == []
    assert centre.call_next(3) is moved
    assert heads(centre, 3) == [] and ticket.label == moved.label


def test_the_heads_lead_to_the_same_ticket_as_the_whole_queue(centre):
    centre.open(1)
    centre.open(3)
    for n in range(12):
        centre.issue("HT" if n % 3 else "KD", priority="elderly" if n % 5 == 0 else None)
        centre.later(1)
    state = centre.lobby.state
    day = centre.now.date()
    for number in (1, 3):
        counter = state.counters[number]
        assert next_ticket(counter, state.callable_at(counter, day), centre.now, 3) is next_ticket(
            counter, state.waiting(day), centre.now, 3
        )


def test_a_new_day_forgets_the_tickets_sent_to_counters_yesterday(centre):
    centre.open(2)
    centre.issue("HT")
    centre.later(5)
    centre.call_next(2)
    moved = centre.transfer(2, to_counter=3)
    assert centre.lobby.state.targeted == {(3, moved.day): {moved.id}}
    centre.run(c.Tick(at(7, 0, day=1)))
    assert centre.lobby.state.targeted == {}
