"""Printer status: the DLE EOT exchange, decoded without I/O.

ESC/POS answers ``DLE EOT n`` (``10 04 n``) with one status byte, in real time, even while
offline. Every answer has the fixed bits ``0xx1xx10``: bit 1 and bit 4 set, bits 0 and 7
clear; a byte that does not match is not a status answer (line noise, a stale byte, an
automatic status back) and is ignored rather than guessed at.

    n = 1 printer status     bit 3: offline
    n = 2 offline cause      bit 2: cover open, bit 3: paper fed by the FEED button,
                             bit 5: printing stopped at paper end, bit 6: an error occurred
    n = 3 error cause        bit 3: autocutter error, bit 5: unrecoverable error,
                             bit 6: automatically recoverable error (e.g. head too hot)
    n = 4 roll paper sensor  bits 2–3: paper near end, bits 5–6: paper end

python-escpos 3.1 gets this wrong (its issue #434): ``paper_status()`` reports plenty of
paper when the printer does not answer, and neither method checks the fixed bits. Here a
missing or malformed answer makes that part of the status *unknown* (``None`` or
:attr:`PaperState.UNKNOWN`), never a guess.

:func:`decode_status` turns answers into a :class:`PrinterStatus`; :func:`encode_status`
does the reverse for simulators and test printers; :func:`raise_for_status` says whether a
job may be sent.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from collections.abc import Mapping

from hardware.printer.errors import CoverOpen, PaperOut, PrinterFault, PrinterOffline

__all__ = [
    "PaperState",
    "PrinterStatus",
    "StatusQuery",
    "decode_status",
    "decode_status_byte",
    "encode_status",
    "raise_for_status",
]

logger = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
_FIXED_MASK = 0b1001_0011
_FIXED_BITS = 0b0001_0010


class StatusQuery(enum.IntEnum):
    """The ``n`` of ``DLE EOT n``."""

    PRINTER = 1
    OFFLINE_CAUSE = 2
    ERROR_CAUSE = 3
    PAPER = 4

    @property
    def request(self) -> bytes:
        return DLE_EOT + bytes((self.value,))


class PaperState(enum.Enum):
    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


@dataclasses.dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; ``None`` means it did not (or cannot) say."""

    online: bool | None = None
    paper: PaperState = PaperState.UNKNOWN
    cover_open: bool | None = None
    cutter_error: bool | None = None
    unrecoverable_error: bool | None = None
    recoverable_error: bool | None = None

    @classmethod
    def unknown(cls) -> PrinterStatus:
        """The status of a transport that cannot read from the printer."""
        return cls()

    @property
    def is_known(self) -> bool:
        return self != PrinterStatus.unknown()

    def describe(self) -> str:
        """One line for logs and ``motcua-hw printer-status``."""
        if not self.is_known:
            return "status unknown (this connection cannot read the printer's status)"

        def word(value: bool | None, yes: str, no: str) -> str:
            return "unknown" if value is None else (yes if value else no)

        parts = [
            word(self.online, "online", "offline"),
            f"paper {self.paper.value.replace('_', ' ')}",
            "cover " + word(self.cover_open, "open", "closed"),
        ]
        errors = [
            name
            for name, flag in (
                ("cutter error", self.cutter_error),
                ("unrecoverable error", self.unrecoverable_error),
                ("recoverable error", self.recoverable_error),
            )
            if flag
        ]
        return ", ".join(parts + errors)


def _is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


def _bit(value: int, bit: int) -> bool:
    return bool(value >> bit & 1)


def decode_status_byte(query: StatusQuery, value: int) -> PrinterStatus:
    """Decode one answer byte; the fields this query does not cover stay unknown."""
    if not 0 <= value <= 0xFF or not _is_status_byte(value):
        logger.debug("ignoring 0x%02x: not a DLE EOT %d answer", value & 0xFF, query)
        return PrinterStatus.unknown()
    if query is StatusQuery.PRINTER:
        return PrinterStatus(online=not _bit(value, 3))
    if query is StatusQuery.OFFLINE_CAUSE:
        paper = PaperState.OUT if _bit(value, 5) else PaperState.UNKNOWN
        return PrinterStatus(cover_open=_bit(value, 2), paper=paper)
    if query is StatusQuery.ERROR_CAUSE:
        return PrinterStatus(
            cutter_error=_bit(value, 3),
            unrecoverable_error=_bit(value, 5),
            recoverable_error=_bit(value, 6),
        )
    if _bit(value, 5) or _bit(value, 6):
        return PrinterStatus(paper=PaperState.OUT)
    if _bit(value, 2) or _bit(value, 3):
        return PrinterStatus(paper=PaperState.NEAR_END)
    return PrinterStatus(paper=PaperState.OK)


def _answer(reply: bytes) -> int | None:
    """The last byte of ``reply`` that is a status answer (earlier ones are stale)."""
    for value in reversed(reply):
        if _is_status_byte(value):
            return value
    return None


def decode_status(replies: Mapping[StatusQuery, bytes]) -> PrinterStatus:
    """Combine the answers to several ``DLE EOT n`` queries (a missing one is unknown)."""
    online: bool | None = None
    paper = PaperState.UNKNOWN
    cover_open: bool | None = None
    errors: dict[str, bool | None] = {}
    for query in StatusQuery:
        value = _answer(replies.get(query, b""))
        if value is None:
            continue
        part = decode_status_byte(query, value)
        if query is StatusQuery.PRINTER:
            online = part.online
        elif query is StatusQuery.OFFLINE_CAUSE:
            cover_open = part.cover_open
            if part.paper is PaperState.OUT:
                paper = PaperState.OUT
        elif query is StatusQuery.ERROR_CAUSE:
            errors = {
                "cutter_error": part.cutter_error,
                "unrecoverable_error": part.unrecoverable_error,
                "recoverable_error": part.recoverable_error,
            }
        elif paper is not PaperState.OUT:
            paper = part.paper
    return PrinterStatus(online=online, paper=paper, cover_open=cover_open, **errors)


def encode_status(status: PrinterStatus, query: StatusQuery) -> bytes:
    """The byte a printer in ``status`` answers to ``query`` (for simulators and tests)."""
    value = _FIXED_BITS
    if query is StatusQuery.PRINTER:
        value |= (status.online is False) << 3
    elif query is StatusQuery.OFFLINE_CAUSE:
        value |= bool(status.cover_open) << 2
        value |= (status.paper is PaperState.OUT) << 5
        value |= bool(status.cutter_error or status.unrecoverable_error) << 6
    elif query is StatusQuery.ERROR_CAUSE:
        value |= bool(status.cutter_error) << 3
        value |= bool(status.unrecoverable_error) << 5
        value |= bool(status.recoverable_error) << 6
    elif status.paper is PaperState.OUT:
        value |= 0b0110_1100
    elif status.paper is PaperState.NEAR_END:
        value |= 0b0000_1100
    return bytes((value,))


def raise_for_status(status: PrinterStatus, printer: str) -> None:
    """Raise the specific error that stops a job; unknown parts do not stop it."""
    if status.cover_open:
        raise CoverOpen(f"{printer}: the paper cover is open; close it and try again")
    if status.paper is PaperState.OUT:
        raise PaperOut(f"{printer}: out of paper; load a new roll")
    if status.cutter_error:
        raise PrinterFault(f"{printer}: the cutter is jammed; open the cover and clear it")
    if status.unrecoverable_error:
        raise PrinterFault(f"{printer}: the printer reports an unrecoverable error; restart it")
    if status.online is False:
        cause = " (it is cooling down or recovering)" if status.recoverable_error else ""
        raise PrinterOffline(f"{printer}: the printer is offline{cause}")
    if status.paper is PaperState.NEAR_END:
        logger.warning("%s: paper near end; replace the roll soon", printer)
