"""What can go wrong with a ticket printer.

Every failure to print raises one specific exception with a message an installer or a
kiosk operator can act on. The kiosk catches :class:`PrinterError` and shows "the printer
needs attention"; the subclass says why. A job is sent once: when sending fails the error
is raised, never retried into a second ticket.

    PrinterError
    ├── PrinterNotFound          no such device, USB id, CUPS queue or ``lp`` command
    ├── PrinterAccessDenied      the device exists but this user may not open it
    ├── PrinterTimeout           the device did not accept or answer in time
    ├── PrinterOffline           the printer says (or the link shows) it cannot print
    │   ├── PaperOut             the roll is empty
    │   └── CoverOpen            the paper cover is open
    ├── PrinterFault             cutter jam or another error the printer reports
    └── PrintFailed              the job could not be sent completely

    InvalidTicket (ValueError)   the ticket itself cannot be printed (e.g. non-ASCII QR)

A bad device URL raises :class:`hardware.urls.InvalidDeviceURL` (a ``ValueError``) before
anything is opened.
"""

from __future__ import annotations

__all__ = [
    "CoverOpen",
    "InvalidTicket",
    "PaperOut",
    "PrintFailed",
    "PrinterAccessDenied",
    "PrinterError",
    "PrinterFault",
    "PrinterNotFound",
    "PrinterOffline",
    "PrinterTimeout",
]


class PrinterError(Exception):
    """Base class of every ticket printer failure."""


class PrinterNotFound(PrinterError):
    """The configured printer (device file, USB id, host, CUPS queue) does not exist."""


class PrinterAccessDenied(PrinterError):
    """The printer exists but the kiosk's user may not open it (udev rule, group)."""


class PrinterTimeout(PrinterError):
    """The printer did not accept data or answer a status query in time."""


class PrinterOffline(PrinterError):
    """The printer cannot print now."""


class PaperOut(PrinterOffline):
    """The paper roll is empty."""


class CoverOpen(PrinterOffline):
    """The paper cover is open."""


class PrinterFault(PrinterError):
    """The printer reports an error: cutter jam, head overheating, mechanical fault."""


class PrintFailed(PrinterError):
    """The job could not be sent completely; part of it may have printed."""


class InvalidTicket(ValueError):
    """The ticket's content cannot be printed as given (the reason is in the message)."""
