"""The idle timer: back home, personal data cleared, after ``timeout`` seconds untouched.

Pure: the caller says what time it is (a monotonic clock), so tests move time by hand.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass
class IdleTimer:
    timeout: float
    last_touch: float = 0.0

    def touch(self, now: float) -> None:
        self.last_touch = now

    def expired(self, now: float) -> bool:
        return now - self.last_touch >= self.timeout

    def remaining(self, now: float) -> float:
        return max(0.0, self.timeout - (now - self.last_touch))


@dataclasses.dataclass
class OneAtATime:
    """One issuing request at a time, and none for ``cooldown`` seconds after it: a double
    tap (or an impatient second tap) never asks the server for a second ticket."""

    cooldown: float = 1.0
    busy: bool = False
    finished_at: float = float("-inf")

    def try_start(self, now: float) -> bool:
        if self.busy or now - self.finished_at < self.cooldown:
            return False
        self.busy = True
        return True

    def finish(self, now: float) -> None:
        self.busy = False
        self.finished_at = now

    def reset(self) -> None:
        """Forget a request in flight (its connection is gone: no reply will come)."""
        self.busy = False


@dataclasses.dataclass
class TapCounter:
    """The hidden admin gesture: ``taps`` taps on one spot within ``window`` seconds."""

    taps: int = 5
    window: float = 4.0
    times: list[float] = dataclasses.field(default_factory=list)

    def tap(self, now: float) -> bool:
        self.times = [t for t in self.times if now - t < self.window] + [now]
        if len(self.times) >= self.taps:
            self.times.clear()
            return True
        return False


@dataclasses.dataclass
class PinThrottle:
    """Wrong admin PINs: after ``attempts`` a pause of ``lockout`` seconds."""

    attempts: int = 3
    lockout: float = 60.0
    failures: int = 0
    locked_until: float = float("-inf")

    def locked_for(self, now: float) -> float:
        return max(0.0, self.locked_until - now)

    def failed(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.attempts:
            self.failures = 0
            self.locked_until = now + self.lockout

    def succeeded(self) -> None:
        self.failures = 0
