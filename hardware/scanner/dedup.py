"""The same code scanned twice within a short window counts once.

A citizen holds a QR code under the camera for a second (a dozen frames), or a scanner
beeps twice: all of it is one scan. A code is suppressed while its last sighting, counted
or not, is less than ``window`` seconds old, so a code held in view counts once however long
it is held. Pure: the time is passed in; a clock that steps back never suppresses a scan.
"""

from __future__ import annotations

__all__ = ["DEFAULT_WINDOW", "Deduplicator"]

DEFAULT_WINDOW = 2.0


class Deduplicator:
    def __init__(self, window: float = DEFAULT_WINDOW) -> None:
        if window < 0:
            raise ValueError("the window cannot be negative")
        self.window = window
        self.suppressed = 0
        self._last_seen: dict[str, float] = {}

    def accept(self, code: str, now: float) -> bool:
        """Whether ``code`` seen at ``now`` is a new scan (and remember the sighting)."""
        self._forget_before(now - self.window)
        last = self._last_seen.get(code)
        self._last_seen[code] = now
        if last is not None and 0 <= now - last < self.window:
            self.suppressed += 1
            return False
        return True

    def _forget_before(self, limit: float) -> None:
        # Bounded memory: only codes seen within the window are kept.
        if len(self._last_seen) > 64:
            self._last_seen = {code: t for code, t in self._last_seen.items() if t >= limit}
