"""What goes in and out of rating pads: key presses, LED and beep commands, rating events."""

from __future__ import annotations

import collections
import dataclasses
import enum

__all__ = [
    "ArmExpired",
    "Beep",
    "IgnoreReason",
    "KeyPress",
    "LedState",
    "Outcome",
    "PadCommand",
    "PadEvent",
    "PressIgnored",
    "RatingAccepted",
    "SetLed",
]


@dataclasses.dataclass(frozen=True)
class KeyPress:
    """A key pressed on the pad at ``address`` (keys are numbered from 1), as read off the wire."""

    address: int
    key: int


class LedState(enum.Enum):
    OFF = 0
    #: Armed: waiting for the citizen's rating.
    ARMED = 1
    #: A rating was taken: "thank you".
    THANKS = 2


@dataclasses.dataclass(frozen=True)
class SetLed:
    address: int
    led: LedState


@dataclasses.dataclass(frozen=True)
class Beep:
    address: int
    count: int = 1


PadCommand = SetLed | Beep


class IgnoreReason(enum.Enum):
    """Why a press gave no rating."""

    DISARMED = "the pad is not armed for a ticket"
    EXPIRED = "the pad's arming timed out before the press"
    BOUNCE = "the same key again within the debounce time"
    REPEAT = "a rating was already taken for this ticket"
    NOT_ON_SCALE = "the key is not on the rating scale"
    UNKNOWN_ADDRESS = "no pad with this address is configured"


@dataclasses.dataclass(frozen=True)
class RatingAccepted:
    """The one rating taken for ``ticket`` at the pad of ``counter``."""

    address: int
    counter: str | None
    ticket: str
    score: int
    time: float


@dataclasses.dataclass(frozen=True)
class PressIgnored:
    address: int
    counter: str | None
    key: int
    reason: IgnoreReason
    time: float


@dataclasses.dataclass(frozen=True)
class ArmExpired:
    """The citizen left without rating: the pad disarmed itself after its timeout."""

    address: int
    counter: str | None
    ticket: str
    time: float


PadEvent = RatingAccepted | PressIgnored | ArmExpired


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one input to the arming logic produced: events for the app, commands for pads."""

    events: tuple[PadEvent, ...] = ()
    commands: tuple[PadCommand, ...] = ()

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(self.events + other.events, self.commands + other.commands)


def counted(events: tuple[PadEvent, ...]) -> collections.Counter[IgnoreReason]:
    """How many presses each reason ignored in ``events``."""
    return collections.Counter(e.reason for e in events if isinstance(e, PressIgnored))
