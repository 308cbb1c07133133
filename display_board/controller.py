"""The board's glue: the queue client's callbacks feed the board and the announcer; the
announcer feeds the speaker, one call at a time. No Kivy and no asyncio here.

A call arriving while the client is still catching up (between connecting and ``connected``)
is offered as not live: the announcer says it only if it is recent (see :mod:`.announcer`).

Whatever changes the board (a snapshot, an event, the connection, the next call featured)
ends in ``on_change()``: the app redraws on the next frame rather than on a timer.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from .announcer import Announcement, Announcer, Decision
from .audio import write_wav
from .board import Board
from .numbers import VietnameseStyle
from .speech import call_steps, call_text
from .voice import Rendering, VoicePack

log = logging.getLogger(__name__)


class Player(Protocol):
    def play(self, path: Path, seconds: float, on_done: Callable[[], None]) -> bool: ...


@dataclasses.dataclass(frozen=True)
class Spoken:
    """One announcement as it was said, for the log and the tests."""

    label: str
    counter: int
    recall: bool
    repeat: int
    clips: tuple[str, ...]
    missing: tuple[str, ...]
    seconds: float
    started: float  # monotonic
    path: str


class Speaker:
    """Renders an announcement with the voice pack into a WAV and has the player play it."""

    def __init__(
        self, pack: VoicePack, player: Player, folder: Path, *, english: bool, style: VietnameseStyle
    ) -> None:
        self.pack = pack
        self.player = player
        self.folder = folder
        self.english = english
        self.style = style
        self._count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def say(self, item: Announcement, on_done: Callable[[], None]) -> tuple[Rendering, Path]:
        call = item.call
        rendering = self.pack.render(
            call_steps(call.label, call.counter, repeat=item.repeat, english=self.english, style=self.style)
        )
        self._count += 1
        path = self.folder / f"call-{self._count % 4}.wav"  # a few files in turn: none is rewritten while it plays
        write_wav(rendering.pcm, path)
        self.player.play(path, rendering.pcm.seconds, on_done)
        return rendering, path


class BoardController:
    def __init__(
        self,
        board: Board,
        announcer: Announcer,
        speaker: Speaker | None,
        *,
        monotonic: Callable[[], float],
        wall_clock: Callable[[], dt.datetime],
        silent_seconds: float = 4.0,
        schedule: Callable[[float, Callable[[], None]], Any] | None = None,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.board = board
        self.announcer = announcer
        self.speaker = speaker
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self.silent_seconds = silent_seconds  # without a voice, how long each call stays featured
        self.schedule = schedule
        self.on_change = on_change  # the board changed: show it
        self.live = False
        self.spoken: collections.deque[Spoken] = collections.deque(maxlen=500)
        self.finished: collections.deque[float] = collections.deque(maxlen=500)  # monotonic, per spoken

    # ---- QueueClient callbacks -------------------------------------------------------------

    def on_snapshot(self, snapshot: dict[str, Any]) -> None:
        log.info("snapshot at seq %s", snapshot.get("seq"))
        self.board.load_snapshot(snapshot)
        self.on_change()

    def on_event(self, event: dict[str, Any]) -> None:
        if event.get("ev") == "day.opened":
            self.announcer.reset()
        call = self.board.apply(event)
        self.on_change()
        if call is None:
            return
        decision = self.announcer.offer(call, now=self.wall_clock(), live=self.live)
        if decision is Decision.STALE:
            log.info("not announcing %s → counter %s: an old call caught up after a reconnect", call.label, call.counter)
        self.pump()

    def on_status(self, status: Any) -> None:
        value = getattr(status, "value", status)
        self.live = value == "connected"
        self.board.connection(value, self.monotonic())
        self.on_change()
        log.info("connection: %s", value)

    # ---- announcing ------------------------------------------------------------------------

    def pump(self) -> None:
        item = self.announcer.next()
        if item is None:
            return
        call = item.call
        now = self.monotonic()
        self.board.feature(call, now)
        self.on_change()
        log.info("announcing: %s", call_text(call.label, call.counter))
        if self.speaker is None:
            self.spoken.append(Spoken(call.label, call.counter, call.recall, item.repeat, (), (), 0.0, now, ""))
            if self.schedule is not None:
                self.schedule(self.silent_seconds, self._done)
            else:
                self._done()
            return
        rendering, path = self.speaker.say(item, self._done)
        self.spoken.append(
            Spoken(
                call.label, call.counter, call.recall, item.repeat, rendering.clips, rendering.missing,
                rendering.pcm.seconds, now, str(path),
            )
        )  # fmt: skip

    def _done(self) -> None:
        self.finished.append(self.monotonic())
        self.announcer.done()
        self.pump()
