"""The kiosk's voice (listening mode, "Nghe hướng dẫn"): a text said by espeak-ng, the offline
voice of the boards (:mod:`voice.espeak`), into a WAV that the lobby's player plays
(:mod:`voice.player`), one at a time: a new text cuts the one being said (the citizen touched
something else).

Each text's WAV is made once (in a thread, the window keeps drawing) and kept by its text's hash
in the voice folder; what was handed to the player is kept in :attr:`KioskVoice.played` and
logged ("speaking (vi): …"), for the admin page's log and the tests.

Where the sound goes is the kiosk's ``voice_output`` option (the speaker, or the headphone
jack: its ALSA device, ``voice_device``, given to SDL as ``AUDIODEV`` before the window opens)
and ``voice_volume``; ``voice_output = "off"`` hides the button.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
import logging
import os
from pathlib import Path
from typing import Any

from queue_server.config.kiosk_options import KioskOptions
from voice.audio import AudioError, normalise, read_wav, write_wav
from voice.espeak import SpeechError, available, say_to_wav

log = logging.getLogger(__name__)

PEAK = 0.8  # of full scale, like the board's clips


def audio_environment(options: KioskOptions) -> None:
    """The output device, for SDL: must run before Kivy opens its audio (configure_kivy)."""
    if options.voice_output != "off" and options.voice_device:
        os.environ["SDL_AUDIODRIVER"] = os.environ.get("SDL_AUDIODRIVER") or "alsa"
        os.environ["AUDIODEV"] = options.voice_device


@dataclasses.dataclass(frozen=True)
class Said:
    """One text handed to the player."""

    text: str
    language: str
    path: str
    seconds: float
    played: bool  # False: the output would not take it (no sound card)


class KioskVoice:
    def __init__(self, folder: Path, player: Any, *, volume: float = 1.0) -> None:
        self.folder = folder
        self.player = player
        self.player.volume = volume
        self.played: collections.deque[Said] = collections.deque(maxlen=200)
        self.on_speaking: Any = lambda seconds: None  # a text of this many seconds starts
        self._speaking: asyncio.Task[Any] | None = None
        self.stops = 0  # how many times what was being said was stopped (for the tests)

    @classmethod
    def for_options(cls, options: KioskOptions, folder: Path) -> KioskVoice | None:
        """The voice, or None when it is off or espeak-ng is missing (the button is not shown)."""
        if options.voice_output == "off":
            return None
        if not available():
            log.error("espeak-ng is not installed: the kiosk cannot speak (Debian: apt-get install espeak-ng)")
            return None
        from voice.player import SoundPlayer

        return cls(folder, SoundPlayer(), volume=options.voice_volume)

    def say(self, text: str, language: str) -> asyncio.Task[Any]:
        """Say ``text`` now, cutting what is being said."""
        self.stop()
        self._speaking = asyncio.get_running_loop().create_task(self._say(text, language))
        return self._speaking

    def stop(self) -> None:
        """Stop saying anything (a new text, or listening mode's end)."""
        self.stops += 1
        if self._speaking is not None and not self._speaking.done():
            self._speaking.cancel()
        self._speaking = None
        self.player.stop()

    async def _say(self, text: str, language: str) -> None:
        try:
            path, seconds = await asyncio.to_thread(self.wav, text, language)
        except (SpeechError, AudioError, OSError) as exc:
            log.error("cannot say %r: %s", text, exc)
            return
        self.on_speaking(seconds)
        played = self.player.play(path, seconds, lambda: None)
        self.played.append(Said(text, language, str(path.resolve()), seconds, played))
        log.info("speaking (%s, %.1f s): %s", language, seconds, text)

    def wav(self, text: str, language: str) -> tuple[Path, float]:
        """The WAV of ``text`` (made once, then kept) and its length in seconds."""
        digest = hashlib.sha1(f"{language}\n{text}".encode()).hexdigest()[:16]
        path = self.folder / f"{language}-{digest}.wav"
        if not path.is_file():
            raw = self.folder / f".{path.name}.raw"
            say_to_wav(text, language, raw)
            write_wav(normalise(read_wav(raw), PEAK), raw)  # as loud as the board's clips
            os.replace(raw, path)  # a WAV is complete or absent, never half written
        pcm = read_wav(path)
        return path, pcm.seconds
