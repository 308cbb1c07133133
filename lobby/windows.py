"""Where ``motcua-lobby`` puts the kiosk's and the board's windows: side by side on the screen.

Without a window manager (a bare X server, Xvfb, a kiosk PC's plain session) every window
opens where the program asks, and Kivy asks for the same place for both: the board covered
the middle of the kiosk. The lobby measures the screen (``xwininfo -root``, Debian's
x11-utils), gives each window an equal column scaled to 16:9, and tells each app its size
(``--size``) and place (Kivy's own ``KCFG_GRAPHICS_POSITION``/``LEFT``/``TOP`` settings).
"""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import subprocess

log = logging.getLogger(__name__)

ASPECT = (16, 9)  # the kiosk's and the board's screens


@dataclasses.dataclass(frozen=True)
class Size:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


DEFAULT_SCREEN = Size(1920, 1080)


@dataclasses.dataclass(frozen=True)
class Place:
    """A window's size and its top-left corner on the screen."""

    size: Size
    left: int
    top: int

    def kivy_env(self) -> dict[str, str]:
        """Kivy's settings that open the window here (Kivy reads ``KCFG_<SECTION>_<KEY>``)."""
        return {
            "KCFG_GRAPHICS_POSITION": "custom",
            "KCFG_GRAPHICS_LEFT": str(self.left),
            "KCFG_GRAPHICS_TOP": str(self.top),
        }


def side_by_side(screen: Size, count: int) -> list[Place]:
    """``count`` windows of the same 16:9 size, all on ``screen``: in a row from the top left,
    or in a column on a screen where that makes them larger (a portrait screen, 5:4)."""
    if count < 1:
        return []
    cell_w, cell_h = screen.width // count, screen.height // count
    row = _fit(cell_w, screen.height)
    column = _fit(screen.width, cell_h)
    if column.width > row.width:
        return [Place(column, 0, i * cell_h) for i in range(count)]
    return [Place(row, i * cell_w, 0) for i in range(count)]


def _fit(width: int, height: int) -> Size:
    """The largest 16:9 size within ``width`` × ``height``."""
    a, b = ASPECT
    return Size(width, width * b // a) if width * b // a <= height else Size(height * a // b, height)


_ROOT_SIZE = re.compile(r"^\s*Width:\s*(\d+)\s*$.*?^\s*Height:\s*(\d+)\s*$", re.M | re.S)


def parse_root_window(text: str) -> Size | None:
    """The screen's size from ``xwininfo -root``'s output."""
    match = _ROOT_SIZE.search(text)
    return Size(int(match[1]), int(match[2])) if match else None


def screen_size() -> Size:
    """The X screen the windows open on (``$DISPLAY``); the default when it cannot be measured."""
    xwininfo = shutil.which("xwininfo")
    if xwininfo is None:
        log.warning("xwininfo (Debian's x11-utils) not found: placing the windows for a %s screen", DEFAULT_SCREEN)
        return DEFAULT_SCREEN
    try:
        done = subprocess.run([xwininfo, "-root"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.warning("cannot measure the screen (%s): placing the windows for a %s screen", exc, DEFAULT_SCREEN)
        return DEFAULT_SCREEN
    size = parse_root_window(done.stdout) if done.returncode == 0 else None
    if size is None:
        log.warning("cannot measure the screen (%s): placing the windows for a %s screen",
                    done.stderr.strip() or "xwininfo said nothing", DEFAULT_SCREEN)  # fmt: skip
        return DEFAULT_SCREEN
    return size
