"""The board's glue: the queue client's callbacks feed the board and the announcer; the
announcer feeds the speaker, one call at a time. No Kivy and no asyncio here.

A call arriving while the client is still catching up (between connecting and ``connected``)
is offered as not live: the announcer says it only if it is recent (see :mod:`.announcer`).

Whatever changes the board (a snapshot, an event, the connection, the next call featured)
ends in ``on_change()``: the app redraws on the next frame rather than on a timer.

How each spoken call went ends in ``on_audio(fault)`` (None: said in full), for the manager
(:mod:`.faults`): a call whose sound cannot be written or played is still shown, for as long
as a call with no voice, and the next one follows.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from display_board.announcer import Announcement, Announcer, Decision
from display_board.board import Board
from display_board.faults import AudioFault
from display_board.speech import call_steps, call_text
from display_board.voice import Rendering, VoicePack
from voice.audio import write_wav
from voice.numbers import VietnameseStyle

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
        self._lacking: set[tuple[str, str]] = set()  # clips calls needed and the pack lacked
        folder.mkdir(parents=True, exist_ok=True)

    def say(self, item: Announcement, on_done: Callable[[], None]) -> tuple[Rendering, Path, bool]:
        """Render and start the call; False when the player could not play it (``on_done`` is
        still called, at the sound's length). Raises OSError if its WAV cannot be written."""
        call = item.call
        rendering = self.pack.render(
            call_steps(call.label, call.counter, repeat=item.repeat, english=self.english, style=self.style)
        )
        for name in rendering.missing:  # "vi:năm"
            language, _, text = name.partition(":")
            self._lacking.add((language, text))
        self._count += 1
        path = self.folder / f"call-{self._count % 4}.wav"  # a few files in turn: none is rewritten while it plays
        write_wav(rendering.pcm, path)
        played = self.player.play(path, rendering.pcm.seconds, on_done)
        return rendering, path, played

    def lacking(self) -> list[tuple[str, str]]:
        """The clips calls needed that the pack still lacks (one put back is forgotten)."""
        self._lacking = set(self.pack.missing(sorted(self._lacking)))
        return sorted(self._lacking)


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
        on_audio: Callable[[AudioFault | None], None] = lambda fault: None,
    ) -> None:
        self.board = board
        self.announcer = announcer
        self.speaker = speaker
        self.monotonic = monotonic
        self.wall_clock = wall_clock
        self.silent_seconds = silent_seconds  # without a voice, how long each call stays featured
        self.schedule = schedule
        self.on_change = on_change  # the board changed: show it
        self.on_audio = on_audio  # how the last spoken call went: None = said in full
        self.live = False
        self.spoken: collections.deque[Spoken] = collections.deque(maxlen=500)
        self.finished: collections.deque[float] = collections.deque(maxlen=500)  # monotonic, per spoken

    # ---- QueueClient callbacks -------------------------------------------------------------

    def on_snapshot(self, snapshot: dict[str, Any]) -> None:
        log.info("snapshot at seq %s", snapshot.get("seq"))
        self.board.load_snapshot(snapshot, self.wall_clock())
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
            self._silent()
            return
        try:
            rendering, path, played = self.speaker.say(item, self._done)
        except OSError as exc:
            log.error("the sound of %s could not be written (%s): the call is shown only", call.label, exc)
            self.spoken.append(Spoken(call.label, call.counter, call.recall, item.repeat, (), (), 0.0, now, ""))
            self.on_audio(AudioFault.FILE_FAILED)
            self._silent()
            return
        self.spoken.append(
            Spoken(
                call.label, call.counter, call.recall, item.repeat, rendering.clips, rendering.missing,
                rendering.pcm.seconds, now, str(path),
            )
        )  # fmt: skip
        if not played:
            self.on_audio(AudioFault.PLAYER_FAILED)
        else:  # a clip found missing stays a fault until it is back, whatever the calls between
            self.on_audio(AudioFault.CLIPS_MISSING if self.speaker.lacking() else None)

    def _silent(self) -> None:
        """A call with no sound stays featured ``silent_seconds``, then the next one comes."""
        if self.schedule is not None:
            self.schedule(self.silent_seconds, self._done)
        else:
            self._done()

    def _done(self) -> None:
        self.finished.append(self.monotonic())
        self.announcer.done()
        self.pump()
