"""Camera frames to codes, through zbar (pyzbar).

The kiosk owns the camera (Kivy gives it frames); it hands each frame to
:func:`decode_frame` and gets back the codes found and the symbols refused. A frame is a
Pillow image in any mode, or a :class:`GreyFrame` (8-bit greyscale pixels, row by row).

Our QR codes carry ASCII only, so a payload with bytes outside printable ASCII is refused
with a reason rather than guessed at.
"""

from __future__ import annotations

import dataclasses
import logging

from PIL import Image

from hardware.scanner.events import Symbology
from hardware.scanner.lines import DEFAULT_MAX_LENGTH, DiscardReason, ScannedCode

__all__ = ["FrameDecoding", "FrameRejection", "GreyFrame", "decode_frame"]

logger = logging.getLogger(__name__)

_ZBAR_TYPES = {
    "QRCODE": Symbology.QR_CODE,
    "PDF417": Symbology.PDF417,
    "CODE128": Symbology.CODE_128,
    "CODE39": Symbology.CODE_39,
    "CODE93": Symbology.CODE_93,
    "EAN13": Symbology.EAN_13,
    "EAN8": Symbology.EAN_8,
    "UPCA": Symbology.UPC_A,
    "UPCE": Symbology.UPC_E,
    "I25": Symbology.INTERLEAVED_2_OF_5,
    "CODABAR": Symbology.CODABAR,
}


@dataclasses.dataclass(frozen=True)
class GreyFrame:
    """A raw 8-bit greyscale frame: ``width * height`` bytes, top row first."""

    width: int
    height: int
    pixels: bytes

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0:
            raise ValueError(f"frame size must be positive, not {self.width}x{self.height}")
        if len(self.pixels) != self.width * self.height:
            raise ValueError(
                f"a {self.width}x{self.height} frame has {self.width * self.height} pixels, "
                f"not {len(self.pixels)}"
            )


@dataclasses.dataclass(frozen=True)
class FrameRejection:
    """A symbol zbar found but we refuse, and why."""

    reason: DiscardReason
    symbology: Symbology
    length: int


@dataclasses.dataclass(frozen=True)
class FrameDecoding:
    codes: tuple[ScannedCode, ...] = ()
    rejections: tuple[FrameRejection, ...] = ()


def decode_frame(
    frame: Image.Image | GreyFrame, *, max_length: int = DEFAULT_MAX_LENGTH
) -> FrameDecoding:
    """Every barcode in ``frame``; pure apart from calling zbar, safe to call from a thread."""
    from pyzbar import pyzbar  # loads libzbar: only when a frame is decoded

    if isinstance(frame, GreyFrame):
        image: object = (frame.pixels, frame.width, frame.height)
    elif isinstance(frame, Image.Image):
        image = frame if frame.mode == "L" else frame.convert("L")
    else:
        raise TypeError(f"a frame is a PIL image or a GreyFrame, not {type(frame).__name__}")
    codes: list[ScannedCode] = []
    rejections: list[FrameRejection] = []
    for symbol in pyzbar.decode(image):
        symbology = _ZBAR_TYPES.get(symbol.type, Symbology.UNKNOWN)
        data: bytes = symbol.data
        reason = _check_payload(data, max_length)
        if reason is None:
            codes.append(ScannedCode(data.decode("ascii"), symbology))
        else:
            logger.info("refused a %s symbol of %d bytes: %s", symbology.value, len(data), reason.value)
            rejections.append(FrameRejection(reason, symbology, len(data)))
    return FrameDecoding(tuple(codes), tuple(rejections))


def _check_payload(data: bytes, max_length: int) -> DiscardReason | None:
    if not data.strip():
        return DiscardReason.EMPTY
    if len(data) > max_length:
        return DiscardReason.TOO_LONG
    if any(byte >= 0x80 for byte in data):
        return DiscardReason.NOT_ASCII
    if any(byte < 0x20 or byte == 0x7F for byte in data):
        return DiscardReason.CONTROL_CHARACTER
    return None
