"""espeak-ng, the lobby's offline voice (voice/espeak.py): a Vietnamese or English text into a
WAV that sounds, and a clear error for what it cannot say."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.audio import read_wav
from voice.espeak import SpeechError, say_to_wav


@pytest.mark.parametrize(("language", "text"), [("vi", "Mời ngồi chờ tại khu B, tầng 1"), ("en", "Please wait")])
def test_a_text_is_said_into_a_wav_that_sounds(tmp_path: Path, language: str, text: str) -> None:
    path = say_to_wav(text, language, tmp_path / "said.wav")
    pcm = read_wav(path)
    assert pcm.seconds > 0.5 and pcm.rms() > 300 and pcm.peak() > 5000


def test_what_cannot_be_said_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(SpeechError, match="no espeak-ng voice for the language 'fr'"):
        say_to_wav("Bonjour", "fr", tmp_path / "x.wav")
    with pytest.raises(SpeechError, match="nothing to say"):
        say_to_wav("  ", "vi", tmp_path / "x.wav")
    with pytest.raises(SpeechError, match="no-such-espeak is not installed"):
        say_to_wav("Xin chào", "vi", tmp_path / "x.wav", espeak="no-such-espeak")
    assert not list(tmp_path.iterdir())
