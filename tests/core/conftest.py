"""Builders for the queue core's tests: a small centre in Hồ Chí Minh City's time zone, a
clock, valid unique codes, and a driver that speaks in the lobby's words.

The centre (a Monday, 3 March 2025, unless a test moves the clock):

    service  prefix  hours (Mon–Fri)              cap  numbers      bookings
    HT       A       07:30–11:30, 13:30–17:00     –    A001…        2 per 30-min slot
    DD       B       07:30–11:30 (Mon–Sat)        3    B0100…       none
    KD       C       07:30–11:30, 13:30–17:00     –    C001…        none

    counter  serves (weight)
    1        HT 1
    2        HT 1, DD 2
    3        DD 1, KD 1
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterator
from typing import Any

import pytest

from queue_server.core import codes as codeforms
from queue_server.core import commands as c
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event
from queue_server.core.lobby import Lobby
from queue_server.core.model import Ticket
from queue_server.core.site import CounterSpec, OpeningHours, Policy, Service, Site, TimeRange

TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = dt.date(2025, 3, 3)
WEEKDAYS = frozenset(range(5))
MORNING = TimeRange(dt.time(7, 30), dt.time(11, 30))
AFTERNOON = TimeRange(dt.time(13, 30), dt.time(17, 0))


def at(hour: int, minute: int = 0, second: int = 0, *, day: int = 0) -> dt.datetime:
    """A moment in the centre's time zone, ``day`` days after Monday 3 March 2025."""
    return dt.datetime.combine(MONDAY + dt.timedelta(days=day), dt.time(hour, minute, second), TZ)


def make_services() -> tuple[Service, ...]:
    return (
        Service(
            code="HT",
            prefix="A",
            name_vi="Hộ tịch",
            name_en="Civil status",
            hours=OpeningHours(WEEKDAYS, (MORNING, AFTERNOON)),
            max_wait_minutes=30,
            slot_minutes=30,
            slot_capacity=2,
        ),
        Service(
            code="DD",
            prefix="B",
            name_vi="Đất đai",
            name_en="Land",
            hours=OpeningHours(frozenset(range(6)), (MORNING,)),
            daily_cap=3,
            number_start=100,
            number_width=4,
        ),
        Service(
            code="KD",
            prefix="C",
            name_vi="Đăng ký kinh doanh",
            name_en="Business registration",
            hours=OpeningHours(WEEKDAYS, (MORNING, AFTERNOON)),
            max_wait_minutes=20,
        ),
    )


COUNTERS = (
    CounterSpec(1, "Quầy 1", {"HT": 1.0}),
    CounterSpec(2, "Quầy 2", {"HT": 1.0, "DD": 2.0}),
    CounterSpec(3, "Quầy 3", {"DD": 1.0, "KD": 1.0}),
)


def make_site(*, services: tuple[Service, ...] | None = None, **policy: Any) -> Site:
    return Site(
        site_id="hcm-q1",
        name="Trung tâm phục vụ hành chính công Quận 1",
        tz=TZ,
        services=services if services is not None else make_services(),
        counters=COUNTERS,
        policy=Policy(**policy),
    )


class Codes:
    """Valid, unique ticket and booking codes, in a fixed order (tests must be repeatable)."""

    def __init__(self) -> None:
        self._ticket = self._stream(codeforms.TICKET_CODE_LENGTH)
        self._booking = self._stream(codeforms.BOOKING_CODE_LENGTH)

    @staticmethod
    def _stream(length: int) -> Iterator[str]:
        base = len(codeforms.ALPHABET)
        for n in itertools.count(1):
            n = n * 7919 % base**length  # 7919 is prime to 31: every n gives another code
            digits = []
            for _ in range(length):
                n, d = divmod(n, base)
                digits.append(codeforms.ALPHABET[d])
            yield "".join(digits)

    def ticket(self) -> str:
        return next(self._ticket)

    def booking(self) -> str:
        return next(self._booking)


def snapshot(lobby: Lobby) -> Any:
    return copy.deepcopy(lobby.state)


class Centre:
    """A lobby driven in its own words; every helper executes one command and returns what
    the lobby made of it (the ticket, or the events)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.lobby = Lobby(site)
        self.codes = Codes()
        self.now = at(8, 0)
        self.log: list[Event] = []

    # time

    def at(self, hour: int, minute: int = 0, second: int = 0, *, day: int = 0) -> dt.datetime:
        self.now = at(hour, minute, second, day=day)
        return self.now

    def later(self, minutes: float = 0, seconds: float = 0) -> dt.datetime:
        self.now += dt.timedelta(minutes=minutes, seconds=seconds)
        return self.now

    # commands

    def run(self, command: c.Command) -> list[Event]:
        events = self.lobby.execute(command)
        self.log.extend(events)
        return events

    def refuse(self, command: c.Command, code: ErrorCode) -> DomainError:
        """Assert the lobby refuses ``command`` with ``code`` and changes nothing."""
        before = snapshot(self.lobby)
        with pytest.raises(DomainError) as caught:
            self.lobby.execute(command)
        assert caught.value.code is code, caught.value.message
        assert self.lobby.state.seq == before.seq
        assert self.lobby.state == before
        return caught.value

    def issue(self, service: str = "HT", priority: str | None = None, **kw: Any) -> Ticket:
        (event,) = self.run(c.IssueTicket(self.now, service, self.codes.ticket(), priority=priority, **kw))
        return self.ticket(event.data["ticket"])

    def ticket(self, ticket_id: int) -> Ticket:
        return self.lobby.state.tickets[ticket_id]

    def open(self, counter: int, officer: str | None = None) -> None:
        self.run(c.SignIn(self.now, counter, officer or f"officer{counter}"))
        self.run(c.OpenCounter(self.now, counter))

    def call_next(self, counter: int) -> Ticket:
        (event,) = self.run(c.CallNext(self.now, counter))
        return self.ticket(event.data["ticket"])

    def call(self, counter: int, ticket: Ticket) -> Ticket:
        self.run(c.CallTicket(self.now, counter, ticket.id))
        return ticket

    def serve(self, counter: int) -> None:
        self.run(c.StartServing(self.now, counter))

    def complete(self, counter: int) -> Event:
        (event,) = self.run(c.Complete(self.now, counter))
        return event

    def no_show(self, counter: int) -> Event:
        (event,) = self.run(c.MarkNoShow(self.now, counter))
        return event

    def transfer(self, counter: int, **kw: Any) -> Ticket:
        (event,) = self.run(c.Transfer(self.now, counter, **kw))
        return self.ticket(event.data["new_ticket"])

    def book(self, slot_start: dt.datetime, service: str = "HT") -> str:
        code = self.codes.booking()
        self.run(c.BookAppointment(self.now, service, slot_start, code))
        return code

    def check_in(self, booking: str) -> Ticket:
        events = self.run(c.CheckIn(self.now, booking, self.codes.ticket()))
        return self.ticket(events[-1].data["ticket"])

    def tick(self) -> list[Event]:
        return self.run(c.Tick(self.now))

    def served_order(self, counter: int, count: int) -> list[str]:
        """Call and complete ``count`` tickets at ``counter``: their labels, in order."""
        labels = []
        for _ in range(count):
            labels.append(self.call_next(counter).label)
            self.complete(counter)
        return labels


@pytest.fixture
def site() -> Site:
    return make_site()


@pytest.fixture
def unopened(site: Site) -> Centre:
    """The centre on Monday 3 March 2025 at 08:00, before any tick: its day not yet opened."""
    return Centre(site)


@pytest.fixture
def centre(site: Site) -> Centre:
    """The centre on Monday 3 March 2025 at 08:00, its day opened, every counter closed."""
    centre = Centre(site)
    centre.tick()
    return centre


@pytest.fixture
def make_centre():
    """A centre with some policy changed: ``make_centre(max_priority_in_row=1)``."""

    def make(*, services: tuple[Service, ...] | None = None, **policy: Any) -> Centre:
        centre = Centre(make_site(services=services, **policy))
        centre.tick()
        return centre

    return make


def replace_service(code: str, **changes: Any) -> tuple[Service, ...]:
    return tuple(dataclasses.replace(s, **changes) if s.code == code else s for s in make_services())
