"""Time passing: a new day opens, and waits past their limit raise an alarm (once a ticket)."""

from __future__ import annotations

from queue_server.core.commands import Tick
from queue_server.core.events import Event, EventType
from queue_server.core.model import CounterState
from queue_server.core.state import LobbyState


def tick(state: LobbyState, cmd: Tick) -> list[Event]:
    site = state.site
    today = site.local(cmd.now).date()
    events: list[Event] = []
    if state.day != today:
        expired = sorted(t.id for t in state.tickets.values() if t.day < today and not t.state.is_final)
        busy = {n for n, c in state.counters.items() if c.current is not None and state.tickets[c.current].day >= today}
        closed = sorted(
            n for n, c in state.counters.items() if n not in busy and (c.state is not CounterState.CLOSED or c.officer)
        )
        events.append(
            Event(EventType.DAY_OPENED, cmd.now, {"day": today.isoformat(), "expired": expired, "closed": closed})
        )
    for ticket in state.waiting(today):
        service = state.service(ticket.service)
        waited = cmd.now - ticket.arrival_at
        if not ticket.alarmed and waited.total_seconds() > service.max_wait_minutes * 60:
            events.append(
                Event(
                    EventType.ALARM_WAIT_EXCEEDED,
                    cmd.now,
                    {
                        "ticket": ticket.id,
                        "label": ticket.label,
                        "service": ticket.service,
                        "waited_minutes": int(waited.total_seconds() // 60),
                        "limit_minutes": service.max_wait_minutes,
                    },
                )
            )
    return events
