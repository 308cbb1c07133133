"""Make the default voice pack with espeak-ng, and the chime.

    python -m display_board.voicegen [--out var/voice/vi-espeak] [--force]
    python -m display_board.voicegen --chime assets/voice/chime.wav     (how the chime was made)

The pack's texts and file names come from the template ``assets/voice/manifest.toml``; each
``[vi]`` text is spoken by ``espeak-ng -v vi``, each ``[en]`` text by the English voice named in
its ``[espeak]`` section. The pack is built in a temporary folder beside ``--out`` and moved in
place when complete, so a board never loads half a pack. A centre's recorded pack uses the same
manifest (see docs/display.md); this script is only for the synthetic one.
"""

from __future__ import annotations

import argparse
import array
import concurrent.futures
import logging
import math
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Sequence
from pathlib import Path

from display_board.voice import LANGUAGES, MANIFEST
from voice.audio import Pcm, write_wav
from voice.espeak import SpeechError, say_to_wav

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent.parent / "assets" / "voice"
TEMPLATE = ASSETS / MANIFEST
CHIME = ASSETS / "chime.wav"
DEFAULT_PACK = Path("var/voice/vi-espeak")


class VoiceBuildError(Exception):
    """The pack could not be made (espeak-ng missing or failing, a bad template)."""


def ensure_pack(out: Path, template: Path = TEMPLATE, chime: Path = CHIME) -> Path:
    """The pack in ``out``, made first if it has no manifest yet (a fresh machine)."""
    if not (out / MANIFEST).is_file():
        build_pack(out, template, chime)
    return out


def build_pack(out: Path, template: Path = TEMPLATE, chime: Path = CHIME, espeak: str = "espeak-ng") -> Path:
    if shutil.which(espeak) is None:
        raise VoiceBuildError(f"{espeak} is not installed (Debian: apt-get install espeak-ng; `make setup` does it)")
    text = template.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VoiceBuildError(f"{template}: {exc}") from None
    settings = data.get("espeak", {})
    speed = str(settings.get("speed", 140))
    jobs = [
        (settings.get(language, language), text_, file)
        for language in LANGUAGES
        for text_, file in data.get(language, {}).items()
    ]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda job: _speak(espeak, job[0], speed, job[1], staging / job[2]), jobs))
        shutil.copyfile(chime, staging / "chime.wav")
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log.info("voice pack made in %s: %d clips", out, len(jobs))
    return out


def _speak(espeak: str, voice: str, speed: str, text: str, path: Path) -> None:
    try:
        say_to_wav(text, "", path, voice=voice, speed=speed, espeak=espeak)
    except SpeechError as exc:
        raise VoiceBuildError(str(exc)) from None


def make_chime(path: Path, rate: int = 22050) -> Pcm:
    """A two-note "ding-dong" (E5 then C5, bell-like partials, 1.3 s), written to ``path``."""
    samples = array.array("h")
    for start, frequency, length in ((0.0, 659.25, 0.65), (0.45, 523.25, 0.85)):
        begin = int(start * rate)
        needed = begin + int(length * rate)
        if len(samples) < needed:
            samples.extend([0] * (needed - len(samples)))
        for i in range(int(length * rate)):
            t = i / rate
            envelope = math.exp(-4.5 * t) * min(1.0, t / 0.005)
            value = sum(
                weight * math.sin(2 * math.pi * frequency * ratio * t)
                for ratio, weight in ((1.0, 1.0), (2.0, 0.35), (3.0, 0.12))
            )
            mixed = samples[begin + i] + int(0.45 * 32767 * envelope * value / 1.47)
            samples[begin + i] = max(-32768, min(32767, mixed))
    pcm = Pcm(rate, samples)
    write_wav(pcm, path)
    return pcm


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display_board.voicegen", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PACK, help=f"the pack's folder (default {DEFAULT_PACK})")
    parser.add_argument("--template", type=Path, default=TEMPLATE, help="the manifest listing the texts")
    parser.add_argument("--force", action="store_true", help="make it again even if it is there")
    parser.add_argument("--chime", type=Path, help="only write the chime to this WAV file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    try:
        if args.chime:
            make_chime(args.chime)
        elif args.force:
            build_pack(args.out, args.template)
        else:
            ensure_pack(args.out, args.template)
    except (VoiceBuildError, OSError) as exc:
        print(f"voicegen: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
