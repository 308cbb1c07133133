"""Playing one call's WAV through Kivy's sound (SDL2 mixer), one at a time.

The player says when a sound has finished (``on_stop``), with a watchdog at the WAV's length
in case the audio driver never reports it: the next call never starts over the previous one,
and a board with no sound card (SDL's ``dummy`` driver) keeps the same pace.

Kivy's SDL2 loader gives a sound object even when it could not load the file or open the
output (its ``length`` is then 0, and ``play()`` leaves it stopped): such a sound counts as
not played, so that the app can report it (the board's :mod:`display_board.faults`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.core.audio import Sound, SoundLoader

log = logging.getLogger(__name__)

WATCHDOG_MARGIN = 1.5  # seconds after the WAV's length


class SoundPlayer:
    def __init__(self, volume: float = 1.0) -> None:
        self.volume = volume
        self._sound: Sound | None = None
        self._done: Callable[[], None] | None = None
        self._watchdog = None

    def play(self, path: Path, seconds: float, on_done: Callable[[], None]) -> bool:
        """Start ``path``; ``on_done`` is called once when it has ended. False if it cannot play."""
        if self._sound is not None or self._done is not None:
            log.error("a call was started before the previous one ended; the previous one is cut")
            self._release()
        self._done = on_done
        sound = SoundLoader.load(str(path))
        if sound is None or not sound.length:
            return self._not_played(path, seconds, sound)
        self._sound = sound
        sound.volume = self.volume
        sound.bind(on_stop=lambda *_args: Clock.schedule_once(lambda _dt: self._finish(sound), 0))
        self._watchdog = Clock.schedule_once(lambda _dt: self._finish(sound), seconds + WATCHDOG_MARGIN)
        sound.play()
        if sound.state != "play":
            self._release()
            self._done = on_done
            return self._not_played(path, seconds, None)
        return True

    @property
    def playing(self) -> bool:
        """A sound is being played (started and not ended, stopped or cut)."""
        return self._sound is not None

    def stop(self) -> None:
        """Stop the sound being played (the kiosk: the citizen touched something else); its
        ``on_done`` is not called."""
        self._release()

    def _not_played(self, path: Path, seconds: float, sound: Sound | None) -> bool:
        """The output would not take the sound: the call is shown for as long, then the next."""
        log.warning("the sound output could not play %s: the call is shown only", path)
        if sound is not None:
            sound.unload()
        self._watchdog = Clock.schedule_once(lambda _dt: self._finish(), seconds)
        return False

    def _finish(self, sound: Sound | None = None) -> None:
        if sound is not None and sound is not self._sound:
            return  # a late report of an earlier sound
        done = self._done
        self._release()
        if done is not None:
            done()

    def _release(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None
        current, self._sound, self._done = self._sound, None, None
        if current is not None:
            if current.state == "play":
                current.stop()
            current.unload()
