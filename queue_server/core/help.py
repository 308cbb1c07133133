"""Deciding on help requests: a citizen presses "Cần hỗ trợ" at a kiosk or on a phone; a
volunteer (floor staff) takes the request, goes there, and closes it when done.

One open request per place (a kiosk, a phone): asking again while one is open makes no new
request (the edge answers with the open one). Each step is an event carrying who did it, so
the reports can count the requests and the time until a volunteer took each. A request
still open when the next day opens is dropped with that day's tickets.
"""

from __future__ import annotations

from queue_server.core.commands import AskHelp, CloseHelp, LookUpForCitizen, TakeHelp
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import HelpRequest
from queue_server.core.state import LobbyState

MAX_NOTE = 120


def ask(state: LobbyState, cmd: AskHelp) -> list[Event]:
    note = cmd.note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, f"A note for the volunteers is at most {MAX_NOTE} characters.")
    if state.open_help_at(cmd.place) is not None:
        return []  # one open request per place: the one there stands
    return [
        Event(
            EventType.HELP_REQUESTED,
            cmd.now,
            {
                "request": state.next_help_id,
                "place": cmd.place,
                "place_name": cmd.place_name,
                "kind": cmd.kind,
                "note": note,
                "day": state.site.local(cmd.now).date().isoformat(),
            },
        )
    ]


def take(state: LobbyState, cmd: TakeHelp) -> list[Event]:
    request = _open_request(state, cmd.request)
    if request.taken_by == cmd.volunteer:
        return []
    if request.taken_by is not None:
        raise DomainError(
            ErrorCode.HELP_TAKEN, f"Help request {request.id} is taken by {request.taken_by}.", taken_by=request.taken_by
        )
    return [
        Event(
            EventType.HELP_TAKEN,
            cmd.now,
            {
                "request": request.id,
                "volunteer": cmd.volunteer,
                "place_name": request.place_name,
                "waited_seconds": round((cmd.now - request.asked_at).total_seconds(), 3),
            },
        )
    ]


def close(state: LobbyState, cmd: CloseHelp) -> list[Event]:
    """Close a request: the volunteer's own, or one nobody took (helped on the spot: it
    counts as taken at the close)."""
    request = _open_request(state, cmd.request)
    if request.taken_by not in (None, cmd.volunteer):
        raise DomainError(
            ErrorCode.HELP_TAKEN,
            f"Help request {request.id} is {request.taken_by}'s to close.",
            taken_by=request.taken_by,
        )
    taken_at = request.taken_at or cmd.now
    return [
        Event(
            EventType.HELP_CLOSED,
            cmd.now,
            {
                "request": request.id,
                "volunteer": cmd.volunteer,
                "place_name": request.place_name,
                "waited_seconds": round((taken_at - request.asked_at).total_seconds(), 3),
                "open_seconds": round((cmd.now - request.asked_at).total_seconds(), 3),
            },
        )
    ]


def look_up(state: LobbyState, cmd: LookUpForCitizen) -> list[Event]:
    return [Event(EventType.VOLUNTEER_LOOKED_UP, cmd.now, {"volunteer": cmd.volunteer, "found": cmd.found})]


def _open_request(state: LobbyState, request_id: int) -> HelpRequest:
    request = state.help_requests.get(request_id)
    if request is None:
        raise DomainError(ErrorCode.HELP_UNKNOWN, f"There is no help request {request_id} today.", request=request_id)
    if not request.is_open:
        assert request.closed_at is not None
        raise DomainError(
            ErrorCode.HELP_CLOSED,
            f"Help request {request.id} was closed by {request.closed_by} at {request.closed_at:%H:%M}.",
            request=request.id,
        )
    return request
