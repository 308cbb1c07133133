"""The asyncio side of the kiosk's flows: ask the server, print, report printer faults.

Nothing here touches Kivy; the app calls these coroutines and shows what they return.
A ticket is asked for once (:meth:`KioskActions.issue`, :meth:`~KioskActions.check_in`) and
printed afterwards (:meth:`~KioskActions.print_ticket`), while its number is on screen: if
printing fails, the ticket stands (the server has it) and the fault is reported with
``device.report``; the screen says so. The printer is one device: jobs (tickets, dossier
slips, test pages) go to it one after the other, never two at once.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from typing import Any

from hardware.printer import Document, PaperState, PrinterError, QueueTicket
from kiosk.bootstrap import KioskContext
from kiosk.core import documents
from queue_server.protocol.client import NotConnected, RequestFailed

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Issued:
    ticket: dict[str, Any]
    late: bool = False


class KioskActions:
    def __init__(self, context: KioskContext) -> None:
        self.context = context
        self.printer_fault: str | None = None  # the last reported state: None = working
        self.printed = 0
        self._printer_free = asyncio.Lock()  # one job at a time on the printer

    @property
    def centre(self) -> str:
        return self.context.settings.config.site.name

    async def issue(self, service: str, priority: str | None) -> Issued:
        args: dict[str, Any] = {"service": service}
        if priority:
            args["priority"] = priority
        reply = await self.context.client.request("ticket.issue", **args)
        return Issued(reply["ticket"])

    async def check_in(self, booking: str) -> Issued:
        reply = await self.context.client.request("appointment.check_in", booking=booking)
        return Issued(reply["ticket"], late=bool(reply.get("late")))

    async def reentry(self, code: str) -> Issued:
        """A re-entry code scanned: the return-visit ticket (``reentry.use``)."""
        reply = await self.context.client.request("reentry.use", code=code)
        return Issued(reply["ticket"])

    async def lookup(self, code: str) -> dict[str, Any]:
        """The dossier, with ``pickup``: whether a pick-up ticket may be offered, and ``url``:
        its phone page with the check (the slip's QR code)."""
        reply = await self.context.client.request("dossier.get", code=code)
        return {**reply["dossier"], "pickup": bool(reply.get("pickup")), "url": reply.get("url")}

    async def find_citizen(self, id_number: str) -> dict[str, Any]:
        """Today's appointments and the dossiers of a card's ID number (sent, never kept)."""
        return (await self.context.client.request("citizen.find", id_number=id_number))["citizen"]

    async def pickup(self, code: str) -> Issued:
        reply = await self.context.client.request("dossier.pickup", code=code)
        return Issued(reply["ticket"])

    async def follow(self, code: str) -> dict[str, Any]:
        # a number taken from a phone is confirmed by this scan (docs/notifications.md)
        return (await self.context.client.request("ticket.confirm", code=code))["ticket"]

    async def print_dossier(self, dossier: dict[str, Any]) -> str | None:
        now = dt.datetime.now().astimezone(self.context.settings.config.site.tz)
        return await self.print(documents.dossier_slip(self.centre, dossier, now, self.context.texts))

    async def test_print(self) -> str | None:
        texts = self.context.texts
        now = dt.datetime.now().astimezone(self.context.settings.config.site.tz)
        public = self.context.settings.config.settings.public_url
        return await self.print(
            QueueTicket(self.centre, texts("admin.test_ticket"), texts("admin.test_ticket"), "", now, 0, None, [], public)
        )

    async def print_ticket(self, ticket: dict[str, Any]) -> str | None:
        """Print an issued ticket; None when printed, else the fault (also reported)."""
        mark = documents.ticket_mark(ticket, self.context.settings.config.site.priorities, self.context.texts)
        footer = documents.ticket_footer(ticket, self.context.texts)
        tz = self.context.settings.config.site.tz
        wait = documents.wait_line(self.context.settings.config.site, ticket.get("service"), self.context.texts)
        return await self.print(documents.issued_document(self.centre, ticket, mark, footer, tz, wait))

    async def print(self, document: Document) -> str | None:
        """Print once, after the job before it; returns None when printed, else the fault (also
        reported to the server)."""
        async with self._printer_free:
            return await self._print(document)

    async def _print(self, document: Document) -> str | None:
        printer = self.context.printer
        if printer is None:
            return "none"
        try:
            await asyncio.to_thread(_print_blocking, printer, document)
        except PrinterError as exc:
            detail = documents.fault_detail(exc)
            log.warning("printer %s: %s (%s)", printer.name, detail, exc)
            await self.report_printer(detail)
            return detail
        self.printed += 1
        await self.report_printer(None)
        return None

    async def report_printer(self, fault: str | None) -> None:
        """Tell the server when the printer fails or is mended (only changes are sent)."""
        if fault == self.printer_fault:
            return
        args: dict[str, Any] = {"component": "printer", "ok": fault is None}
        if fault is not None:
            args["detail"] = fault
        try:
            await self.context.client.request("device.report", **args)
        except (RequestFailed, NotConnected) as exc:
            log.warning("could not report the printer's state (%s): %s", fault or "ok", exc)
            return
        self.printer_fault = fault

    async def printer_status(self) -> str:
        """For the admin page: a ``printer.*`` key."""
        printer = self.context.printer
        if printer is None:
            return "none"
        try:
            async with self._printer_free:  # not in the middle of a job
                status = await asyncio.to_thread(_status_blocking, printer)
        except PrinterError as exc:
            return documents.fault_detail(exc)
        if status.paper is PaperState.OUT:
            return "paper_out"
        if status.cover_open:
            return "cover_open"
        if status.online is False:
            return "offline"
        return "ok"


def _print_blocking(printer: Any, document: Document) -> None:
    with printer:
        printer.print(document)


def _status_blocking(printer: Any) -> Any:
    with printer:
        return printer.status()
