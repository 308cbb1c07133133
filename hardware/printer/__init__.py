"""Thermal ticket printers: tickets rendered as images, sent as ESC/POS raster jobs.

Pure parts, usable with no device: :mod:`~hardware.printer.documents` (what to print),
:mod:`~hardware.printer.layouts` (how it looks, a 1-bit image at the paper's width),
:mod:`~hardware.printer.escpos_job` (the ESC/POS bytes), :mod:`~hardware.printer.status`
(DLE EOT decoding). Thin transports chosen by URL (:mod:`~hardware.printer.connect`):
USB, serial, TCP, device file, CUPS and the simulator :mod:`~hardware.printer.sim`.

    printer = printer_from_url("sim://var/sim/printer?width=384")
    with printer:
        printer.print(QueueTicket(...))
"""

from __future__ import annotations

from hardware.printer.config import CutMode, PrinterConfig, StatusPolicy
from hardware.printer.connect import printer_from_url
from hardware.printer.documents import CheckInSlip, Document, DossierSlip, QueueTicket
from hardware.printer.errors import (
    CoverOpen,
    InvalidTicket,
    PaperOut,
    PrinterAccessDenied,
    PrinterError,
    PrinterFault,
    PrinterNotFound,
    PrinterOffline,
    PrinterTimeout,
    PrintFailed,
)
from hardware.printer.labels import DEFAULT_LABELS, Bilingual, Labels
from hardware.printer.layouts import render
from hardware.printer.printer import PrintedJob, TicketPrinter
from hardware.printer.status import PaperState, PrinterStatus

__all__ = [
    "DEFAULT_LABELS",
    "Bilingual",
    "CheckInSlip",
    "CoverOpen",
    "CutMode",
    "Document",
    "DossierSlip",
    "InvalidTicket",
    "Labels",
    "PaperOut",
    "PaperState",
    "PrintFailed",
    "PrintedJob",
    "PrinterAccessDenied",
    "PrinterConfig",
    "PrinterError",
    "PrinterFault",
    "PrinterNotFound",
    "PrinterOffline",
    "PrinterStatus",
    "PrinterTimeout",
    "QueueTicket",
    "StatusPolicy",
    "TicketPrinter",
    "printer_from_url",
    "render",
]
