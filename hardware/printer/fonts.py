"""The bundled font that covers Vietnamese: Noto Sans, under ``assets/fonts/`` (OFL).

Looked up next to the source tree first, then in Debian's fonts-noto-core; fonts are loaded
once per size and weight.
"""

from __future__ import annotations

import enum
import functools
from pathlib import Path

from PIL import ImageFont

__all__ = ["FONT_DIRS", "Weight", "font", "font_path"]

FONT_DIRS: tuple[Path, ...] = (
    Path(__file__).resolve().parents[2] / "assets" / "fonts",
    Path("/usr/share/fonts/truetype/noto"),
)


class Weight(enum.Enum):
    REGULAR = "NotoSans-Regular.ttf"
    BOLD = "NotoSans-Bold.ttf"


@functools.cache
def font_path(weight: Weight) -> Path:
    for directory in FONT_DIRS:
        path = directory / weight.value
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"{weight.value} not found in {', '.join(map(str, FONT_DIRS))}; "
        "the ticket font ships in assets/fonts/ (or install fonts-noto-core)"
    )


@functools.lru_cache(maxsize=64)
def font(size: int, weight: Weight = Weight.REGULAR) -> ImageFont.FreeTypeFont:
    """Noto Sans at ``size`` pixels; basic layout, so output does not depend on libraqm."""
    return ImageFont.truetype(str(font_path(weight)), size=max(6, size), layout_engine=ImageFont.Layout.BASIC)
