"""Camera sources: frames pushed by the kiosk, and a folder of images (the camera simulator).

- :class:`FrameFeed`: the kiosk owns the camera and calls :meth:`FrameFeed.submit` with each
  frame it wants decoded; decoding runs in a worker thread, at most one frame waiting.
- :class:`FolderCamera` (``sim://DIR?kind=camera``): every image file dropped into DIR is
  decoded once, then deleted. Write the file under a name starting with ``.`` and rename
  it, or let the camera retry a half-written file on its next look.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from hardware.scanner.camera import FrameDecoding, GreyFrame, decode_frame
from hardware.scanner.events import ScanEvent
from hardware.scanner.lines import DiscardReason

__all__ = ["FolderCamera", "FrameFeed", "IMAGE_SUFFIXES"]

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".pgm", ".ppm", ".tif", ".tiff"})
_MAX_ATTEMPTS = 5


def _events(decoding: FrameDecoding, name: str, now: float) -> list[ScanEvent]:
    return [ScanEvent(code.text, code.symbology, name, now) for code in decoding.codes]


class FrameFeed:
    """Frames from a camera the kiosk drives; a newer frame replaces one still waiting."""

    def __init__(self, *, name: str = "camera", clock: Callable[[], float] = time.time) -> None:
        self.name = name
        self.clock = clock
        self.rejections: collections.Counter[DiscardReason] = collections.Counter()
        self.dropped_frames = 0
        self._waiting: Image.Image | GreyFrame | None = None
        self._ready = asyncio.Event()

    def submit(self, frame: Image.Image | GreyFrame) -> None:
        """Queue ``frame`` for decoding (call from the loop's thread, e.g. a Kivy callback)."""
        if self._waiting is not None:
            self.dropped_frames += 1
        self._waiting = frame
        self._ready.set()

    async def run(self, emit: Callable[[ScanEvent], None]) -> None:
        while True:
            await self._ready.wait()
            self._ready.clear()
            frame, self._waiting = self._waiting, None
            if frame is None:
                continue
            decoding = await asyncio.to_thread(decode_frame, frame)
            self.rejections.update(r.reason for r in decoding.rejections)
            for event in _events(decoding, self.name, self.clock()):
                emit(event)


class FolderCamera:
    """A simulated camera: decodes the images dropped into ``directory``."""

    def __init__(
        self,
        directory: Path,
        *,
        name: str,
        poll_interval: float = 0.1,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self.name = name
        self.poll_interval = poll_interval
        self.clock = clock
        self.rejections: collections.Counter[DiscardReason] = collections.Counter()
        self._attempts: dict[Path, int] = {}

    async def run(self, emit: Callable[[ScanEvent], None]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        logger.info("%s: watching %s for images", self.name, self.directory)
        while True:
            for path in self._pending():
                decoding = await asyncio.to_thread(self._decode_file, path)
                if decoding is None:
                    continue
                self.rejections.update(r.reason for r in decoding.rejections)
                for event in _events(decoding, self.name, self.clock()):
                    emit(event)
            await asyncio.sleep(self.poll_interval)

    def _pending(self) -> list[Path]:
        return sorted(
            path
            for path in self.directory.iterdir()
            if path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")
        )

    def _decode_file(self, path: Path) -> FrameDecoding | None:
        try:
            with Image.open(path) as image:
                image.load()
                decoding = decode_frame(image)
        except FileNotFoundError:
            return None
        except (UnidentifiedImageError, OSError) as exc:
            attempts = self._attempts.get(path, 0) + 1
            self._attempts[path] = attempts
            if attempts < _MAX_ATTEMPTS:
                return None  # maybe still being written
            logger.warning("%s: %s is not a readable image (%s); removed", self.name, path.name, exc)
            decoding = FrameDecoding()
        self._attempts.pop(path, None)
        if not decoding.codes and not decoding.rejections:
            logger.info("%s: no code found in %s", self.name, path.name)
        path.unlink(missing_ok=True)
        return decoding
