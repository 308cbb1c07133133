"""The thin I/O part of a printer: a link that carries bytes, and maybe answers.

A :class:`Transport` is made closed; :meth:`Transport.open` is an explicit call, and the
transport is a context manager that closes whatever it opened. ``write`` sends all the
bytes or raises a :class:`~hardware.printer.errors.PrinterError`; it never retries. Links
that can read (serial, TCP, the simulator) answer ``DLE EOT`` through
:func:`exchange_status`; the others report the status as unknown.
"""

from __future__ import annotations

import abc
import logging
from types import TracebackType

from hardware.printer.errors import PrinterError, PrinterTimeout
from hardware.printer.status import PrinterStatus, StatusQuery, decode_status

__all__ = ["Transport", "exchange_status"]

logger = logging.getLogger(__name__)


class Transport(abc.ABC):
    """A link to one printer. Subclasses set :attr:`can_read` when the link is two-way."""

    can_read: bool = False

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    @abc.abstractmethod
    def is_open(self) -> bool: ...

    @abc.abstractmethod
    def open(self) -> None:
        """Open the link; raises PrinterNotFound, PrinterAccessDenied, PrinterOffline…"""

    @abc.abstractmethod
    def close(self) -> None:
        """Close the link; closing a closed link does nothing."""

    @abc.abstractmethod
    def write(self, data: bytes) -> None:
        """Send all of ``data`` once, or raise."""

    def read(self, size: int, timeout: float) -> bytes:
        """Up to ``size`` bytes the printer sent, ``b""`` if none came within ``timeout``."""
        raise NotImplementedError(f"{self.name}: this link cannot read from the printer")

    def discard_input(self) -> None:  # noqa: B027 - a no-op by default: a link with nothing to forget keeps it
        """Forget bytes the printer sent earlier (stale answers)."""

    def _require_open(self) -> None:
        if not self.is_open:
            raise PrinterError(f"{self.name}: the printer is not open (call open() first)")

    def __enter__(self) -> Transport:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "open" if self.is_open else "closed"
        return f"<{type(self).__name__} {self.name} {state}>"


def exchange_status(transport: Transport, timeout: float, required: bool = False) -> PrinterStatus:
    """Ask the printer ``DLE EOT 1..4`` and decode the answers.

    A printer that does not answer the first question is not asked the others: its status
    is unknown, or :class:`PrinterTimeout` when ``required``.
    """
    if not transport.can_read:
        return PrinterStatus.unknown()
    transport.discard_input()
    replies: dict[StatusQuery, bytes] = {}
    for query in StatusQuery:
        transport.write(query.request)
        replies[query] = transport.read(1, timeout)
        if query is StatusQuery.PRINTER and not replies[query]:
            if required:
                raise PrinterTimeout(f"{transport.name}: no answer to a status query within {timeout:g} s")
            logger.warning("%s: no answer to DLE EOT; status unknown", transport.name)
            return PrinterStatus.unknown()
    return decode_status(replies)
