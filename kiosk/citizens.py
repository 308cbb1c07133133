"""A chip ID card (CCCD) scanned at the kiosk, a part of the kiosk app: the card's QR code is
read here (:mod:`queue_server.core.citizens.card`), its number shown masked with the consent
question, and sent (``citizen.find``) only when the citizen agrees, then forgotten. The
name, address and dates on the card never leave this process; nothing of it is logged."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from kiosk.core.decisions import Notice, Tone
from queue_server.core.citizens import CardInvalid, CitizenCard, parse_card
from queue_server.protocol.client import ConnectionStatus, NotConnected, RequestFailed

log = logging.getLogger(__name__)


class CitizenFlows:
    """Mixed into :class:`kiosk.app.KioskApp`, whose state these methods use."""

    context: Any
    actions: Any
    root: Any
    card: CitizenCard | None

    def citizen_card(self, text: str) -> None:
        """A chip ID card: its number masked and the consent question; nothing is sent yet."""
        today = dt.datetime.now(self.context.settings.config.site.tz).date()
        try:
            card = parse_card(text, today)
        except CardInvalid as exc:
            log.info("ID card not read: %s", exc.field)
            self.show_notice(Notice("card.unreadable"))
            return
        self.card = card
        self.go("citizen")
        self.screen("citizen").ask(card.masked)

    def citizen_consented(self) -> None:
        card, self.card = self.card, None  # the number is sent once, then forgotten
        if card is not None:
            self.spawn(self._find_citizen(card))

    async def _find_citizen(self, card: CitizenCard) -> None:
        try:
            found = await self.actions.find_citizen(card.id_number)
        except RequestFailed as exc:
            failed = Notice("issue.failed", tone=Tone.ERROR)
            self.show_notice(Notice("card.unreadable") if exc.code == "card_invalid" else failed)
            return
        except NotConnected:
            self.on_connection(ConnectionStatus.DISCONNECTED)
            return
        if self.root.current == "citizen":
            self.screen("citizen").show(found)
