"""The queue of calls to speak: in order, one at a time, none dropped, none said twice by mistake.

    announcer.offer(call, now=..., live=True)     # a ticket.called / ticket.recalled event
    item = announcer.next()                       # when the speaker is free: what to say now
    ...                                           # the player says it, then:
    announcer.done()

Rules:
- Calls are said in the order they arrived, each completely, one at a time.
- A recall is said again, unless the same call is still waiting to be said (it will be).
- A call that arrives through a catch-up after a reconnect (``live=False``) is said only if it
  is younger than ``catch_up_window``: the board does not re-announce old calls; they are shown.
- A burst is never cut short: when ``burst`` or more calls wait, each is said once instead of
  ``repeat`` times so that the room catches up sooner.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import enum


@dataclasses.dataclass(frozen=True)
class Call:
    """One call of a ticket to a counter, from a ``ticket.called`` or ``ticket.recalled`` event."""

    seq: int
    ticket: int | str | None
    label: str
    counter: int
    counter_name: str = ""
    at: dt.datetime | None = None  # when the server made the call
    recall: bool = False


@dataclasses.dataclass(frozen=True)
class Announcement:
    call: Call
    repeat: int  # how many times the sentence is said


class Decision(enum.Enum):
    QUEUED = "queued"
    MERGED = "merged"  # the same call is already waiting to be said
    STALE = "stale"  # arrived through a catch-up and too old to say now
    SEEN = "seen"  # this event was offered before


class Announcer:
    def __init__(
        self, *, repeat: int = 2, catch_up_window: dt.timedelta = dt.timedelta(seconds=20), burst: int = 4
    ) -> None:
        if repeat < 1:
            raise ValueError("repeat must be at least 1")
        self.repeat = repeat
        self.catch_up_window = catch_up_window
        self.burst = burst
        self._pending: collections.deque[Call] = collections.deque()
        self._playing: Announcement | None = None
        self._seen: collections.deque[int] = collections.deque(maxlen=1000)

    @property
    def pending(self) -> tuple[Call, ...]:
        return tuple(self._pending)

    @property
    def playing(self) -> Announcement | None:
        return self._playing

    def offer(self, call: Call, *, now: dt.datetime, live: bool) -> Decision:
        if call.seq in self._seen:
            return Decision.SEEN
        self._seen.append(call.seq)
        if not live and (call.at is None or now - call.at > self.catch_up_window):
            return Decision.STALE
        if any(p.ticket == call.ticket and p.counter == call.counter for p in self._pending):
            return Decision.MERGED
        self._pending.append(call)
        return Decision.QUEUED

    def next(self) -> Announcement | None:
        """The next call to say, when nothing is being said; None otherwise."""
        if self._playing is not None or not self._pending:
            return None
        call = self._pending.popleft()
        repeat = 1 if len(self._pending) + 1 >= self.burst else self.repeat
        self._playing = Announcement(call, repeat)
        return self._playing

    def done(self) -> None:
        """The call being said has been said completely."""
        self._playing = None

    def reset(self) -> None:
        """A new day: nothing of yesterday is left to say."""
        self._pending.clear()
