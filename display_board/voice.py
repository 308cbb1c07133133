"""Voice packs: a folder of WAV clips and the ``manifest.toml`` that names them.

    [pack]
    name = "Giọng đọc mặc định (espeak-ng)"
    chime = "chime.wav"                        # optional; else assets/voice/chime.wav
    [vi]
    "Mời công dân có số thứ tự" = "vi/moi-cong-dan.wav"
    "mốt" = "vi/so-mot-sac.wav"
    [en]
    "Ticket number" = "en/ticket-number.wav"

Each key is the text the clip says (a phrase, a number word, a letter's name); the template in
``assets/voice/manifest.toml`` lists every text a call can need. A call whose clips are not all
there is played as the chime alone (the screen still shows it) and the log says which clips
are missing: a board never stays silent on a call, nor says half of one.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from display_board.speech import Chime, Pause, Say, Step
from voice.audio import AudioError, Pcm, concat, normalise, read_wav, resample, silence, trim

log = logging.getLogger(__name__)

MANIFEST = "manifest.toml"
LANGUAGES = ("vi", "en")
RATE = 22050
CLIP_PEAK = 0.8  # of full scale: every clip as loud as the others
CHIME_PEAK = 0.6


class VoicePackError(Exception):
    """A voice pack that cannot be used at all: no manifest, or a manifest that is wrong."""


@dataclasses.dataclass(frozen=True)
class Manifest:
    name: str
    chime: Path | None
    clips: Mapping[tuple[str, str], Path]  # (language, text) -> file

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise VoicePackError(f"{path}: no manifest (a voice pack needs {MANIFEST})") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise VoicePackError(f"{path}: {exc}") from None
        pack = data.get("pack", {})
        if not isinstance(pack, dict):
            raise VoicePackError(f"{path}: [pack] must be a table")
        name = pack.get("name", folder.name)
        chime = pack.get("chime")
        if not isinstance(name, str) or (chime is not None and not isinstance(chime, str)):
            raise VoicePackError(f"{path}: pack.name and pack.chime must be texts")
        clips: dict[tuple[str, str], Path] = {}
        for language in LANGUAGES:
            section = data.get(language, {})
            if not isinstance(section, dict):
                raise VoicePackError(f"{path}: [{language}] must be a table of text = file")
            for text, file in section.items():
                if not isinstance(file, str) or not file.lower().endswith(".wav"):
                    raise VoicePackError(f"{path}: {language}.{text!r}: must be a .wav file name, not {file!r}")
                target = (folder / file).resolve()
                if not target.is_relative_to(folder.resolve()):
                    raise VoicePackError(f"{path}: {language}.{text!r}: {file!r} is outside the pack's folder")
                clips[(language, _key(text))] = target
        unknown = sorted(set(data) - {"pack", "espeak", *LANGUAGES})
        if unknown:
            raise VoicePackError(f"{path}: unknown section [{unknown[0]}] (expected [pack], [vi], [en])")
        return cls(name, (folder / chime) if chime else None, clips)


def _key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().lower()


@dataclasses.dataclass(frozen=True, eq=False)
class Rendering:
    pcm: Pcm
    clips: tuple[str, ...]  # what was said, in order ("chime", "vi:một", …)
    missing: tuple[str, ...]  # clips that were needed and not found: then only the chime

    @property
    def complete(self) -> bool:
        return not self.missing


class VoicePack:
    """Clips loaded on first use, trimmed, brought to one rate and loudness, kept in memory."""

    def __init__(self, folder: Path, fallback_chime: Path, rate: int = RATE) -> None:
        self.folder = folder
        self.manifest = Manifest.load(folder)
        self.rate = rate
        self._chime_paths = [p for p in (self.manifest.chime, fallback_chime) if p is not None]
        self._cache: dict[tuple[str, str], Pcm | None] = {}
        self._chime: Pcm | None = None

    def missing(self, needed: Iterable[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
        """The clips (language, text) that are not in the pack, of ``needed`` or of the manifest."""
        keys = [(lang, _key(text)) for lang, text in needed] if needed is not None else list(self.manifest.clips)
        return [key for key in keys if key not in self.manifest.clips or not self.manifest.clips[key].is_file()]

    def chime(self) -> Pcm:
        if self._chime is None:
            for path in self._chime_paths:
                try:
                    self._chime = normalise(resample(read_wav(path), self.rate), CHIME_PEAK)
                    break
                except AudioError as exc:
                    log.warning("chime: %s", exc)
            else:
                self._chime = silence(self.rate, 200)
        return self._chime

    def clip(self, language: str, text: str) -> Pcm | None:
        """The clip, or None when the pack lacks it. A clip that was missing is looked for
        again at the next call: one put back in the pack is used without a restart."""
        key = (language, _key(text))
        if self._cache.get(key) is None:
            self._cache[key] = self._load(key)
        return self._cache[key]

    def _load(self, key: tuple[str, str]) -> Pcm | None:
        path = self.manifest.clips.get(key)
        if path is None:
            log.warning("voice pack %s: no clip for %s %r in its manifest", self.folder, *key)
            return None
        try:
            return normalise(trim(resample(read_wav(path), self.rate)), CLIP_PEAK)
        except AudioError as exc:
            log.warning("voice pack %s: clip for %s %r: %s", self.folder, key[0], key[1], exc)
            return None

    def render(self, steps: Iterable[Step]) -> Rendering:
        """One call's sound; only the chime when a clip is missing (and a warning in the log)."""
        parts: list[Pcm] = []
        said: list[str] = []
        missing: list[str] = []
        for step in steps:
            if isinstance(step, Chime):
                parts.append(self.chime())
                said.append("chime")
            elif isinstance(step, Pause):
                parts.append(silence(self.rate, step.milliseconds))
            elif isinstance(step, Say):
                clip = self.clip(step.language, step.text)
                name = f"{step.language}:{step.text}"
                if clip is None:
                    missing.append(name)
                else:
                    parts.append(clip)
                    said.append(name)
        if missing:
            log.warning("voice: missing clips %s: the call is shown with the chime only", ", ".join(dict.fromkeys(missing)))
            tail = silence(self.rate, 300)
            return Rendering(concat([self.chime(), tail], self.rate), ("chime",), tuple(dict.fromkeys(missing)))
        return Rendering(concat(parts, self.rate), tuple(said), ())
