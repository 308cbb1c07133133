"""The whole in-memory state of one centre, and the questions asked of it."""

from __future__ import annotations

import bisect
import collections
import dataclasses
import datetime as dt
import math
from collections.abc import Iterator

from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.model import (
    Appointment,
    AppointmentState,
    Counter,
    CounterState,
    DeviceStatus,
    FollowUp,
    HelpRequest,
    Reentry,
    Ticket,
)
from queue_server.core.ordering import QUEUE_PARTS, QueueKey, can_call_at, queue_key
from queue_server.core.site import Service, Site


@dataclasses.dataclass
class LobbyState:
    site: Site
    seq: int = 0
    day: dt.date | None = None  # the last day opened
    next_ticket_id: int = 1
    next_appointment_id: int = 1  # bookings' ids run on across days, like tickets'
    tickets: dict[int, Ticket] = dataclasses.field(default_factory=dict)
    codes: dict[str, int] = dataclasses.field(default_factory=dict)  # code → newest ticket id
    last_number: dict[tuple[str, dt.date], int] = dataclasses.field(default_factory=dict)
    counters: dict[int, Counter] = dataclasses.field(default_factory=dict)
    appointments: dict[str, Appointment] = dataclasses.field(default_factory=dict)
    service_seconds: dict[str, collections.deque[float]] = dataclasses.field(default_factory=dict)
    announcement: tuple[str, str] = ("", "")  # Vietnamese, English
    devices: dict[tuple[str, str], DeviceStatus] = dataclasses.field(default_factory=dict)
    # follow-ups of "Không hài lòng" ratings, open and closed, by id (the rated ticket's id);
    # kept across days: a manager may close one days later
    follow_ups: dict[int, FollowUp] = dataclasses.field(default_factory=dict)
    # the waiting tickets of each service and day, as their queue keys in calling order:
    # "people ahead" is a binary search, not a scan of the day's tickets
    queues: dict[tuple[str, dt.date], list[QueueKey]] = dataclasses.field(default_factory=dict)
    # the waiting tickets transferred to one counter, by counter and day
    targeted: dict[tuple[int, dt.date], set[int]] = dataclasses.field(default_factory=dict)
    # the reference a counter gave for a ticket's fee (a dossier code), by ticket id: the
    # counter's receipt and the phone's code carry the same one
    fee_references: dict[int, str] = dataclasses.field(default_factory=dict)
    # citizens' requests for help (kiosks, phones) of the day, open and closed, by id
    help_requests: dict[int, HelpRequest] = dataclasses.field(default_factory=dict)
    next_help_id: int = 1  # ids run on across days, like tickets'
    # dossiers marked "cần bổ sung" and their re-entry codes, by id, and the ids by the code's
    # hash; kept across days (a code lives N working days), dropped well after their last day
    reentries: dict[int, Reentry] = dataclasses.field(default_factory=dict)
    reentry_hashes: dict[str, int] = dataclasses.field(default_factory=dict)
    next_reentry_id: int = 1

    def __post_init__(self) -> None:
        if not self.counters:
            self.counters = {spec.number: Counter(spec) for spec in self.site.counters}
        for service in self.site.services:
            self.service_seconds.setdefault(
                service.code, collections.deque(maxlen=self.site.policy.recent_services)
            )

    # lookups that refuse with a clear reason

    def service(self, code: str) -> Service:
        service = self.site.service(code)
        if service is None:
            raise DomainError(ErrorCode.SERVICE_UNKNOWN, f"There is no service {code!r}.", service=code)
        return service

    def counter(self, number: int) -> Counter:
        counter = self.counters.get(number)
        if counter is None:
            raise DomainError(ErrorCode.COUNTER_UNKNOWN, f"There is no counter {number}.", counter=number)
        return counter

    def ticket(self, ticket_id: int) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise DomainError(ErrorCode.TICKET_UNKNOWN, f"There is no ticket {ticket_id} today.", ticket=ticket_id)
        return ticket

    def ticket_by_code(self, code: str) -> Ticket:
        ticket_id = self.codes.get(code)
        if ticket_id is None:
            raise DomainError(ErrorCode.TICKET_UNKNOWN, "No ticket today has this code.")
        return self.tickets[ticket_id]

    def appointment(self, code: str) -> Appointment:
        appointment = self.appointments.get(code)
        if appointment is None:
            raise DomainError(ErrorCode.BOOKING_UNKNOWN, "No appointment has this booking code.")
        return appointment

    # questions

    def waiting(self, day: dt.date) -> Iterator[Ticket]:
        return (self.tickets[key[-1]] for (_, d), keys in self.queues.items() if d == day for key in keys)

    def waiting_for(self, service: str, day: dt.date) -> list[Ticket]:
        """The service's waiting tickets of ``day``, in calling order."""
        return [self.tickets[key[-1]] for key in self.queues.get((service, day), ())]

    def callable_at(self, counter: Counter, day: dt.date) -> Iterator[Ticket]:
        """The waiting tickets of ``day`` that can be next at ``counter``: for each service it
        serves, the first ticket it may call in each part of the queue (priority or not, with
        an appointment or not), since each part is kept in an order nobody behind can beat;
        and the tickets transferred to this counter from services it does not serve."""
        for (service, queue_day), keys in self.queues.items():
            if queue_day != day or not counter.serves(service):
                continue
            for part in QUEUE_PARTS:
                at = bisect.bisect_left(keys, part)
                while at < len(keys) and keys[at][:2] == part:
                    ticket = self.tickets[keys[at][-1]]
                    if can_call_at(ticket, counter):
                        yield ticket
                        break
                    at += 1
        for ticket_id in sorted(self.targeted.get((counter.number, day), ())):
            ticket = self.tickets[ticket_id]
            if not counter.serves(ticket.service):
                yield ticket

    def people_ahead(self, ticket: Ticket) -> int:
        """Waiting tickets of the same service that come before this one."""
        return bisect.bisect_left(self.queues.get((ticket.service, ticket.day), ()), queue_key(ticket))

    # the queues, kept by evolve as tickets start and stop waiting

    def start_waiting(self, ticket: Ticket) -> None:
        bisect.insort(self.queues.setdefault((ticket.service, ticket.day), []), queue_key(ticket))
        if ticket.target_counter is not None:
            self.targeted.setdefault((ticket.target_counter, ticket.day), set()).add(ticket.id)

    def stop_waiting(self, ticket: Ticket) -> None:
        keys = self.queues[(ticket.service, ticket.day)]
        del keys[bisect.bisect_left(keys, queue_key(ticket))]
        if ticket.target_counter is not None:
            self.targeted[(ticket.target_counter, ticket.day)].discard(ticket.id)

    def open_counters_for(self, service: str) -> int:
        return sum(1 for c in self.counters.values() if c.state is CounterState.OPEN and c.serves(service))

    def average_service_seconds(self, service: str) -> float:
        recent = self.service_seconds.get(service)
        if not recent:
            return self.site.policy.default_service_minutes * 60
        return sum(recent) / len(recent)

    def estimated_wait_minutes(self, service: str, ahead: int) -> int | None:
        """Minutes until a ticket with ``ahead`` people before it is called; None if no
        counter serving the service is open."""
        counters = self.open_counters_for(service)
        if counters == 0:
            return None
        seconds = ahead * self.average_service_seconds(service) / counters
        return math.ceil(seconds / 60)

    def issued_today(self, service: str, day: dt.date) -> int:
        last = self.last_number.get((service, day))
        if last is None:
            return 0
        return last - self.service(service).number_start + 1

    def booked_in_slot(self, service: str, slot_start: dt.datetime) -> int:
        return sum(
            1
            for a in self.appointments.values()
            if a.service == service and a.slot_start == slot_start and a.state is not AppointmentState.CANCELLED
        )

    def open_help_at(self, place: str) -> HelpRequest | None:
        return next((r for r in self.help_requests.values() if r.place == place and r.is_open), None)

    def open_help(self) -> list[HelpRequest]:
        """The open help requests, oldest first."""
        return sorted((r for r in self.help_requests.values() if r.is_open), key=lambda r: r.id)

    def help_ahead(self, request: HelpRequest) -> int:
        """Open requests nobody has taken yet that were asked before this one."""
        return sum(1 for r in self.help_requests.values() if r.is_open and r.taken_by is None and r.id < request.id)

    def counter_of_officer(self, officer: str) -> Counter | None:
        return next((c for c in self.counters.values() if c.officer == officer), None)
