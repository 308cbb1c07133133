"""Which deliveries an event causes, decided with the event (no I/O).

- **near**: a waiting ticket with a phone number gets "còn N người nữa đến lượt bạn" once,
  the first time ``near_people`` or fewer are ahead of it.
- **called**: "mời bạn đến quầy số …" at each call (and recall) of such a ticket, or at once
  when the number is left while the ticket is called.
- **event**: each webhook subscription gets each event it asked for, keyed ``site:seq``.
- **evaluation**: a rating whose visit the officer linked to dossiers goes to the province's
  procedures system (``[evaluation_sync]``) once per dossier, keyed ``site:evaluation:ticket:code``.

A phone number is given to at most ``per_phone_per_day`` tickets a day (``[phone_queue]``, its
default without one), by whatever path (a number from the phone, ``ticket.notify`` at the
kiosk or on the phone page): :meth:`Planner.check_phone`, before the number is kept.

The hub puts the deliveries in the same batch (one SQLite transaction) as their events: an
event is never on disk without its deliveries, nor a delivery without its event.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from queue_server.config.settings import SiteConfig
from queue_server.config.settings_outreach import Channel, PhoneQueueSettings
from queue_server.core.events import Event, EventType
from queue_server.core.model import Ticket, TicketState
from queue_server.core.state import LobbyState

CITIZEN = "citizen"  # the target of a notification (a webhook's is its name)
EVALUATION_TARGET = "procedures-system"  # the target of an evaluation ([evaluation_sync])
_CALLS = (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)


class PhoneLimit(Exception):
    """A phone number already given to ``limit`` tickets today."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"phone number given to {limit} tickets today")
        self.limit = limit


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One row of the outbox: what to send, to whom, under which idempotency key."""

    key: str
    channel: Channel
    target: str
    seq: int
    kind: str  # near, called, event
    ticket: int | None
    phone: str | None  # personal data: only notifications have one
    payload: Mapping[str, Any]

    def row(self, created_at: str) -> dict[str, Any]:
        return {
            "key": self.key,
            "channel": self.channel.value,
            "target": self.target,
            "seq": self.seq,
            "kind": self.kind,
            "ticket": self.ticket,
            "phone": self.phone,
            "payload": json.dumps(self.payload, ensure_ascii=False),
            "state": "pending",
            "attempts": 0,
            "next_at": "",  # due at once (the delivery thread's clock may not be the hub's)
            "created_at": created_at,
        }


class Planner:
    """The phones to tell and the subscriptions to feed; what each event makes them owe."""

    def __init__(self, config: SiteConfig, webhook_body: Any) -> None:
        self.site = config.site
        self.notifications = config.outreach.notifications
        self.webhooks = config.outreach.webhooks
        self.evaluation_sync = config.outreach.evaluation_sync
        self.webhook_body = webhook_body  # Event -> dict: the event as an integrator sees it
        self.phones: dict[int, str] = {}  # ticket id → its phone (84…), today's tickets only
        self.per_phone = (config.outreach.phone_queue or PhoneQueueSettings()).per_phone_per_day
        self.told_near: set[int] = set()

    def load(self, phones: Mapping[int, str], told_near: Iterable[int]) -> None:
        self.phones = dict(phones)
        self.told_near = set(told_near)

    def check_phone(self, phone: str, ticket_id: int | None = None) -> None:
        """Raise :class:`PhoneLimit` if ``phone`` is given to ``per_phone`` other tickets
        today (``ticket_id``: the ticket it is to be given to, if it has one yet)."""
        if sum(p == phone and t != ticket_id for t, p in self.phones.items()) >= self.per_phone:
            raise PhoneLimit(self.per_phone)

    def plan(self, events: Sequence[Event], state: LobbyState) -> list[Delivery]:
        out: list[Delivery] = []
        for event in events:
            if event.type is EventType.DAY_OPENED:  # yesterday's tickets are gone: so are their phones
                self.phones = {t: p for t, p in self.phones.items() if t in state.tickets}
                self.told_near &= set(self.phones)
            for hook in self.webhooks:
                if hook.wants(event.type.value):
                    body = {"site": self.site.site_id, **self.webhook_body(event)}
                    key = f"{self.site.site_id}:{event.seq}"
                    out.append(Delivery(key, Channel.WEBHOOK, hook.name, event.seq, "event", None, None, body))
            if self.evaluation_sync is not None and event.type is EventType.RATING_RECORDED:
                out += self.evaluations(event)
            if self.notifications is not None and event.type in _CALLS:
                ticket_id = event.data["ticket"]
                if ticket_id in self.phones:
                    out.append(self.called(state.tickets[ticket_id], event.data["counter"], event.seq))
        if self.notifications is not None and self.phones and events:
            if any(e.type is EventType.DAY_OPENED or "service" not in e.data for e in events):
                out += self.near(state, events[-1].seq)
            else:  # only the queues these events touched can have moved
                services = {e.data["service"] for e in events} | {e.data.get("to_service") for e in events}
                out += self.near(state, events[-1].seq, services=services)
        return out

    def near(
        self, state: LobbyState, seq: int, only: Iterable[int] | None = None, services: set[str] | None = None
    ) -> list[Delivery]:
        """The "your turn is near" deliveries now due (once a ticket), of ``only`` these tickets
        or of those waiting in ``services`` (default: every ticket with a phone)."""
        assert self.notifications is not None
        out = []
        for ticket_id in list(self.phones if only is None else only):
            if ticket_id in self.told_near:
                continue
            ticket = state.tickets.get(ticket_id)
            if ticket is None or ticket.state is not TicketState.WAITING:
                continue
            if services is not None and ticket.service not in services:
                continue
            ahead = state.people_ahead(ticket)
            if ahead <= self.notifications.near_people:
                self.told_near.add(ticket_id)
                out.append(self._near(ticket, ahead, seq))
        return out

    def evaluations(self, rating: Event) -> list[Delivery]:
        """A rating as the evaluation of each dossier its visit was linked to (none: none). The
        payload holds every field ``[evaluation_sync.fields]`` may map; the request is made of
        it at each attempt, with the configuration of that moment (``adapters.py``)."""
        data = rating.data
        levels = {level.score: level.name_vi for level in self.site.policy.rating_scale}
        common = {
            "score": data["score"],
            "level": levels.get(data["score"], str(data["score"])),
            "rated_at": rating.at.isoformat(),
            "ticket": data["label"],
            "service": data["service"],
            "counter": data["counter"],
            "officer": data["officer"],
            "site": self.site.site_id,
        }
        return [
            Delivery(
                f"{self.site.site_id}:evaluation:{data['ticket']}:{code}",
                Channel.EVALUATION,
                EVALUATION_TARGET,
                rating.seq,
                "evaluation",
                data["ticket"],
                None,
                {"dossier": code, **common},
            )
            for code in data.get("dossiers", ())
        ]

    def _service_name(self, ticket: Ticket) -> str:
        service = self.site.service(ticket.service)
        return service.name_vi if service else ticket.service

    def _near(self, ticket: Ticket, ahead: int, seq: int) -> Delivery:
        assert self.notifications is not None
        text = (
            f"Một Cửa: số {ticket.label} ({self._service_name(ticket)}) còn {ahead} người nữa đến lượt bạn. "
            "Vui lòng có mặt tại khu chờ."
        )
        params = {"ticket": ticket.label, "people_ahead": ahead, "service": self._service_name(ticket)}
        payload = {"text": text, "params": params}
        key = f"{self.site.site_id}:near:{ticket.id}"
        return Delivery(key, self.notifications.channel, CITIZEN, seq, "near", ticket.id, self.phones[ticket.id], payload)

    def called(self, ticket: Ticket, counter: int, seq: int) -> Delivery:
        """"Mời bạn đến quầy số …": once a call (its key counts the ticket's returns and
        recalls, so a number left while the ticket is called is told that call, once)."""
        assert self.notifications is not None
        text = f"Một Cửa: mời công dân có số {ticket.label} đến quầy số {counter}."
        params = {"ticket": ticket.label, "counter": str(counter), "service": self._service_name(ticket)}
        payload = {"text": text, "params": params}
        key = f"{self.site.site_id}:called:{ticket.id}:{ticket.returns}.{ticket.recalls}"
        return Delivery(key, self.notifications.channel, CITIZEN, seq, "called", ticket.id, self.phones[ticket.id], payload)
