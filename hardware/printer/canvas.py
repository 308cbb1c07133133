"""Blocks stacked down a strip of paper, rendered into a 1-bit image of an exact width.

A layout is a list of blocks (:class:`Text`, :class:`Field`, :class:`QR`, :class:`Rule`,
:class:`Space`); :func:`render_blocks` draws them one under the other on a strip exactly
``width`` dots wide. Text is cleaned (control and format characters dropped, NFC
normalised) and wrapped at word boundaries, or inside a word that is wider than the paper;
a block that would pass its ``max_lines`` ends in "…". Nothing here can make the image
wider than the paper, whatever text comes in.
"""

from __future__ import annotations

import dataclasses
import enum
import unicodedata
from collections.abc import Iterable, Sequence

from PIL import Image, ImageDraw, ImageFont

from hardware.printer.fonts import Weight, font
from hardware.printer.qr import qr_image

__all__ = ["QR", "Align", "Field", "Rule", "Space", "Text", "clean_text", "render_blocks", "wrap"]

ELLIPSIS = "…"
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_BLACK, _WHITE = 0, 255


class Align(enum.Enum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclasses.dataclass(frozen=True)
class Text:
    text: str
    size: int
    weight: Weight = Weight.REGULAR
    align: Align = Align.CENTER
    max_lines: int = 3
    inverted: bool = False  # white on a black band, for the priority mark


@dataclasses.dataclass(frozen=True)
class Field:
    """A label (Vietnamese, English smaller below) and its value: side by side when the
    value is short, else the value in bold under the labels."""

    label_vi: str
    label_en: str
    value: str
    size: int
    max_value_lines: int = 3


@dataclasses.dataclass(frozen=True)
class QR:
    payload: str
    share: float = 0.5


@dataclasses.dataclass(frozen=True)
class Rule:
    thickness: int = 2


@dataclasses.dataclass(frozen=True)
class Space:
    height: int


Block = Text | Field | QR | Rule | Space


def clean_text(text: str) -> str:
    """NFC text with one space between words and no control or format characters."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


def _fit_prefix(word: str, face: ImageFont.FreeTypeFont, width: int) -> int:
    """How many leading characters of ``word`` fit in ``width`` (at least one)."""
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if face.getlength(word[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsize(line: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    while line and face.getlength(line + ELLIPSIS) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap of cleaned ``text`` into at most ``max_lines`` lines."""
    words = clean_text(text).split(" ")
    lines: list[str] = []
    current = ""
    index = 0
    while index < len(words) and len(lines) <= max_lines:
        word = words[index]
        candidate = f"{current} {word}" if current else word
        if face.getlength(candidate) <= width:
            current = candidate
            index += 1
        elif current:
            lines.append(current)
            current = ""
        else:  # a single word wider than the paper: break it
            cut = _fit_prefix(word, face, width)
            lines.append(word[:cut])
            words[index] = word[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines or index < len(words):
        lines = lines[:max_lines]
        lines[-1] = _ellipsize(lines[-1], face, width)
    return [line for line in lines if line]


def _line_height(face: ImageFont.FreeTypeFont) -> int:
    ascent, descent = face.getmetrics()
    return ascent + descent + face.size // 6  # room for stacked Vietnamese marks (Ể, Ỗ)


def _draw_lines(
    lines: Sequence[str], face: ImageFont.FreeTypeFont, width: int, align: Align, inverted: bool
) -> Image.Image:
    step = _line_height(face)
    pad = face.size // 4 if inverted else 0
    image = Image.new("L", (width, step * len(lines) + 2 * pad), _BLACK if inverted else _WHITE)
    draw = ImageDraw.Draw(image)
    ink = _WHITE if inverted else _BLACK
    for row, line in enumerate(lines):
        length = face.getlength(line)
        x = {Align.LEFT: 0, Align.CENTER: (width - length) / 2, Align.RIGHT: width - length}[align]
        draw.text((max(0, x), pad + row * step + face.size // 6), line, font=face, fill=ink)
    return image


def _text(block: Text, width: int) -> Image.Image:
    face = font(block.size, block.weight)
    lines = wrap(block.text, face, width, block.max_lines) or [""]
    return _draw_lines(lines, face, width, block.align, block.inverted)


def _field(block: Field, width: int) -> Image.Image:
    label_face, small_face = font(block.size), font(max(8, block.size * 3 // 4))
    value_face = font(block.size, Weight.BOLD)
    value = clean_text(block.value)
    gap = block.size
    value_width = int(value_face.getlength(value))
    if value_width <= width // 2:
        column = width - value_width - gap
        left = _stack(
            [
                _draw_lines(
                    wrap(block.label_vi, label_face, column, 2) or [""], label_face, column, Align.LEFT, False
                ),
                _draw_lines(
                    wrap(block.label_en, small_face, column, 1) or [""], small_face, column, Align.LEFT, False
                ),
            ],
            column,
        )
        right = _draw_lines([value], value_face, value_width or 1, Align.RIGHT, False)
        image = Image.new("L", (width, max(left.height, right.height)), _WHITE)
        image.paste(left, (0, 0))
        image.paste(right, (width - right.width, 0))
        return image
    label = f"{clean_text(block.label_vi)} · {clean_text(block.label_en)}"
    return _stack(
        [
            _draw_lines(wrap(label, small_face, width, 2) or [""], small_face, width, Align.LEFT, False),
            _draw_lines(
                wrap(value, value_face, width, block.max_value_lines) or [""],
                value_face,
                width,
                Align.LEFT,
                False,
            ),
        ],
        width,
    )


def _qr(block: QR, width: int) -> Image.Image:
    code = qr_image(block.payload, width, block.share)
    image = Image.new("L", (width, code.height), _WHITE)
    image.paste(code.convert("L"), ((width - code.width) // 2, 0))
    return image


def _rule(block: Rule, width: int) -> Image.Image:
    return Image.new("L", (width, max(1, block.thickness)), _BLACK)


def _render(block: Block, width: int) -> Image.Image:
    if isinstance(block, Text):
        return _text(block, width)
    if isinstance(block, Field):
        return _field(block, width)
    if isinstance(block, QR):
        return _qr(block, width)
    if isinstance(block, Rule):
        return _rule(block, width)
    return Image.new("L", (width, max(0, block.height)), _WHITE)


def _stack(images: Iterable[Image.Image], width: int) -> Image.Image:
    parts = [image for image in images if image.height > 0]
    strip = Image.new("L", (width, sum(image.height for image in parts) or 1), _WHITE)
    y = 0
    for image in parts:
        strip.paste(image, (0, y))
        y += image.height
    return strip


def render_blocks(blocks: Sequence[Block], width: int, margin: int = 0) -> Image.Image:
    """Draw ``blocks`` top to bottom on a 1-bit strip exactly ``width`` dots wide
    (white = 1, black = 0, as Pillow's mode ``"1"``); ``margin`` dots kept at each side."""
    if width <= 2 * margin:
        raise ValueError(f"a {width}-dot strip leaves no room inside {margin}-dot margins")
    inner = width - 2 * margin
    body = _stack((_render(block, inner) for block in blocks), inner)
    strip = Image.new("L", (width, body.height), _WHITE)
    strip.paste(body, (margin, 0))
    return strip.point(lambda value: 255 if value >= 128 else 0).convert("1", dither=Image.Dither.NONE)
