"""Whatever happens in the lobby, the log rebuilds it, numbers never repeat and a counter
holds at most one citizen."""

from __future__ import annotations

import collections
import copy
import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server.core import commands as c
from queue_server.core.appointments import slots
from queue_server.core.errors import DomainError
from queue_server.core.events import EventType
from queue_server.core.lobby import Lobby
from queue_server.core.model import CounterState, TicketState
from queue_server.core.ordering import next_ticket, queue_key
from queue_server.core.state import LobbyState
from tests.core.conftest import Codes, at, make_site

NEXT_DAY = -1  # a step to the next working morning, 07:30
KINDS = (
    "issue", "issue", "issue", "issue", "priority", "open", "open", "leave", "call_next", "call_next",
    "call_next", "call", "recall", "serve", "complete", "complete", "complete", "no_show", "return",
    "transfer", "cancel", "tick", "book", "check_in",
)  # fmt: skip
SERVICES = ("HT", "DD", "KD")
STEPS = st.sampled_from([0, 0, 0, 1, 1, 1, 2, 2, 3, 5, 8, 13, 0, 1, 2, NEXT_DAY])  # minutes

action = st.tuples(st.sampled_from(KINDS), st.integers(0, 11), STEPS)


def next_morning(now: dt.datetime) -> dt.datetime:
    day = now.date() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(7, 30), now.tzinfo)


def pick(options: list[Any], n: int, otherwise: Any) -> Any:
    return options[n % len(options)] if options else otherwise


def command_for(lobby: Lobby, kind: str, n: int, now: dt.datetime, codes: Codes) -> list[c.Command]:
    """The command(s) an action stands for, with ``n`` picking what it acts on: mostly
    something it can act on, so that the day moves on; else anything, to be refused."""
    state = lobby.state
    counters = state.counters.values()
    anyone = 1 + n % 3
    free = pick([k.number for k in counters if k.state is CounterState.OPEN and k.current is None], n, anyone)
    busy = pick([k.number for k in counters if k.current is not None], n, anyone)
    tickets = sorted(state.tickets.values(), key=lambda t: t.id)
    waiting = pick([t.id for t in tickets if t.state is TicketState.WAITING], n, n)
    if kind == "issue":
        return [c.IssueTicket(now, SERVICES[n % 3], codes.ticket())]
    if kind == "priority":
        return [c.IssueTicket(now, SERVICES[n % 3], codes.ticket(), priority="elderly")]
    if kind == "open":
        closed = pick([k.number for k in counters if k.state is not CounterState.OPEN], n, anyone)
        return [c.SignIn(now, closed, f"officer{closed}"), c.OpenCounter(now, closed)]
    if kind == "leave":
        return [(c.PauseCounter, c.CloseCounter, c.SignOut)[n // 4 % 3](now, anyone)]
    if kind == "call_next":
        return [c.CallNext(now, free)]
    if kind == "call":
        return [c.CallTicket(now, free, waiting)]
    if kind == "recall":
        return [c.Recall(now, busy)]
    if kind == "serve":
        return [c.StartServing(now, busy)]
    if kind == "complete":
        return [c.Complete(now, busy)]
    if kind == "no_show":
        return [c.MarkNoShow(now, busy)]
    if kind == "return":
        return [c.ReturnNoShow(now, pick([t.id for t in tickets if t.state is TicketState.NO_SHOW], n, n))]
    if kind == "transfer":
        target = {"to_service": SERVICES[n // 3 % 3]} if n % 2 else {"to_counter": 1 + n // 2 % 3}
        return [c.Transfer(now, busy, **target)]
    if kind == "cancel":
        return [c.CancelTicket(now, pick([t.id for t in tickets if not t.state.is_final], n, n))]
    if kind == "tick":
        return [c.Tick(now)]
    if kind == "book":
        local = lobby.site.local(now)
        ht = lobby.site.service("HT")
        starts = [s for d in (0, 1) for s in slots(ht, local.date() + dt.timedelta(days=d), lobby.site.tz) if s > now]
        return [c.BookAppointment(now, "HT", pick(starts, n, now), codes.booking())]
    assert kind == "check_in"
    bookings = sorted(state.appointments)
    return [c.CheckIn(now, pick(bookings, n, "ABCD2345"), codes.ticket())]


def observable(state: LobbyState) -> dict[str, Any]:
    return {
        "seq": state.seq,
        "day": state.day,
        "next_ticket_id": state.next_ticket_id,
        "tickets": {i: t.as_dict() for i, t in state.tickets.items()},
        "codes": dict(state.codes),
        "last_number": dict(state.last_number),
        "counters": {n: {**k.as_dict(), "streak": k.priority_streak} for n, k in state.counters.items()},
        "appointments": {code: a.as_dict() for code, a in state.appointments.items()},
        "service_seconds": {s: list(v) for s, v in state.service_seconds.items()},
    }


def check_counters(state: LobbyState) -> None:
    at_counter = collections.Counter(
        t.counter for t in state.tickets.values() if t.state in (TicketState.CALLED, TicketState.SERVING)
    )
    for number, counter in state.counters.items():
        assert at_counter[number] <= 1
        if counter.current is None:
            assert at_counter[number] == 0
        else:
            current = state.tickets[counter.current]
            assert current.state in (TicketState.CALLED, TicketState.SERVING) and current.counter == number


def check_queues(state: LobbyState) -> None:
    """The kept queues are exactly the waiting tickets, per service and day, in calling order."""
    expected: dict[tuple[str, dt.date], list[Any]] = {}
    for ticket in state.tickets.values():
        if ticket.state is TicketState.WAITING:
            expected.setdefault((ticket.service, ticket.day), []).append(queue_key(ticket))
    kept = {k: v for k, v in state.queues.items() if v}
    assert kept == {k: sorted(v) for k, v in expected.items()}
    targeted: dict[tuple[int, dt.date], set[int]] = {}
    for ticket in state.tickets.values():
        if ticket.state is TicketState.WAITING and ticket.target_counter is not None:
            targeted.setdefault((ticket.target_counter, ticket.day), set()).add(ticket.id)
    assert {k: v for k, v in state.targeted.items() if v} == targeted


def check_calling(state: LobbyState, now: dt.datetime) -> None:
    """The queues' heads lead every counter to the ticket a scan of the whole day would."""
    if state.day is None:
        return
    limit = state.site.policy.max_priority_in_row
    for counter in state.counters.values():
        assert next_ticket(counter, state.callable_at(counter, state.day), now, limit) is next_ticket(
            counter, state.waiting(state.day), now, limit
        )


def opening_morning(now: dt.datetime) -> list[c.Command]:
    """The day opened and every counter signed in and open, so that calls happen early."""
    return [c.Tick(now)] + [cmd for n in (1, 2, 3) for cmd in (c.SignIn(now, n, f"officer{n}"), c.OpenCounter(now, n))]


@settings(max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(action, min_size=20, max_size=80))
def test_any_day_in_the_lobby_is_rebuilt_from_its_log(actions):
    site = make_site()
    lobby, mirror = Lobby(site), Lobby(site)
    codes = Codes()
    now = at(7, 30)
    log = []

    def execute(command: c.Command) -> None:
        before = copy.deepcopy(lobby.state)
        try:
            events = lobby.execute(command)
        except DomainError:
            assert lobby.state == before  # a refusal changes nothing
            return
        assert [e.seq for e in events] == list(range(before.seq + 1, lobby.seq + 1))
        log.extend(events)
        mirror.replay(events)
        assert observable(mirror.state) == observable(lobby.state)
        check_counters(lobby.state)
        check_queues(lobby.state)
        check_calling(lobby.state, command.now)

    for command in opening_morning(now):
        execute(command)
    for kind, n, minutes in actions:
        now = next_morning(now) if minutes == NEXT_DAY else now + dt.timedelta(minutes=minutes)
        for command in command_for(lobby, kind, n, now, codes):
            execute(command)

    rebuilt = Lobby(site)
    rebuilt.replay(log)
    assert observable(rebuilt.state) == observable(lobby.state)

    issued = collections.Counter(
        (e.data["service"], e.data["day"], e.data["label"]) for e in log if e.type is EventType.TICKET_ISSUED
    )
    assert all(count == 1 for count in issued.values()), issued.most_common(3)
