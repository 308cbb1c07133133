"""Sound as plain values: 16-bit mono PCM read from and written to WAV files, no Kivy.

A voice pack's clips may come at any rate, mono or stereo, 8/16/24/32-bit PCM (a centre's own
recordings); :func:`read_wav` brings each to mono 16-bit and :func:`resample` to the call's
rate, so that :func:`concat` can join them into the one WAV a call is played from.
"""

from __future__ import annotations

import array
import dataclasses
import math
import sys
import wave
from collections.abc import Iterable
from pathlib import Path

FULL_SCALE = 32767


class AudioError(Exception):
    """A WAV file that cannot be read as PCM (missing, truncated, compressed, empty)."""


@dataclasses.dataclass(frozen=True, eq=False)
class Pcm:
    rate: int
    samples: array.array  # signed 16-bit, mono

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def peak(self) -> int:
        return max((abs(s) for s in self.samples), default=0)

    def rms(self) -> float:
        if not self.samples:
            return 0.0
        return math.sqrt(sum(s * s for s in self.samples) / len(self.samples))


def silence(rate: int, milliseconds: int) -> Pcm:
    return Pcm(rate, array.array("h", bytes(2 * (rate * milliseconds // 1000))))


def read_wav(path: Path) -> Pcm:
    """A WAV file as mono 16-bit PCM at its own rate; raises :class:`AudioError`."""
    try:
        with wave.open(str(path), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"{path}: not a readable PCM WAV file ({exc})") from None
    if width not in (1, 2, 3, 4):
        raise AudioError(f"{path}: {8 * width}-bit samples are not supported")
    values = _to_int16(frames, width)
    if channels > 1:
        values = array.array("h", (sum(values[i : i + channels]) // channels for i in range(0, len(values), channels)))
    if not values:
        raise AudioError(f"{path}: the file holds no sound")
    return Pcm(rate, values)


def _to_int16(frames: bytes, width: int) -> array.array:
    if width == 1:  # unsigned 8-bit
        return array.array("h", ((b - 128) << 8 for b in frames))
    if width == 2:
        values = array.array("h", frames[: len(frames) // 2 * 2])
        if sys.byteorder == "big":
            values.byteswap()
        return values
    step = width  # 24 or 32-bit little-endian: keep the top 16 bits
    return array.array(
        "h", (int.from_bytes(frames[i + step - 2 : i + step], "little", signed=True) for i in range(0, len(frames) - step + 1, step))
    )


def write_wav(pcm: Pcm, path: Path) -> None:
    data = array.array("h", pcm.samples)
    if sys.byteorder == "big":
        data.byteswap()
    with open(path, "wb") as file, wave.open(file, "wb") as wav:  # the file first: an OSError is plain
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(pcm.rate)
        wav.writeframes(data.tobytes())


def resample(pcm: Pcm, rate: int) -> Pcm:
    """Linear interpolation to ``rate`` (speech clips; good enough for a lobby's loudspeakers)."""
    if pcm.rate == rate or not pcm.samples:
        return Pcm(rate, pcm.samples)
    source = pcm.samples
    count = max(1, round(len(source) * rate / pcm.rate))
    ratio = (len(source) - 1) / max(count - 1, 1)
    out = array.array("h", bytes(2 * count))
    last = len(source) - 1
    for i in range(count):
        position = i * ratio
        left = int(position)
        right = min(left + 1, last)
        fraction = position - left
        out[i] = int(source[left] + (source[right] - source[left]) * fraction)
    return Pcm(rate, out)


def trim(pcm: Pcm, threshold: int = 400, margin_ms: int = 30) -> Pcm:
    """Without the silence before and after the sound (espeak-ng and recorders leave some)."""
    samples = pcm.samples
    start = next((i for i, s in enumerate(samples) if abs(s) > threshold), None)
    if start is None:
        return pcm
    end = next(i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > threshold)
    margin = pcm.rate * margin_ms // 1000
    return Pcm(pcm.rate, samples[max(0, start - margin) : min(len(samples), end + margin + 1)])


def normalise(pcm: Pcm, peak: float) -> Pcm:
    """Scaled so that its loudest sample is ``peak`` of full scale (clips of one call match)."""
    current = pcm.peak()
    if current == 0:
        return pcm
    gain = peak * FULL_SCALE / current
    return Pcm(pcm.rate, array.array("h", (max(-32768, min(32767, round(s * gain))) for s in pcm.samples)))


def concat(parts: Iterable[Pcm], rate: int) -> Pcm:
    out = array.array("h")
    for part in parts:
        if part.rate != rate:
            part = resample(part, rate)
        out.extend(part.samples)
    return Pcm(rate, out)
