"""Sans-I/O parser for serial scanners: bytes in, codes out.

A serial scanner sends each code as ASCII text followed by a terminator (CR, LF or CR LF),
optionally wrapped in a prefix and suffix programmed into the scanner. The parser keeps a
bounded buffer: a line longer than ``max_length`` is thrown away up to its terminator, and
every discarded line is counted by reason in :attr:`LineParser.discards`.

    parser = LineParser(LineSettings(terminator=Terminator.CRLF))
    parser.receive_data(b"ABCD2345\\r")
    parser.receive_data(b"\\n")
    parser.codes_received()   # [ScannedCode(text="ABCD2345", symbology=Symbology.UNKNOWN)]

Lines are trimmed of surrounding whitespace, so a scanner that sends CR LF still works when
the configuration says CR or LF. With ``aim=True`` an AIM symbology identifier (``]Q1``…)
at the start of the line is removed and tells the symbology.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import re

from hardware.scanner.events import Symbology

__all__ = [
    "DiscardReason",
    "LineParser",
    "LineSettings",
    "ScannedCode",
    "Terminator",
    "aim_symbology",
]

DEFAULT_MAX_LENGTH = 512


class Terminator(enum.Enum):
    """What ends a code on the wire."""

    CR = "cr"
    LF = "lf"
    CRLF = "crlf"
    #: CR, LF or CR LF, whichever comes (the default: nothing to get wrong).
    ANY = "any"


class DiscardReason(enum.Enum):
    """Why a line from the scanner gave no code."""

    EMPTY = "empty line"
    TOO_LONG = "line longer than the limit"
    NOT_ASCII = "bytes outside ASCII"
    CONTROL_CHARACTER = "control characters inside the code"
    MISSING_PREFIX = "the configured prefix is missing"
    MISSING_SUFFIX = "the configured suffix is missing"
    INTERRUPTED = "line cut short by a disconnection"


@dataclasses.dataclass(frozen=True)
class LineSettings:
    terminator: Terminator = Terminator.ANY
    prefix: bytes = b""
    suffix: bytes = b""
    max_length: int = DEFAULT_MAX_LENGTH
    aim: bool = False

    def __post_init__(self) -> None:
        if self.max_length < 1:
            raise ValueError("max_length must be at least 1")


@dataclasses.dataclass(frozen=True)
class ScannedCode:
    text: str
    symbology: Symbology = Symbology.UNKNOWN


_AIM = {
    "Q": Symbology.QR_CODE,
    "d": Symbology.DATA_MATRIX,
    "L": Symbology.PDF417,
    "C": Symbology.CODE_128,
    "A": Symbology.CODE_39,
    "G": Symbology.CODE_93,
    "I": Symbology.INTERLEAVED_2_OF_5,
    "F": Symbology.CODABAR,
}


def aim_symbology(text: str) -> tuple[Symbology, str]:
    """Split an AIM identifier (``]`` + letter + modifier) off ``text``."""
    if len(text) >= 3 and text[0] == "]" and text[1].isalpha():
        letter, rest = text[1], text[3:]
        if letter == "E":
            modifier = text[2]
            return (Symbology.EAN_8 if modifier == "4" else Symbology.EAN_13), rest
        return _AIM.get(letter, Symbology.UNKNOWN), rest
    return Symbology.UNKNOWN, text


class LineParser:
    """Incremental line parser; feed it whatever the port gave, in any pieces."""

    def __init__(self, settings: LineSettings | None = None) -> None:
        self.settings = settings or LineSettings()
        self.discards: collections.Counter[DiscardReason] = collections.Counter()
        self._buffer = bytearray()
        self._skipping = False  # inside an over-long line, waiting for its end
        self._after_cr = False  # Terminator.ANY: an LF right after a CR is part of it
        self._codes: list[ScannedCode] = []
        # Room for the prefix, suffix, an AIM identifier, stray whitespace and a CR.
        s = self.settings
        self._limit = s.max_length + len(s.prefix) + len(s.suffix) + 16

    def receive_data(self, data: bytes) -> None:
        terminator = self.settings.terminator
        for byte in data:
            if terminator is Terminator.ANY:
                if byte == 0x0A and self._after_cr:
                    self._after_cr = False
                    continue
                self._after_cr = byte == 0x0D
                if byte in (0x0A, 0x0D):
                    self._end_line()
                    continue
            elif terminator is Terminator.CR and byte == 0x0D:
                self._end_line()
                continue
            elif terminator is Terminator.LF and byte == 0x0A:
                self._end_line()
                continue
            elif terminator is Terminator.CRLF and byte == 0x0A and self._buffer[-1:] == b"\r":
                del self._buffer[-1]
                self._end_line()
                continue
            self._append(byte)

    def codes_received(self) -> list[ScannedCode]:
        """The codes completed since the last call."""
        codes, self._codes = self._codes, []
        return codes

    def reset(self) -> None:
        """Drop a partly received line (the device went away in the middle of it)."""
        if self._buffer and not self._skipping:
            self.discards[DiscardReason.INTERRUPTED] += 1
        self._buffer.clear()
        self._skipping = False
        self._after_cr = False

    def _append(self, byte: int) -> None:
        if self._skipping:
            return
        if len(self._buffer) >= self._limit:
            self._buffer.clear()
            self._skipping = True
            self.discards[DiscardReason.TOO_LONG] += 1
            return
        self._buffer.append(byte)

    def _end_line(self) -> None:
        line = bytes(self._buffer)
        self._buffer.clear()
        if self._skipping:
            self._skipping = False
            return
        result = self._check(line)
        if isinstance(result, DiscardReason):
            self.discards[result] += 1
        else:
            self._codes.append(result)

    def _check(self, line: bytes) -> ScannedCode | DiscardReason:
        settings = self.settings
        line = line.strip(b" \t\r\n")
        if not line:
            return DiscardReason.EMPTY
        if settings.prefix:
            if not line.startswith(settings.prefix):
                return DiscardReason.MISSING_PREFIX
            line = line[len(settings.prefix) :]
        if settings.suffix:
            if not line.endswith(settings.suffix):
                return DiscardReason.MISSING_SUFFIX
            line = line[: -len(settings.suffix)]
        line = line.strip(b" \t")
        if not line:
            return DiscardReason.EMPTY
        if len(line) > settings.max_length:
            return DiscardReason.TOO_LONG
        if any(byte >= 0x80 for byte in line) and not _is_utf8_card(line):
            return DiscardReason.NOT_ASCII
        if any(byte < 0x20 or byte == 0x7F for byte in line):
            return DiscardReason.CONTROL_CHARACTER
        text = line.decode("utf-8")  # ASCII, or a chip ID card's UTF-8 (checked above)
        if settings.aim:
            symbology, text = aim_symbology(text)
            if not text:
                return DiscardReason.EMPTY
            return ScannedCode(text, symbology)
        return ScannedCode(text)


_CARD_START = re.compile(rb"[0-9]{12}\|")


def _is_utf8_card(line: bytes) -> bool:
    """A chip ID card's QR code (12 digits, ``|``, then UTF-8 text with Vietnamese names): the
    one kind of code that is not ASCII (queue_server/core/citizens/card.py)."""
    if not _CARD_START.match(line):
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
