"""What a scanner reports: one :class:`ScanEvent` per code read, whatever the source."""

from __future__ import annotations

import dataclasses
import enum

__all__ = ["ScanEvent", "Symbology"]


class Symbology(enum.Enum):
    """The barcode family a code was read from, when the source can tell."""

    QR_CODE = "qr-code"
    DATA_MATRIX = "data-matrix"
    PDF417 = "pdf417"
    CODE_128 = "code-128"
    CODE_39 = "code-39"
    CODE_93 = "code-93"
    EAN_13 = "ean-13"
    EAN_8 = "ean-8"
    UPC_A = "upc-a"
    UPC_E = "upc-e"
    INTERLEAVED_2_OF_5 = "i25"
    CODABAR = "codabar"
    #: Serial and keyboard-wedge scanners send the text only (unless AIM identifiers are on).
    UNKNOWN = "unknown"


@dataclasses.dataclass(frozen=True)
class ScanEvent:
    """One code read by one source.

    ``code`` is ASCII text with the scanner's prefix, suffix and terminator removed;
    ``source`` names the source (its configured name or device URL); ``time`` is the wall
    clock (seconds since the epoch) when the code arrived.
    """

    code: str
    symbology: Symbology
    source: str
    time: float
