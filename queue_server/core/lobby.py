"""The queue core's one entry point: commands in, events out; and what the lobby looks like.

    lobby = Lobby(site)
    events = lobby.execute(IssueTicket(now=now, service="HT", code=code))

``execute`` either refuses with a :class:`~queue_server.core.errors.DomainError` and changes
nothing, or applies the new events (numbered from the last ``seq``) and returns them, for the
store to make durable and the server to push. ``replay`` rebuilds the state from the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

# each module by its own name, not through the package (queue_server.core re-exports Lobby)
import queue_server.core.appointments as appointments
import queue_server.core.calls as calls
import queue_server.core.clock as clock
import queue_server.core.commands as commands
import queue_server.core.counters as counters
import queue_server.core.enrolment as enrolment
import queue_server.core.followups as followups
import queue_server.core.help as help_requests
import queue_server.core.notices as notices
import queue_server.core.payments.fees as fees
import queue_server.core.ratings as ratings
import queue_server.core.reentries as reentries
import queue_server.core.tickets as tickets
import queue_server.core.visit_dossiers as visit_dossiers
from queue_server.core.events import Event
from queue_server.core.evolve import apply
from queue_server.core.model import Counter, Ticket, TicketState
from queue_server.core.site import Site
from queue_server.core.state import LobbyState

_DECIDE: dict[type[commands.Command], Callable[[LobbyState, Any], list[Event]]] = {
    commands.IssueTicket: tickets.issue,
    commands.ReturnNoShow: tickets.return_no_show,
    commands.CancelTicket: tickets.cancel,
    commands.SignIn: counters.sign_in,
    commands.SignOut: counters.sign_out,
    commands.OpenCounter: counters.open_counter,
    commands.PauseCounter: counters.pause_counter,
    commands.CloseCounter: counters.close_counter,
    commands.CallNext: calls.call_next,
    commands.CallTicket: calls.call_ticket,
    commands.Recall: calls.recall,
    commands.StartServing: calls.start_serving,
    commands.MarkNoShow: calls.no_show,
    commands.Complete: calls.complete,
    commands.Transfer: calls.transfer,
    commands.BookAppointment: appointments.book,
    commands.CancelAppointment: appointments.cancel,
    commands.CheckIn: appointments.check_in,
    commands.SubmitRating: ratings.submit,
    commands.CloseFollowUp: followups.close,
    commands.Tick: clock.tick,
    commands.SetAnnouncement: notices.set_announcement,
    commands.ReportDevice: notices.report_device,
    commands.ReferenceFee: fees.reference_fee,
    commands.EnrolDevice: enrolment.enrol,
    commands.RevokeDevice: enrolment.revoke,
    commands.RotateDevice: enrolment.rotate,
    commands.AskHelp: help_requests.ask,
    commands.TakeHelp: help_requests.take,
    commands.CloseHelp: help_requests.close,
    commands.LookUpForCitizen: help_requests.look_up,
    commands.MarkSupplement: reentries.mark_supplement,
    commands.UseReentry: reentries.use_reentry,
    commands.LinkDossier: visit_dossiers.link,
    commands.UnlinkDossier: visit_dossiers.unlink,
}


class Lobby:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.state = LobbyState(site)

    @property
    def seq(self) -> int:
        return self.state.seq

    def execute(self, command: commands.Command) -> list[Event]:
        decide = _DECIDE[type(command)]
        new = decide(self.state, command)  # raises DomainError, having changed nothing
        numbered = []
        for event in new:
            event = event.numbered(self.state.seq + 1)
            apply(self.state, event)
            numbered.append(event)
        return numbered

    def replay(self, events: Iterable[Event]) -> None:
        for event in events:
            apply(self.state, event)

    # views: plain values for the edges

    def ticket_view(self, ticket: Ticket) -> dict[str, Any]:
        view = ticket.as_dict()
        view.pop("alarmed")
        service = self.site.service(ticket.service)
        view["service_name_vi"] = service.name_vi if service else ticket.service
        view["service_name_en"] = service.name_en if service else ticket.service
        if ticket.state is TicketState.WAITING:
            ahead = self.state.people_ahead(ticket)
            view["people_ahead"] = ahead
            view["estimated_wait_minutes"] = self.state.estimated_wait_minutes(ticket.service, ahead)
            view["counters"] = [c.number for c in self.state.counters.values() if _can_serve(c, ticket)]
        return view

    def services_view(self, now: dt.datetime) -> list[dict[str, Any]]:
        local = self.site.local(now)
        day = local.date()
        views = []
        for service in self.site.services:
            waiting = len(self.state.waiting_for(service.code, day))
            issued = self.state.issued_today(service.code, day)
            views.append(
                {
                    "code": service.code,
                    "prefix": service.prefix,
                    "name_vi": service.name_vi,
                    "name_en": service.name_en,
                    "open": service.hours.is_open(local),
                    "full": service.daily_cap is not None and issued >= service.daily_cap,
                    "daily_cap": service.daily_cap,
                    "issued": issued,
                    "waiting": waiting,
                    "estimated_wait_minutes": self.state.estimated_wait_minutes(service.code, waiting),
                    "counters_open": self.state.open_counters_for(service.code),
                    "max_wait_minutes": service.max_wait_minutes,
                    "takes_bookings": service.slot_capacity > 0,
                }
            )
        return views

    def counters_view(self) -> list[dict[str, Any]]:
        views = []
        for counter in self.state.counters.values():
            view = counter.as_dict()
            current = self.state.tickets.get(counter.current) if counter.current is not None else None
            view["current_label"] = current.label if current else None
            views.append(view)
        return views

    def announcement_view(self) -> dict[str, str]:
        text_vi, text_en = self.state.announcement
        return {"text_vi": text_vi, "text_en": text_en}

    def follow_ups_view(self) -> list[dict[str, Any]]:
        """The open follow-ups, oldest first."""
        items = sorted((f for f in self.state.follow_ups.values() if f.is_open), key=lambda f: f.id)
        return [item.as_dict() for item in items]

    def service_levels_view(self, now: dt.datetime) -> list[dict[str, Any]]:
        """Each field's target wait and today's service level so far: the share of the
        citizens called today (but the closed half of a transfer) whose wait from arrival
        to the call was within the field's target. A return visit (a re-entry code's ticket)
        is not a new citizen waiting against the target: it is left out."""
        day = self.site.local(now).date()
        called: dict[str, list[float]] = {s.code: [] for s in self.site.services}
        for ticket in self.state.tickets.values():
            if ticket.priority == reentries.RETURN_VISIT.code:
                continue
            if ticket.day == day and ticket.called_at is not None and ticket.state is not TicketState.TRANSFERRED:
                called.setdefault(ticket.service, []).append((ticket.called_at - ticket.arrival_at).total_seconds())
        views = []
        for service in self.site.services:
            waits = called[service.code]
            within = sum(1 for seconds in waits if seconds <= service.target_wait_minutes * 60)
            views.append(
                {
                    "service": service.code,
                    "target_wait_minutes": service.target_wait_minutes,
                    "aim_percent": self.site.policy.service_level_percent,
                    "called": len(waits),
                    "within_target": within,
                    "service_level_percent": round(within / len(waits) * 100, 1) if waits else None,
                }
            )
        return views

    def help_view(self, now: dt.datetime) -> list[dict[str, Any]]:
        """The open help requests, oldest first, each with how long ago it was asked and how
        many untaken requests are before it."""
        views = []
        for request in self.state.open_help():
            view = request.as_dict()
            view["waited_seconds"] = max(0, int((now - request.asked_at).total_seconds()))
            view["ahead"] = self.state.help_ahead(request)
            views.append(view)
        return views

    def devices_view(self) -> list[dict[str, Any]]:
        return [status.as_dict() for _, status in sorted(self.state.devices.items())]

    def tickets_today(self, now: dt.datetime) -> list[Ticket]:
        day = self.site.local(now).date()
        return sorted((t for t in self.state.tickets.values() if t.day == day), key=lambda t: t.id)

    def slots_view(self, service_code: str, day: dt.date, now: dt.datetime) -> list[dict[str, Any]]:
        service = self.state.service(service_code)
        views = []
        for start in appointments.slots(service, day, self.site.tz):
            booked = self.state.booked_in_slot(service.code, start)
            views.append(
                {
                    "start": start.isoformat(),
                    "capacity": service.slot_capacity,
                    "free": max(service.slot_capacity - booked, 0) if start > now else 0,
                }
            )
        return views


def _can_serve(counter: Counter, ticket: Ticket) -> bool:
    if ticket.target_counter is not None:
        return counter.number == ticket.target_counter
    return counter.serves(ticket.service)
