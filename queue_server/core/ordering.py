"""Who is called next at a counter.

1. Priority tickets (elderly, disabled, …) first — but after ``max_priority_in_row`` priority
   calls in a row at one counter, an ordinary ticket goes first if one waits, so priority
   tickets cannot starve the rest.
2. Then tickets of appointments checked in on time, by slot.
3. Then the longest wait, weighted by the counter's weight for each service: a ticket's
   score is its waiting time in seconds times the weight. Ties go to the earlier arrival.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from queue_server.core.model import Counter, Ticket

QueueKey = tuple[int, int, dt.datetime, dt.datetime, int]  # ends with the ticket's id
QUEUE_PARTS = ((0, 0), (0, 1), (1, 0), (1, 1))  # (priority, appointment) in calling order: see queue_key


def queue_key(ticket: Ticket) -> QueueKey:
    """The order within one service, for "people ahead" and waiting lists."""
    booked = ticket.slot_start if ticket.appointment and ticket.slot_start else ticket.arrival_at
    return (0 if ticket.priority else 1, 0 if ticket.appointment else 1, booked, ticket.arrival_at, ticket.id)


def can_call_at(ticket: Ticket, counter: Counter) -> bool:
    if ticket.target_counter is not None:
        return ticket.target_counter == counter.number
    return counter.serves(ticket.service)


def next_ticket(
    counter: Counter, waiting: Iterable[Ticket], now: dt.datetime, max_priority_in_row: int
) -> Ticket | None:
    eligible = [t for t in waiting if can_call_at(t, counter)]
    priority = [t for t in eligible if t.priority]
    ordinary = [t for t in eligible if not t.priority]
    if priority and (counter.priority_streak < max_priority_in_row or not ordinary):
        pool = priority
    else:
        pool = ordinary
    if not pool:
        return None
    booked = [t for t in pool if t.appointment]
    if booked:
        return min(booked, key=lambda t: (t.slot_start, t.arrival_at, t.id))

    def score(t: Ticket) -> tuple[float, float, int]:
        waited = max((now - t.arrival_at).total_seconds(), 0.0)
        return (waited * counter.spec.services.get(t.service, 1.0), -t.arrival_at.timestamp(), -t.id)

    return max(pool, key=score)
