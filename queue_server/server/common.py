"""Helpers the operation handlers share."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.core import codes, phones
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.model import Ticket
from queue_server.outreach.plan import PhoneLimit
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.server.session import Session
from queue_server.server.views import ticket_seen_by

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

CODE_ATTEMPTS = 5


def new_code(length: int) -> str:
    """A secret code of ``length`` characters, each uniform over the alphabet: one draw from
    the system's random source, written in base ``len(ALPHABET)`` (a draw per character
    cost a system call each)."""
    base = len(codes.ALPHABET)
    draw = secrets.randbelow(base**length)
    characters = []
    for _ in range(length):
        draw, digit = divmod(draw, base)
        characters.append(codes.ALPHABET[digit])
    return "".join(characters)


async def with_new_code(run: Any, length: int) -> Any:
    """Run ``run(code)`` with a fresh secret code, again with another if it is taken."""
    for attempt in range(CODE_ATTEMPTS):
        try:
            return await run(new_code(length))
        except DomainError as exc:
            if exc.code is not ErrorCode.CODE_TAKEN or attempt == CODE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def counter_of(session: Session) -> int:
    if session.counter is None:
        raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "This device is not bound to a counter.")
    return session.counter


def ticket_for_issuer(hub: Hub, ticket: Ticket) -> dict[str, Any]:
    """The ticket as its issuer sees it: with its secret code and the phone page's URL."""
    view = hub.lobby.ticket_view(ticket)
    view["url"] = follow_url(hub, ticket.code)
    return view


def ticket_for_helper(hub: Hub, session: Session, ticket: Ticket) -> dict[str, Any]:
    """A ticket issued or checked in through ``session``: a kiosk's reply has it all
    (:func:`ticket_for_issuer`); a volunteer's, what the citizen in front of them needs (its
    role's view) and the code and URL the citizen's phone follows it by."""
    if session.role is not Role.VOLUNTEER:
        return ticket_for_issuer(hub, ticket)
    view = ticket_seen_by(hub.lobby, ticket, Role.VOLUNTEER)
    view["code"] = ticket.code
    view["url"] = follow_url(hub, ticket.code)
    return view


def follow_url(hub: Hub, code: str) -> str:
    return hub.config.settings.public_url.rstrip("/") + codes.TICKET_PATH + code


def booking_url(hub: Hub, code: str) -> str:
    return hub.config.settings.public_url.rstrip("/") + codes.BOOKING_PATH + code


def ticket_for(hub: Hub, session: Session, ticket: Ticket) -> dict[str, Any]:
    """The ticket as the session's role may read it in a reply (views.py decides)."""
    return ticket_seen_by(hub.lobby, ticket, session.role)  # type: ignore[arg-type]  # operations run after hello (role set)


def checked_phone(hub: Hub, phone: str, consent: bool) -> str:
    """A phone number left for notifications, normalised, once the citizen consented."""
    if hub.config.outreach.notifications is None:
        raise ProtocolError(ProtocolErrorCode.NOTIFICATIONS_OFF, "This centre sends no notifications.")
    if consent is not True:
        raise ProtocolError(
            ProtocolErrorCode.CONSENT_REQUIRED,
            "Cần đồng ý nhận tin nhắn và cho lưu số điện thoại (xóa sau thời hạn lưu trữ).",
            field="consent",
        )
    try:
        return phones.normalize(phone)
    except phones.BadPhone as exc:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, str(exc), field="phone") from None


def check_phone(hub: Hub, phone: str, ticket_id: int | None = None) -> None:
    """Refuse ``phone`` if it is given to ``per_phone_per_day`` tickets today, by any path."""
    try:
        hub.planner.check_phone(phone, ticket_id)
    except PhoneLimit as exc:
        raise ProtocolError(
            ProtocolErrorCode.REMOTE_LIMIT,
            f"Số điện thoại này đã nhận tin nhắn cho {exc.limit} số hôm nay. "
            f"This phone number is given to {exc.limit} tickets today already.",
            field="phone",
        ) from None


def own_or_given(hub: Hub, session: Session, given: int | None) -> int:
    """The ticket a request acts on: a phone's own ticket (``given`` must be it or none),
    for a device the ``ticket`` field it must give."""
    if session.role is Role.PUBLIC:
        if session.ticket_code is None:
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "This connection follows no ticket.")
        own = hub.lobby.state.ticket_by_code(session.ticket_code).id
        if given is not None and given != own:
            raise ProtocolError(ProtocolErrorCode.FORBIDDEN, "A public connection may act only on its own ticket.")
        return own
    if given is None:
        raise ProtocolError(ProtocolErrorCode.MISSING_FIELD, 'The field "ticket" is required.', field="ticket")
    return given
