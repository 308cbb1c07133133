"""Arming a rating pad for one ticket: a pure state machine, time passed in.

    pad = PadArming(address=2, counter="5")
    pad.arm("A1023", now=100.0)   # Outcome(commands=(SetLed(2, ARMED), Beep(2)))
    pad.press(4, now=103.2)       # Outcome(events=(RatingAccepted(..., score=4),), ...)
    pad.press(4, now=105.0)       # ignored: REPEAT

A pad armed for a ticket takes exactly one press on the scale; then it stays "rated" until
it is armed again or disarmed. Presses when disarmed, after the arming timed out, a second
edge of the same key within the debounce time, keys off the scale and further presses after
the rating are ignored and counted in :attr:`PadArming.ignored`. Call :meth:`PadArming.poll`
now and then so a pad nobody pressed disarms itself (and turns its LED off) on time.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from collections.abc import Mapping

from hardware.pad.events import (
    ArmExpired,
    Beep,
    IgnoreReason,
    LedState,
    Outcome,
    PressIgnored,
    RatingAccepted,
    SetLed,
)

__all__ = ["ArmingSettings", "PadArming", "PadState"]


@dataclasses.dataclass(frozen=True)
class ArmingSettings:
    """``scale``: the scores a press may give; ``scores``: key → score (default: key = score)."""

    timeout: float = 30.0
    debounce: float = 0.3
    scale: tuple[int, ...] = (1, 2, 3, 4)
    scores: Mapping[int, int] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.debounce < 0:
            raise ValueError("the timeout must be positive and the debounce time not negative")
        if not self.scale:
            raise ValueError("the rating scale is empty")

    def score_for(self, key: int) -> int | None:
        score = self.scores.get(key, key) if self.scores else key
        return score if score in self.scale else None


class PadState(enum.Enum):
    DISARMED = "disarmed"
    ARMED = "armed"
    RATED = "rated"


class PadArming:
    def __init__(
        self, address: int, counter: str | None = None, settings: ArmingSettings = ArmingSettings()
    ) -> None:
        self.address = address
        self.counter = counter
        self.settings = settings
        self.state = PadState.DISARMED
        self.ticket: str | None = None
        self.deadline: float | None = None
        self.ignored: collections.Counter[IgnoreReason] = collections.Counter()
        self._last_key: int | None = None
        self._last_press = 0.0

    @property
    def led(self) -> LedState:
        return {PadState.ARMED: LedState.ARMED, PadState.RATED: LedState.THANKS}.get(
            self.state, LedState.OFF
        )

    def arm(self, ticket: str, now: float) -> Outcome:
        """Wait for the rating of ``ticket`` (re-arming replaces any earlier ticket)."""
        if not ticket:
            raise ValueError("a pad is armed for a ticket")
        self.state = PadState.ARMED
        self.ticket = ticket
        self.deadline = now + self.settings.timeout
        self._last_key = None
        return Outcome(commands=(SetLed(self.address, LedState.ARMED), Beep(self.address, 1)))

    def disarm(self, now: float) -> Outcome:
        was_lit = self.state is not PadState.DISARMED
        self._to_disarmed()
        return Outcome(commands=(SetLed(self.address, LedState.OFF),) if was_lit else ())

    def poll(self, now: float) -> Outcome:
        """Disarm if the arming has timed out."""
        if self.state is PadState.ARMED and self.deadline is not None and now >= self.deadline:
            ticket = self.ticket or ""
            self._to_disarmed()
            return Outcome(
                events=(ArmExpired(self.address, self.counter, ticket, now),),
                commands=(SetLed(self.address, LedState.OFF),),
            )
        return Outcome()

    def press(self, key: int, now: float) -> Outcome:
        expired = self.poll(now)
        bounce = (
            key == self._last_key and 0 <= now - self._last_press < self.settings.debounce
        )
        self._last_key, self._last_press = key, now
        if bounce:
            return expired + self._ignore(key, IgnoreReason.BOUNCE, now)
        if expired.events:
            return expired + self._ignore(key, IgnoreReason.EXPIRED, now)
        if self.state is PadState.DISARMED:
            return self._ignore(key, IgnoreReason.DISARMED, now)
        if self.state is PadState.RATED:
            return self._ignore(key, IgnoreReason.REPEAT, now)
        score = self.settings.score_for(key)
        if score is None:
            return self._ignore(key, IgnoreReason.NOT_ON_SCALE, now)
        assert self.ticket is not None
        self.state = PadState.RATED
        self.deadline = None
        return Outcome(
            events=(RatingAccepted(self.address, self.counter, self.ticket, score, now),),
            commands=(SetLed(self.address, LedState.THANKS), Beep(self.address, 2)),
        )

    def _ignore(self, key: int, reason: IgnoreReason, now: float) -> Outcome:
        self.ignored[reason] += 1
        return Outcome(events=(PressIgnored(self.address, self.counter, key, reason, now),))

    def _to_disarmed(self) -> None:
        self.state = PadState.DISARMED
        self.ticket = None
        self.deadline = None
