"""Taking a number (a tile, or an appointment's check-in), a part of the kiosk app: ask the
server, show the number as soon as it answers, print the ticket meanwhile, and put the print's
outcome on the screen when it comes.

One ticket at a time: the guard (:class:`kiosk.core.idle.OneAtATime`) holds from the touch
until the paper is out or has failed, so a second touch or scan meanwhile issues nothing and
no second job goes to the printer on top of the first. While the paper prints the ticket stays
on screen: "Xong" is kept until it is out, the idle return waits (:mod:`kiosk.core.shown_ticket`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from kivy.clock import Clock

from kiosk import nearby
from kiosk.actions import Issued
from kiosk.core import decisions
from kiosk.core.decisions import Notice
from kiosk.core.shown_ticket import ShownTicket
from kiosk.core.texts import Both
from queue_server.protocol.client import ConnectionStatus, NotConnected, RequestFailed

log = logging.getLogger(__name__)

TICKET = "ticket"


class TicketFlows:
    """Mixed into :class:`kiosk.app.KioskApp`, whose state these methods use."""

    context: Any
    actions: Any
    root: Any
    issuing: Any
    idle: Any
    shown_ticket: ShownTicket | None
    ticket_shown_at: float
    _return_home: Any

    def take_number(self, service: str, priority: str | None = None) -> None:
        """A tile was tapped: one ticket, however many taps."""
        if not self.issuing.try_start(time.monotonic()):
            log.info("tap on %s ignored: a ticket is being issued", service)
            return
        self.spawn(self._issue(lambda: self.actions.issue(service, priority), self.service_name(service)))

    def check_in(self, booking: str) -> None:
        if not self.issuing.try_start(time.monotonic()):
            log.info("check-in ignored: a ticket is being issued")
            return
        self.spawn(self._issue(lambda: self.actions.check_in(booking), None))

    def reentry(self, code: str) -> None:
        """A re-entry code scanned ("cần bổ sung" at a counter): one return-visit ticket, or
        why not, offering a plain number in its field."""
        if not self.issuing.try_start(time.monotonic()):
            log.info("re-entry scan ignored: a ticket is being issued")
            return
        tz = self.context.settings.config.site.tz

        def refuse(exc: RequestFailed) -> Notice:
            return decisions.reentry_refusal(exc.code, exc.details, self.service_name(exc.details.get("service", "")), tz)

        self.spawn(self._issue(lambda: self.actions.reentry(code), None, refuse))

    def take_pickup(self, dossier: str) -> None:
        """One tap on a ready dossier: a number in the result-collection field."""
        if not self.issuing.try_start(time.monotonic()):
            log.info("pick-up ignored: a ticket is being issued")
            return
        service = self.context.settings.config.dossiers.pickup_service or ""
        name = self.service_name(service)
        tz = self.context.settings.config.site.tz

        def refuse(exc: RequestFailed) -> Notice:
            return decisions.pickup_refusal(exc.code, exc.details, dossier, name, tz)

        self.spawn(self._issue(lambda: self.actions.pickup(dossier), name, refuse))

    async def _issue(self, ask: Any, name: Both | None, refuse: Any = None) -> None:
        """Ask for the ticket, show its number as soon as the server answers, then print it
        while it is on screen; the guard holds until the paper is out (or failed)."""
        log.info("issuing (%s)", name or "check-in")
        issued: Issued | None = None
        try:
            issued = await ask()
        except RequestFailed as exc:
            self.show_notice(refuse(exc) if refuse is not None else self._refusal(exc, name))
            return
        except NotConnected:
            self.on_connection(ConnectionStatus.DISCONNECTED)
            return
        finally:
            if issued is None:
                self.issuing.reset()  # no ticket: the next touch may ask
        self.issuing.answered()
        shown = self._show_ticket(issued)
        await self._frame_swapped()  # the number first: making the paper's image takes the CPU a while
        try:
            fault = await self.actions.print_ticket(issued.ticket)
        except Exception:  # not the printer's fault (those are reported): the screen must not wait forever
            log.exception("printing ticket %s", issued.ticket.get("label"))
            fault = "failed"
        finally:
            self.issuing.finish(time.monotonic())
        self._show_printed(shown, fault)

    def _refusal(self, exc: RequestFailed, name: Both | None) -> Notice:
        tz = self.context.settings.config.site.tz
        if name is not None:
            return decisions.issue_refusal(exc.code, exc.details, name, tz)
        notice = decisions.checkin_refusal(exc.code, exc.details, tz)
        if "name" in notice.params:
            notice = Notice(notice.key, {**notice.params, "name": self.service_name(notice.params["name"])})
        return notice

    def _show_ticket(self, issued: Issued) -> ShownTicket:
        now = time.monotonic()
        shown = ShownTicket(issued.ticket.get("code", ""), now, self.kiosk_options.result_seconds)
        self.go(TICKET)
        self.shown_ticket, self.ticket_shown_at = shown, now
        self.screen(TICKET).show(issued.ticket, issued.late)
        self.spawn(nearby.suggest(self, issued.ticket))  # a long wait: centres nearby with a shorter one
        self._refresh_trigger()
        return shown

    async def _frame_swapped(self, limit: float = 0.5) -> None:
        """Until the window has drawn and swapped its next frame (at most ``limit`` seconds)."""
        from kivy.core.window import Window

        swapped = asyncio.get_running_loop().create_future()

        def settle(_dt: float) -> None:
            if not swapped.done():
                swapped.set_result(None)

        def flipping(*_: Any) -> None:  # before the swap: the next tick comes after it
            Clock.schedule_once(settle, 0)

        Window.bind(on_flip=flipping)
        try:
            await asyncio.wait_for(swapped, limit)
        except TimeoutError:
            log.info("no frame drawn within %g s: printing anyway", limit)
        finally:
            Window.unbind(on_flip=flipping)

    def _show_printed(self, shown: ShownTicket, fault: str | None) -> None:
        """The print's outcome, on the ticket's screen if the citizen is still there (the
        fault was reported to the server either way)."""
        if self.shown_ticket is not shown or self.root.current != TICKET:
            log.info("ticket %s %s after its screen was left", shown.code, "printed" if fault is None else fault)
            return
        now = time.monotonic()
        stay = shown.printed(fault, now)
        self.screen(TICKET).printed(fault)
        self.idle.touch(now)  # something new to read: the idle return counts from here
        self._cancel_return()
        if stay <= 0:
            self.home()
        else:
            self._return_home = Clock.schedule_once(lambda _dt: self.home(), stay)

    def ticket_done(self) -> None:
        """"Xong" on the ticket screen. The second tap of a double tap on a tile may land there
        at once: it must not hide the number the citizen has not seen yet; while the paper
        prints, the kiosk goes home once it is out."""
        shown = self.shown_ticket
        if shown is None or shown.done(time.monotonic()):
            self.home()

    def _may_leave(self) -> bool:
        """Not while the ticket on screen is printing: its outcome is the citizen's to see."""
        shown = self.shown_ticket
        return self.root.current != TICKET or shown is None or shown.may_leave(time.monotonic())
