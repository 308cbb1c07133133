"""Fees paid by VietQR: the code of a ticket's fee, and a receipt printed at the counter."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, commands
from queue_server.core.payments import vietqr
from queue_server.core.payments.fees import Fee, NoFee, fee_for
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import own_or_given
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.web.pages import CONTENT_TYPES, Page, not_found
from queue_server.web.qr import qr_svg

if TYPE_CHECKING:
    from hardware.printer.documents import FeeReceipt
    from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

VIETQR_SVG = "/vietqr.svg"

FEE_FIELDS = {"ticket": Field(int, required=False, minimum=1), "dossier": Field(str, required=False, max_length=40)}


async def ticket_fee(hub: Hub, session: Session, args: dict[str, Any]) -> tuple[Any, Fee]:
    """The ticket's fee; a ``dossier`` given by a counter, the manager or an integration becomes
    the fee's reference, kept in the log (``fee.referenced``) so that every code of that fee —
    the receipt, the phone's ``/t/CODE/vietqr.svg``, after a restart too — carries the same one."""
    ticket = hub.lobby.state.ticket(own_or_given(hub, session, args["ticket"]))
    given = args["dossier"] if session.role is not Role.PUBLIC else None
    try:
        fee = fee_for(hub.config.payment, ticket, given or kept_reference(hub, ticket.id))
    except NoFee as exc:
        raise ProtocolError(ProtocolErrorCode.NO_FEE, str(exc)) from None
    except vietqr.VietQRError as exc:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, str(exc), field="dossier") from None
    if given:
        await hub.execute(commands.ReferenceFee(now=hub.now(), ticket=ticket.id, reference=given))
    return ticket, fee


def kept_reference(hub: Hub, ticket_id: int) -> str | None:
    return hub.lobby.state.fee_references.get(ticket_id)


@operation("fee.qr", (Role.COUNTER, Role.MANAGER, Role.INTEGRATION, Role.PUBLIC), FEE_FIELDS)
async def fee_qr(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    _, fee = await ticket_fee(hub, session, args)
    return {"fee": fee.as_dict()}


@operation("fee.print", (Role.COUNTER,), FEE_FIELDS, officer=True)
async def fee_print(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """Print the fee's receipt, with its VietQR code, on the counter's own printer."""
    ticket, fee = await ticket_fee(hub, session, args)
    url = session.device.printer if session.device else None
    if url is None:
        raise ProtocolError(ProtocolErrorCode.PRINTER_FAILED, "This counter has no printer in the configuration.")
    service = hub.config.site.service(ticket.service)
    payment = hub.config.payment
    assert payment is not None  # fee_for found a fee
    # the printer's stack (Pillow's fonts, pyserial, CUPS: ~4 MB) only once a receipt is printed
    from hardware.printer.documents import FeeReceipt
    from hardware.printer.errors import PrinterError
    from hardware.urls import InvalidDeviceURL

    receipt = FeeReceipt(
        centre_name=hub.config.site.name,
        number=ticket.label,
        procedure=service.name_vi if service else ticket.service,
        reference=fee.reference,
        amount=fee.amount,
        account=" · ".join(p for p in (payment.bank_bin, payment.account, payment.account_name) if p),
        vietqr_payload=fee.payload,
        printed_at=hub.now(),
        counter=str(session.counter or ""),
    )
    try:
        await asyncio.to_thread(_print, url, receipt)
    except (PrinterError, InvalidDeviceURL, OSError) as exc:
        log.warning("fee receipt for %s not printed: %s", ticket.label, exc)
        raise ProtocolError(ProtocolErrorCode.PRINTER_FAILED, f"The receipt was not printed: {exc}") from None
    return {"fee": fee.as_dict(), "printed": True}


def fee_page(hub: Hub, path: str) -> Page | None:
    """``/t/CODE/vietqr.svg``: the VietQR code of the fee of the ticket with that code, for
    its phone page (the code is the ticket's secret: whoever holds it follows the ticket)."""
    if not path.startswith(codes.TICKET_PATH) or not path.endswith(VIETQR_SVG):
        return None
    code = path.removeprefix(codes.TICKET_PATH).removesuffix(VIETQR_SVG)
    if not codes.is_ticket_code(code) or code not in hub.lobby.state.codes:
        return not_found()
    ticket = hub.lobby.state.ticket_by_code(code)
    try:
        fee = fee_for(hub.config.payment, ticket, kept_reference(hub, ticket.id))  # the counter's, if it gave one
    except NoFee:
        return not_found()
    return Page(200, qr_svg(fee.payload), CONTENT_TYPES[".svg"], {"Cache-Control": "no-store"})


def _print(url: str, receipt: FeeReceipt) -> None:
    from hardware.printer.connect import printer_from_url

    with printer_from_url(url) as printer:
        printer.print(receipt)
