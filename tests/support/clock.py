"""A monotonic clock a test moves by hand: the request loop's budgets read it instead of time."""

from __future__ import annotations


class MonotonicClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
