"""A ticket's fee as a VietQR code: which amount, which reference, which payload. No I/O."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Protocol

from queue_server.core.commands import ReferenceFee
from queue_server.core.events import Event, EventType
from queue_server.core.model import Ticket
from queue_server.core.payments import vietqr
from queue_server.core.state import LobbyState


class PaymentSettings(Protocol):
    """What a fee needs of the site's ``[payment]`` (``config.settings.PaymentSettings`` has it):
    the core reads it without importing the configuration, which sits above it."""

    @property
    def bank_bin(self) -> str: ...
    @property
    def account(self) -> str: ...
    @property
    def fees(self) -> Mapping[str, int]: ...


class NoFee(LookupError):
    """The ticket's field has no fee here, or the site takes no fee by VietQR."""


@dataclasses.dataclass(frozen=True)
class Fee:
    amount: int
    reference: str  # what the bank transfer carries: the dossier code, else the ticket's label and day
    payload: str  # the VietQR (EMVCo) payload

    def as_dict(self) -> dict[str, object]:
        return {"amount": self.amount, "reference": self.reference, "vietqr": self.payload}


def ticket_reference(ticket: Ticket) -> str:
    """The ticket's label and day (``A023-261123``): the secret follow code never goes to a bank."""
    return f"{ticket.label}-{ticket.day:%y%m%d}"


def reference_fee(state: LobbyState, cmd: ReferenceFee) -> list[Event]:
    """Keep the reference a counter gave for a ticket's fee (checked by :func:`fee_for` first);
    nothing new when it is the one kept already."""
    ticket = state.ticket(cmd.ticket)
    if state.fee_references.get(ticket.id) == cmd.reference:
        return []
    data = {"ticket": ticket.id, "label": ticket.label, "service": ticket.service, "reference": cmd.reference}
    return [Event(EventType.FEE_REFERENCED, cmd.now, data)]


def fee_for(payment: PaymentSettings | None, ticket: Ticket, dossier: str | None = None) -> Fee:
    """The fee of ``ticket``'s field, referenced by ``dossier`` when the counter gives one (or
    gave one: ``LobbyState.fee_references``), else by the ticket's label and day."""
    if payment is None:
        raise NoFee("This centre takes no fee by VietQR (no [payment] in its configuration).")
    amount = payment.fees.get(ticket.service)
    if amount is None:
        raise NoFee(f"The field {ticket.service} has no fee.")
    reference = ticket_reference(ticket) if dossier is None else dossier  # vietqr.build checks it
    return Fee(amount, reference, vietqr.build(payment.bank_bin, payment.account, amount, reference))
