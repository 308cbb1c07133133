"""Deciding on counters: officers signing in and out, opening, pausing, closing.

Asking for the state a counter is already in is not an error: it changes nothing and emits
nothing, so a console that retries after a dropped connection is safe.
"""

from __future__ import annotations

import dataclasses

from queue_server.core.commands import CloseCounter, OpenCounter, PauseCounter, SignIn, SignOut
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import Counter, CounterState
from queue_server.core.state import LobbyState


def sign_in(state: LobbyState, cmd: SignIn) -> list[Event]:
    counter = state.counter(cmd.counter)
    elsewhere = state.counter_of_officer(cmd.officer)
    if elsewhere is not None and elsewhere is not counter:
        raise DomainError(
            ErrorCode.OFFICER_ELSEWHERE,
            f"{cmd.officer} is signed in at counter {elsewhere.number}; sign out there first.",
            counter=elsewhere.number,
        )
    if counter.officer == cmd.officer:
        return []
    if counter.officer is not None:
        raise DomainError(
            ErrorCode.COUNTER_TAKEN,
            f"Counter {counter.number} is taken by {counter.officer}.",
            counter=counter.number,
            officer=counter.officer,
        )
    return [_changed(cmd, counter, counter.state, cmd.officer)]


def sign_out(state: LobbyState, cmd: SignOut) -> list[Event]:
    counter = state.counter(cmd.counter)
    if counter.officer is None:
        raise DomainError(ErrorCode.NOT_SIGNED_IN, f"Nobody is signed in at counter {counter.number}.")
    _check_idle(counter)
    return [_changed(cmd, counter, CounterState.CLOSED, None)]


def open_counter(state: LobbyState, cmd: OpenCounter) -> list[Event]:
    counter = state.counter(cmd.counter)
    if counter.officer is None:
        raise DomainError(
            ErrorCode.NOT_SIGNED_IN, f"An officer must sign in at counter {counter.number} before it opens."
        )
    if counter.state is CounterState.OPEN:
        return []
    return [_changed(cmd, counter, CounterState.OPEN, counter.officer)]


def pause_counter(state: LobbyState, cmd: PauseCounter) -> list[Event]:
    counter = state.counter(cmd.counter)
    reasons = state.site.policy.pause_reasons
    if cmd.reason is not None and state.site.policy.pause_reason(cmd.reason) is None:
        raise DomainError(
            ErrorCode.PAUSE_REASON_UNKNOWN,
            f"A pause reason is one of {', '.join(r.code for r in reasons)}, not {cmd.reason!r}.",
            reason=cmd.reason,
        )
    if counter.state is CounterState.PAUSED:
        return []
    if counter.state is not CounterState.OPEN:
        raise DomainError(ErrorCode.COUNTER_NOT_OPEN, f"Counter {counter.number} is closed; only an open counter pauses.")
    event = _changed(cmd, counter, CounterState.PAUSED, counter.officer)
    return [dataclasses.replace(event, data={**event.data, "reason": cmd.reason})]


def close_counter(state: LobbyState, cmd: CloseCounter) -> list[Event]:
    counter = state.counter(cmd.counter)
    if counter.state is CounterState.CLOSED:
        return []
    _check_idle(counter)
    return [_changed(cmd, counter, CounterState.CLOSED, counter.officer)]


def _check_idle(counter: Counter) -> None:
    if counter.current is not None:
        raise DomainError(
            ErrorCode.COUNTER_BUSY,
            f"Counter {counter.number} is serving a ticket: complete or transfer it first.",
            counter=counter.number,
            ticket=counter.current,
        )


def _changed(
    cmd: SignIn | SignOut | OpenCounter | PauseCounter | CloseCounter,
    counter: Counter,
    new_state: CounterState,
    officer: str | None,
) -> Event:
    return Event(
        EventType.COUNTER_CHANGED,
        cmd.now,
        {"counter": counter.number, "name": counter.spec.name, "state": new_state.value, "officer": officer},
    )
