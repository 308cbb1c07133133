"""Voice packs and the WAV of one call: made with espeak-ng, read back and measured."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tomllib
import wave
from pathlib import Path

import pytest

from display_board.speech import PHRASES, Chime, Pause, Say, call_steps
from display_board.voice import VoicePack, VoicePackError
from display_board.voicegen import CHIME, TEMPLATE, VoiceBuildError, build_pack
from tests.display_board.conftest import ARTEFACTS
from voice.audio import AudioError, read_wav, write_wav
from voice.numbers import SOUTH, english_words, read_label, vietnamese_words


def test_the_template_has_a_clip_for_every_word_a_call_can_say() -> None:
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    vi, en = set(data["vi"]), set(data["en"])
    assert vietnamese_words() | vietnamese_words(SOUTH) | set(PHRASES["vi"]) <= vi
    assert english_words() | set(PHRASES["en"]) <= en
    files = [*data["vi"].values(), *data["en"].values()]
    assert len(files) == len(set(files))  # one file per text


def test_the_espeak_pack_has_every_clip(espeak_pack: Path) -> None:
    pack = VoicePack(espeak_pack, CHIME)
    assert pack.missing() == []
    with wave.open(str(espeak_pack / "vi" / "num-mootj.wav")) as clip:
        assert clip.getnchannels() == 1 and clip.getframerate() == 22050 and clip.getnframes() > 2000


def test_one_call_is_one_wav_with_the_clips_in_order_at_a_steady_loudness(espeak_pack: Path) -> None:
    pack = VoicePack(espeak_pack, CHIME)
    steps = call_steps("A1023", 5, repeat=2)
    rendering = pack.render(steps)
    sentence = ["vi:Mời công dân có số thứ tự", "vi:a", "vi:một", "vi:nghìn", "vi:không", "vi:trăm", "vi:hai",
                "vi:mươi", "vi:ba", "vi:đến quầy số", "vi:năm"]  # fmt: skip
    assert rendering.complete
    assert list(rendering.clips) == ["chime", *sentence, *sentence]

    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / "call-A1023-quay-5.wav"
    write_wav(rendering.pcm, path)
    with wave.open(str(path)) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        seconds = wav.getnframes() / wav.getframerate()
    # the duration is exactly the sum of its parts
    parts = [pack.chime()] + [pack.clip(s.language, s.text) for s in steps if isinstance(s, Say)]
    pauses = sum(s.milliseconds for s in steps if isinstance(s, Pause))
    expected = sum(p.seconds for p in parts if p is not None) + sum(int(22050 * s.milliseconds / 1000) for s in steps if isinstance(s, Pause)) / 22050
    assert abs(seconds - expected) < 0.01
    assert 6 < seconds < 20 and pauses > 0
    # loud enough everywhere speech is, never clipped (sox measures it)
    stat = _sox_stat(path)
    assert 0.75 <= stat["Maximum amplitude"] <= 0.81
    assert stat["RMS     amplitude"] > 0.08
    # each clip of the sequence is sound, not silence
    offset = 0.0
    for step in steps:
        if isinstance(step, Pause):
            offset += int(22050 * step.milliseconds / 1000) / 22050
            continue
        part = pack.chime() if isinstance(step, Chime) else pack.clip(step.language, step.text)
        assert part is not None
        trimmed = _sox_stat(path, trim=(offset, part.seconds))
        assert trimmed["RMS     amplitude"] > 0.04, (step, offset)
        offset += part.seconds


def _sox_stat(path: Path, trim: tuple[float, float] | None = None) -> dict[str, float]:
    command = ["sox", str(path), "-n"]
    if trim:
        command += ["trim", f"{trim[0]:.4f}", f"{trim[1]:.4f}"]
    result = subprocess.run([*command, "stat"], capture_output=True, text=True, check=True)
    values = {}
    for line in result.stderr.splitlines():
        match = re.match(r"^(.+?):\s+(-?[\d.]+)$", line)
        if match:
            values[match[1]] = float(match[2])
    return values


def test_english_follows_once_when_asked(espeak_pack: Path) -> None:
    rendering = VoicePack(espeak_pack, CHIME).render(call_steps("KQ0012", 10, repeat=1, english=True))
    assert rendering.clips[-6:] == ("en:Ticket number", "en:K", "en:Q", "en:twelve", "en:please go to counter", "en:ten")


def test_a_missing_clip_leaves_the_chime_alone_and_a_warning(espeak_pack: Path, tmp_path: Path, caplog) -> None:
    pack_dir = tmp_path / "pack"
    shutil.copytree(espeak_pack, pack_dir)
    (pack_dir / "vi" / "num-hai.wav").unlink()
    (pack_dir / "vi" / "letter-b.wav").write_bytes(b"RIFF not really a wave file")
    pack = VoicePack(pack_dir, CHIME)
    assert ("vi", "hai") in pack.missing()
    with caplog.at_level(logging.WARNING, logger="display_board.voice"):
        rendering = pack.render(call_steps("A012", 2))
    assert rendering.missing == ("vi:hai",)
    assert rendering.clips == ("chime",)
    assert abs(rendering.pcm.seconds - (pack.chime().seconds + 0.3)) < 0.01
    assert "missing clips vi:hai" in caplog.text
    with caplog.at_level(logging.WARNING, logger="display_board.voice"):
        assert pack.render(call_steps("B001", 1)).missing == ("vi:bê",)
    assert "not a readable PCM WAV" in caplog.text
    assert pack.render(call_steps("A013", 3)).complete  # other calls are unaffected


def test_a_recorded_pack_at_another_rate_in_stereo_is_brought_to_the_call_format(short_pack: Path) -> None:
    pack = VoicePack(short_pack, CHIME)
    rendering = pack.render(call_steps("A001", 1, repeat=1))
    assert rendering.complete and rendering.pcm.rate == 22050
    assert abs(pack.clip("vi", "một").seconds - 0.06) < 0.01  # type: ignore[union-attr]
    assert abs(pack.chime().seconds - 0.15) < 0.01  # the pack's own chime


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        (None, "no manifest"),
        ("[vi\n", "manifest.toml"),
        ('[vi]\n"một" = 5\n', "must be a .wav file name"),
        ('[vi]\n"một" = "../../etc/passwd.wav"\n', "outside the pack's folder"),
        ('[fr]\n"un" = "un.wav"\n', "unknown section [fr]"),
        ('pack = 3\n', "[pack] must be a table"),
        ('vi = "x"\n', "[vi] must be a table"),
    ],
)
def test_a_bad_manifest_is_refused_with_its_reason(tmp_path: Path, manifest: str | None, message: str) -> None:
    if manifest is not None:
        (tmp_path / "manifest.toml").write_text(manifest, encoding="utf-8")
    with pytest.raises(VoicePackError) as error:
        VoicePack(tmp_path, CHIME)
    assert message in str(error.value)


@pytest.mark.parametrize("content", [b"", b"RIFF", b"\x00" * 100])
def test_unreadable_wavs_raise_audio_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.wav"
    path.write_bytes(content)
    with pytest.raises(AudioError):
        read_wav(path)


def test_the_chime_is_a_short_clean_ding_dong() -> None:
    chime = read_wav(CHIME)
    assert 1.0 < chime.seconds < 2.0
    assert 0.3 < chime.peak() / 32767 < 0.9


def test_building_without_espeak_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(VoiceBuildError, match="apt-get install espeak-ng"):
        build_pack(tmp_path / "p", espeak="espeak-ng-not-installed")
    assert not (tmp_path / "p").exists()


def test_labels_are_spoken_with_letter_names() -> None:
    assert read_label("KQ0001") == ["ca", "quy", "một"]
