"""Numbers taken from a phone (``/q``): the limits a centre sets, the confirmation at the
centre, the expiry and the one rejoin (no I/O).

- A browser (its random id) and a phone number each take at most ``per_device_per_day`` /
  ``per_phone_per_day`` numbers a day; phones take at most ``share_percent`` of a field's
  ``daily_cap``; only fields offered and open (the core refuses a closed or full field).
- Such a number is confirmed at the centre: its QR code scanned at a kiosk, or a tap on the
  phone page within ``confirm_minutes`` of being called. Called and not confirmed by then, it
  is a no-show (as if the officer had pressed it).
- A no-show may put itself back in the queue ("Tôi cần thêm thời gian") once, within
  ``rejoin_minutes`` of being marked.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from queue_server.config.settings_outreach import PhoneQueueSettings
from queue_server.core.model import Ticket, TicketState
from queue_server.core.site import Service


class RemoteRefused(Exception):
    """A number the phone may not take, or an action it may not do now; ``code`` for the reply."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclasses.dataclass
class RemoteTicket:
    ticket: int
    day: str
    service: str
    device: str
    phone_hash: str | None
    created_at: str
    confirmed_at: str | None = None

    def row(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def phone_hash(site_id: str, phone: str) -> str:
    """What the limits count a phone number by: its hash with the site (the number itself is
    kept only where a message needs it, ``ticket_phones``)."""
    return hashlib.sha256(f"{site_id}:{phone}".encode()).hexdigest()


def share_of(service: Service, percent: int) -> int | None:
    """How many of the field's numbers a day phones may take (None: no cap)."""
    if service.daily_cap is None:
        return None
    return max(1, service.daily_cap * percent // 100)


class RemoteDesk:
    def __init__(self, settings: PhoneQueueSettings | None) -> None:
        self.settings = settings
        self.tickets: dict[int, RemoteTicket] = {}

    def load(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self.tickets = {row["ticket"]: RemoteTicket(**row) for row in rows}

    def _today(self, day: str) -> list[RemoteTicket]:
        return [r for r in self.tickets.values() if r.day == day]

    def check_take(self, service: Service, device: str, phone: str | None, day: str) -> None:
        settings = self.settings
        if settings is None:
            raise RemoteRefused("remote_off", "Trung tâm này không nhận lấy số từ điện thoại. This centre gives no numbers to phones.")
        if not settings.offers(service.code):
            raise RemoteRefused("remote_off", f"Lĩnh vực {service.name_vi} không nhận lấy số từ điện thoại.")
        today = self._today(day)
        if sum(r.device == device for r in today) >= settings.per_device_per_day:
            raise RemoteRefused(
                "remote_limit",
                f"Mỗi điện thoại chỉ lấy được {settings.per_device_per_day} số một ngày. "
                "Vui lòng lấy số tại ki-ốt của trung tâm.",
            )
        if phone is not None and sum(r.phone_hash == phone for r in today) >= settings.per_phone_per_day:
            raise RemoteRefused(
                "remote_limit", f"Số điện thoại này đã lấy {settings.per_phone_per_day} số hôm nay."
            )
        share = share_of(service, settings.share_percent)
        if share is not None and sum(r.service == service.code for r in today) >= share:
            raise RemoteRefused(
                "remote_limit",
                f"Đã hết số dành cho điện thoại của lĩnh vực {service.name_vi} hôm nay. "
                "Vui lòng lấy số tại ki-ốt của trung tâm.",
            )

    def to_expire(self, tickets: Mapping[int, Ticket], now: dt.datetime) -> list[Ticket]:
        """Called and not confirmed within ``confirm_minutes``: to be marked no-show."""
        if self.settings is None:
            return []
        limit = dt.timedelta(minutes=self.settings.confirm_minutes)
        out = []
        for remote in self.tickets.values():
            ticket = tickets.get(remote.ticket)
            if (
                ticket is not None
                and remote.confirmed_at is None
                and ticket.state is TicketState.CALLED
                and ticket.called_at is not None
                and now - ticket.called_at > limit
            ):
                out.append(ticket)
        return out

    def check_rejoin(self, ticket: Ticket, now: dt.datetime) -> None:
        if self.settings is None or ticket.id not in self.tickets:
            raise RemoteRefused("remote_off", "Chỉ số lấy từ điện thoại mới tự xếp lại được; vui lòng hỏi cán bộ hướng dẫn.")
        if ticket.state is not TicketState.NO_SHOW or ticket.done_at is None:
            raise RemoteRefused("rejoin_closed", f"Số {ticket.label} không ở trạng thái lỡ lượt.")
        if ticket.returns >= 1:
            raise RemoteRefused("rejoin_closed", f"Số {ticket.label} đã được xếp lại một lần.")
        if now - ticket.done_at > dt.timedelta(minutes=self.settings.rejoin_minutes):
            raise RemoteRefused(
                "rejoin_closed",
                f"Đã quá {self.settings.rejoin_minutes} phút kể từ khi lỡ lượt; vui lòng lấy số mới.",
            )

    def status(self, ticket: Ticket, now: dt.datetime) -> dict[str, Any]:
        """What the phone page shows of a number taken from a phone."""
        remote = self.tickets.get(ticket.id)
        if remote is None or self.settings is None:
            return {"remote": False}
        confirm_by = rejoin_until = None
        if ticket.state is TicketState.CALLED and ticket.called_at is not None and remote.confirmed_at is None:
            confirm_by = (ticket.called_at + dt.timedelta(minutes=self.settings.confirm_minutes)).isoformat()
        if ticket.state is TicketState.NO_SHOW and ticket.done_at is not None and ticket.returns < 1:
            until = ticket.done_at + dt.timedelta(minutes=self.settings.rejoin_minutes)
            rejoin_until = until.isoformat() if now <= until else None
        return {
            "remote": True,
            "confirmed": remote.confirmed_at is not None,
            "confirm_minutes": self.settings.confirm_minutes,
            "confirm_by": confirm_by,
            "rejoin_until": rejoin_until,
        }
