"""A ticket printer: a transport, its settings, and the one way a job is printed.

    with printer_from_url("tcp://10.0.0.5:9100?width=576") as printer:
        printer.print(ticket)          # render → ESC/POS → check status → send once

:meth:`TicketPrinter.print` renders the document at the printer's width, turns it into
ESC/POS bytes, asks the printer's status where the link can answer (a printer out of
paper, with its cover open or offline raises before anything is sent), then sends the
job once. If sending fails the error is raised; the job is never sent a second time.
"""

from __future__ import annotations

import dataclasses
import logging
from types import TracebackType

from PIL import Image

from hardware.printer.config import PrinterConfig, StatusPolicy
from hardware.printer.documents import Document
from hardware.printer.escpos_job import job_bytes
from hardware.printer.labels import DEFAULT_LABELS, Labels
from hardware.printer.layouts import render
from hardware.printer.status import PrinterStatus, raise_for_status
from hardware.printer.transport import Transport, exchange_status

__all__ = ["DEFAULT_CONFIG", "PrintedJob", "TicketPrinter"]

logger = logging.getLogger(__name__)

DEFAULT_CONFIG = PrinterConfig()


@dataclasses.dataclass(frozen=True)
class PrintedJob:
    """What was sent: its size, and the status the printer gave just before."""

    size: int
    status: PrinterStatus


class TicketPrinter:
    """One printer. Made closed: :meth:`open` (or ``with``) opens its transport.

    Opening is cheap on every transport; open around each ticket (``with printer:``) rather
    than holding a network connection for hours, which the printer may drop unnoticed.
    """

    def __init__(
        self, transport: Transport, config: PrinterConfig = DEFAULT_CONFIG, labels: Labels = DEFAULT_LABELS
    ) -> None:
        self.transport = transport
        self.config = config
        self.labels = labels

    @property
    def name(self) -> str:
        return self.transport.name

    @property
    def width(self) -> int:
        return self.config.width

    def open(self) -> None:
        self.transport.open()

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> TicketPrinter:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def render(self, document: Document) -> Image.Image:
        """The document as it will be printed (pure: no device needed)."""
        return render(document, self.config.width, self.labels)

    def job(self, document: Document) -> bytes:
        """The ESC/POS bytes that print ``document`` (pure: no device needed)."""
        return job_bytes(self.render(document), self.config)

    def status(self) -> PrinterStatus:
        """Ask the printer; parts the link cannot answer are unknown."""
        if self.config.status is StatusPolicy.OFF:
            return PrinterStatus.unknown()
        required = self.config.status is StatusPolicy.REQUIRED
        return exchange_status(self.transport, self.config.status_timeout, required)

    def print(self, document: Document) -> PrintedJob:
        """Print ``document`` once, or raise a :class:`PrinterError` saying why not."""
        return self.print_image(self.render(document))

    def print_image(self, image: Image.Image) -> PrintedJob:
        """Print an image already rendered at this printer's width."""
        data = job_bytes(image, self.config)
        status = self.status()
        raise_for_status(status, self.name)
        self.transport.write(data)
        logger.info("%s: printed a %d-dot ticket (%d bytes)", self.name, image.height, len(data))
        return PrintedJob(size=len(data), status=status)

    def __repr__(self) -> str:
        return f"<TicketPrinter {self.name} {self.config.width} dots>"
