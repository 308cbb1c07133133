"""espeak-ng, the offline voice: a text spoken into a WAV file, in Vietnamese or English.

    say_to_wav("Mời chạm vào lĩnh vực cần làm thủ tục", "vi", Path("x.wav"))

The display board's default voice pack is made clip by clip with it (``display_board.voicegen``);
the kiosk says whole sentences with it (the names of a centre's fields are known only at run
time, so no pack of clips can hold them). Nothing but the ``espeak-ng`` program is needed:
no network, no model to download.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

ESPEAK = "espeak-ng"
VOICES = {"vi": "vi", "en": "en-us"}  # language -> espeak-ng voice
SPEED = 140  # words per minute: slow and clear, for a lobby


class SpeechError(Exception):
    """espeak-ng is missing or could not say the text."""


def available(espeak: str = ESPEAK) -> bool:
    return shutil.which(espeak) is not None


def say_to_wav(
    text: str, language: str, path: Path, *, voice: str | None = None, speed: int | str = SPEED, espeak: str = ESPEAK
) -> Path:
    """``text`` (NFC) said by espeak-ng's voice for ``language`` into the WAV file ``path``."""
    if shutil.which(espeak) is None:
        raise SpeechError(f"{espeak} is not installed (Debian: apt-get install espeak-ng; `make setup` does it)")
    chosen = voice or VOICES.get(language)
    if chosen is None:
        raise SpeechError(f"no espeak-ng voice for the language {language!r} (known: {', '.join(VOICES)})")
    text = unicodedata.normalize("NFC", text).strip()
    if not text:
        raise SpeechError("nothing to say: the text is empty")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = subprocess.run(
            [espeak, "-v", chosen, "-s", str(speed), "-w", str(path), text], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechError(f"{espeak} -v {chosen} failed on {text!r}: {exc}") from None
    if result.returncode != 0 or not path.is_file():
        raise SpeechError(f"{espeak} -v {chosen} failed on {text!r}: {result.stderr.strip()}")
    return path
