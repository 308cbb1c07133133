"""WCAG 2.2 contrast, computed (no Kivy): relative luminance of sRGB colours and their ratio.

    ratio((1, 1, 1, 1), (0.04, 0.24, 0.57, 1))  -> 9.9…   (white on the tiles' blue)

AA asks 4.5:1 for text and 3:1 for large text (at least 24 px, or 18.66 px bold, at 96 dpi:
18 pt / 14 pt bold) — https://www.w3.org/TR/WCAG22/#contrast-minimum.
"""

from __future__ import annotations

from collections.abc import Sequence

AA_TEXT = 4.5
AA_LARGE_TEXT = 3.0


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: Sequence[float]) -> float:
    """The relative luminance of an sRGB colour given as 0–1 floats (alpha ignored)."""
    r, g, b = (_channel(float(c)) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(foreground: Sequence[float], background: Sequence[float]) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    a, b = luminance(foreground), luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


def is_large(font_px: float, bold: bool, px_per_css_px: float = 1.0) -> bool:
    """Large text by WCAG: 18 pt (24 CSS px), or 14 pt (18.66 CSS px) bold."""
    css = font_px / px_per_css_px
    return css >= 24 or (bold and css >= 18.66)


def required(font_px: float, bold: bool, px_per_css_px: float = 1.0) -> float:
    return AA_LARGE_TEXT if is_large(font_px, bold, px_per_css_px) else AA_TEXT
