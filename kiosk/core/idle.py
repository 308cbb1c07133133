"""The idle timer: back home, personal data cleared, after ``timeout`` seconds untouched;
the one-ticket-at-a-time guard, the admin gesture and the PIN throttle.

Pure: the caller says what time it is (a monotonic clock), so tests move time by hand.
"""

from __future__ import annotations

import dataclasses
import enum


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


class Issuing(enum.Enum):
    FREE = "free"
    ASKING = "asking"  # the server has been asked for a ticket
    PRINTING = "printing"  # the server answered: the ticket is on screen, its paper printing


@dataclasses.dataclass
class OneAtATime:
    """One ticket at a time, from the touch until its paper is out (or failed), and none for
    ``cooldown`` seconds after: a double tap (or an impatient second tap, or a scan) never
    asks the server for a second ticket nor sends a second job while one prints."""

    cooldown: float = 1.0
    phase: Issuing = Issuing.FREE
    finished_at: float = float("-inf")

    @property
    def busy(self) -> bool:
        return self.phase is not Issuing.FREE

    def try_start(self, now: float) -> bool:
        if self.busy or now - self.finished_at < self.cooldown:
            return False
        self.phase = Issuing.ASKING
        return True

    def answered(self) -> None:
        """The ticket stands; the guard holds while its paper prints."""
        if self.phase is Issuing.ASKING:
            self.phase = Issuing.PRINTING

    def finish(self, now: float) -> None:
        self.phase = Issuing.FREE
        self.finished_at = now

    def reset(self) -> None:
        """Forget a request in flight (its connection is gone: no reply will come). A ticket
        being printed is not forgotten: its print ends by itself (printed, failed or timed out)."""
        if self.phase is Issuing.ASKING:
            self.phase = Issuing.FREE


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
