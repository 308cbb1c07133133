"""Scans at the kiosk, a part of the kiosk app: every code a scanner reads becomes what the pure
core (:func:`kiosk.core.decisions.scan_action`) says it is — a booking checked in, a re-entry
code, a dossier looked up, a chip ID card, a ticket followed — or its message; the first run
takes its enrolment QR; a serial scanner's garbled codes are said like any bad scan."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from hardware.scanner import ScanStream
from kiosk.core import decisions
from kiosk.core.decisions import Notice, ScanKind
from kiosk.first_run import FIRST_RUN, REFUSED
from queue_server.protocol.client import NotConnected, RequestFailed

log = logging.getLogger(__name__)

OFFLINE, ADMIN = "offline", "admin"  # the screens where no scan counts (kiosk/app.py shows them)


class ScanFlows:
    """Mixed into :class:`kiosk.app.KioskApp`, whose state and flows these methods use."""

    context: Any
    actions: Any
    root: Any
    idle: Any
    last_scan: str | None
    misreads: int
    show_notice: Any
    check_in: Any
    reentry: Any
    lookup_dossier: Any
    citizen_card: Any
    takes_enrolment: Any
    enrol_scan: Any
    spawn: Any

    async def _scan_loop(self) -> None:
        if not self.context.scanners:
            return
        async with ScanStream(self.context.scanners) as scans:
            async for event in scans:
                self.last_scan = dt.datetime.now().strftime("%H:%M:%S")
                self.idle.touch(time.monotonic())
                self.handle_scan(event.code)

    def _check_misreads(self, _dt: float) -> None:
        """A serial scanner drops garbled codes at its source: say so, as for any bad scan."""
        count = decisions.misreads(s.discards for s in self.context.scanners if hasattr(s, "discards"))
        if count > self.misreads:
            self.misreads = count
            if self.root.current not in (OFFLINE, ADMIN, FIRST_RUN, REFUSED):
                self.idle.touch(time.monotonic())
                self.show_notice(Notice("scan.unreadable"))

    def handle_scan(self, text: str) -> None:
        if self.root.current in (FIRST_RUN, REFUSED):
            if self.takes_enrolment():
                self.enrol_scan(text)
            return
        if self.root.current in (OFFLINE, ADMIN):
            log.info("scan ignored on the %s screen", self.root.current)
            return
        action = decisions.scan_action(self.context.classifier.classify(text))
        log.info("scan: %s", action.kind.value)
        if action.kind is ScanKind.REJECT:
            self.show_notice(action.notice)  # a REJECT action always carries its notice
        elif action.kind is ScanKind.CHECK_IN:
            self.check_in(action.value)
        elif action.kind is ScanKind.REENTRY:
            self.reentry(action.value)
        elif action.kind is ScanKind.LOOKUP_DOSSIER:
            self.lookup_dossier(action.value)
        elif action.kind is ScanKind.CITIZEN_CARD:
            self.citizen_card(action.value)
        else:
            self.spawn(self._follow(action.value))

    async def _follow(self, code: str) -> None:
        try:
            ticket = await self.actions.follow(code)
        except RequestFailed:
            self.show_notice(Notice("scan.bad_ticket"))
            return
        except NotConnected:
            return
        self.show_notice(decisions.followed_ticket(ticket))
