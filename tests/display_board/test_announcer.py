"""The queue of calls to speak: order, repeats, recalls, bursts, catch-ups."""

from __future__ import annotations

import datetime as dt

import pytest

from display_board.announcer import Announcer, Call, Decision

NOW = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def call(seq: int, ticket: int, counter: int = 1, *, recall: bool = False, age: float = 0.0) -> Call:
    return Call(seq, ticket, f"A{ticket:03d}", counter, f"Quầy {counter}", NOW - dt.timedelta(seconds=age), recall)


def say_all(announcer: Announcer) -> list[tuple[str, int]]:
    said = []
    while (item := announcer.next()) is not None:
        said.append((item.call.label, item.repeat))
        assert announcer.next() is None  # one at a time
        announcer.done()
    return said


def test_calls_are_said_in_order_one_at_a_time() -> None:
    announcer = Announcer(repeat=2)
    assert announcer.offer(call(1, 1), now=NOW, live=True) is Decision.QUEUED
    first = announcer.next()
    assert first is not None and first.call.label == "A001" and first.repeat == 2
    announcer.offer(call(2, 2, 2), now=NOW, live=True)
    assert announcer.next() is None  # A001 is still being said
    announcer.done()
    assert say_all(announcer) == [("A002", 2)]


def test_a_recall_is_said_again() -> None:
    announcer = Announcer(repeat=2)
    announcer.offer(call(1, 1), now=NOW, live=True)
    assert say_all(announcer) == [("A001", 2)]
    assert announcer.offer(call(2, 1, recall=True), now=NOW, live=True) is Decision.QUEUED
    assert say_all(announcer) == [("A001", 2)]


def test_a_recall_of_a_call_not_yet_said_is_merged() -> None:
    announcer = Announcer()
    announcer.offer(call(1, 9, 3), now=NOW, live=True)
    announcer.next()  # something else is being said…
    announcer.offer(call(2, 1), now=NOW, live=True)
    assert announcer.offer(call(3, 1, recall=True), now=NOW, live=True) is Decision.MERGED
    announcer.done()
    assert [label for label, _ in say_all(announcer)] == ["A001"]


def test_a_burst_of_ten_is_said_completely_in_order_each_once_while_many_wait() -> None:
    announcer = Announcer(repeat=2, burst=4)
    for n in range(1, 11):
        assert announcer.offer(call(n, n, n), now=NOW, live=True) is Decision.QUEUED
    said = say_all(announcer)
    assert [label for label, _ in said] == [f"A{n:03d}" for n in range(1, 11)]
    assert [repeat for _, repeat in said] == [1] * 7 + [2] * 3


def test_an_event_offered_twice_is_said_once() -> None:
    announcer = Announcer()
    announcer.offer(call(5, 1), now=NOW, live=True)
    assert announcer.offer(call(5, 1), now=NOW, live=True) is Decision.SEEN
    assert len(say_all(announcer)) == 1


@pytest.mark.parametrize(("age", "decision"), [(0, Decision.QUEUED), (19, Decision.QUEUED), (21, Decision.STALE), (3600, Decision.STALE)])
def test_after_a_reconnect_only_recent_calls_are_said(age: float, decision: Decision) -> None:
    announcer = Announcer(catch_up_window=dt.timedelta(seconds=20))
    assert announcer.offer(call(1, 1, age=age), now=NOW, live=False) is decision


def test_a_live_call_is_said_whatever_its_time() -> None:
    announcer = Announcer()
    assert announcer.offer(call(1, 1, age=3600), now=NOW, live=True) is Decision.QUEUED


def test_a_catch_up_call_without_a_time_is_not_said() -> None:
    announcer = Announcer()
    assert announcer.offer(Call(1, 1, "A001", 1), now=NOW, live=False) is Decision.STALE


def test_a_new_day_forgets_what_was_waiting() -> None:
    announcer = Announcer()
    for n in range(1, 4):
        announcer.offer(call(n, n, n), now=NOW, live=True)
    announcer.reset()
    assert announcer.next() is None


def test_repeat_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Announcer(repeat=0)
