"""Coming back with the missing papers: a dossier marked "cần bổ sung" and its re-entry code.

At the counter the officer marks the current citizen's dossier "cần bổ sung" with a note of
what is missing (:class:`~queue_server.core.commands.MarkSupplement`): ``reentry.issued``.
The citizen gets a re-entry code (on the counter's paper, by SMS/Zalo); the log keeps only its
hash. Scanned at the kiosk up to its last day (:class:`~queue_server.core.commands.UseReentry`),
it gives one ticket — ``ticket.issued`` then ``reentry.used`` — in the priority category
:data:`RETURN_VISIT`, so that it is called ahead of the plain queue by the calling order's own
priority rule (fairness included), and sent:

1. to the officer who marked it, at whatever counter they are signed in now (open or paused);
2. else to the counter where it was marked, if it is open;
3. else to its field, like any ticket of the field.

The code is used once. The field's opening hours hold; its daily cap does not (the citizen was
given a number of the field already). A code past its last day, used, replaced by a later mark
of the same ticket, or unknown is refused with its own error.

A return visit is a visit, counted as such (its priority says it), and is left out of the
service level: its citizen did not wait as a new citizen (docs/web.md "The reports' counts").
"""

from __future__ import annotations

import datetime as dt

from queue_server.core.calls import current_at
from queue_server.core.codes import is_reentry_hash
from queue_server.core.commands import MarkSupplement, UseReentry
from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.model import CounterState, Reentry, ReentryState, TicketState
from queue_server.core.site import PriorityCategory
from queue_server.core.state import LobbyState
from queue_server.core.tickets import check_open, issued_event

MAX_NOTE = 300
MAX_DOSSIER = 40
# A re-entry stays known 60 days after its last day (evolve.REENTRY_KEPT_AFTER), so that a late
# scan is told "expired" rather than "unknown"; then it is dropped with the day that opens.

# The priority category of a return visit. Its code has a hyphen, which configured categories
# cannot have (``[[priority]]`` codes are lower-case letters, digits and "_"): no site can
# define it, and ``ticket.issue`` refuses it, so only a re-entry code gives it.
RETURN_VISIT = PriorityCategory("return-visit", "Quay lại bổ sung hồ sơ", "Back with missing papers")


class Target:
    """Where a return visit's ticket is sent (``reentry.used``'s ``target``)."""

    OFFICER = "officer"
    COUNTER = "counter"
    SERVICE = "service"


def mark_supplement(state: LobbyState, cmd: MarkSupplement) -> list[Event]:
    counter, ticket = current_at(state, cmd, TicketState.CALLED, TicketState.SERVING)
    note = cmd.note.strip()
    if not note:
        raise DomainError(ErrorCode.NOTE_REQUIRED, "Say what is missing: a dossier is marked “cần bổ sung” with a note.")
    if len(note) > MAX_NOTE:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, f"A note is at most {MAX_NOTE} characters, not {len(note)}.")
    dossier = (cmd.dossier or "").strip() or None
    if dossier is not None and len(dossier) > MAX_DOSSIER:
        raise DomainError(ErrorCode.TEXT_TOO_LONG, f"A dossier code is at most {MAX_DOSSIER} characters.")
    if not is_reentry_hash(cmd.code_hash):
        raise DomainError(ErrorCode.CODE_INVALID, "A re-entry code is kept as its SHA-256 in hex.")
    if cmd.code_hash in state.reentry_hashes:
        raise DomainError(ErrorCode.CODE_TAKEN, "The re-entry code is taken; make another.")
    today = state.site.local(cmd.now).date()
    if cmd.valid_until < today:
        raise DomainError(
            ErrorCode.REENTRY_INVALID,
            f"A re-entry code's last day cannot be before today ({cmd.valid_until:%d/%m/%Y}).",
        )
    replaced = [r.id for r in state.reentries.values() if r.ticket == ticket.id and r.state is ReentryState.LIVE]
    data: dict[str, object] = {
        "reentry": state.next_reentry_id,
        "ticket": ticket.id,
        "label": ticket.label,
        "service": ticket.service,
        "counter": counter.number,
        "officer": counter.officer,
        "note": note,
        "valid_until": cmd.valid_until.isoformat(),
        "code_hash": cmd.code_hash,
        "replaces": replaced[0] if replaced else None,
    }
    if dossier is not None:
        data["dossier"] = dossier
    return [Event(EventType.REENTRY_ISSUED, cmd.now, data)]


def use_reentry(state: LobbyState, cmd: UseReentry) -> list[Event]:
    reentry = usable(state, cmd.code_hash, cmd.now)
    service = state.service(reentry.service)
    check_open(state, service, cmd.now)
    target, counter = target_of(state, reentry)
    issued = issued_event(
        state, service, cmd.ticket_code, cmd.now, priority=RETURN_VISIT.code, source=cmd.source, target_counter=counter
    )
    used = Event(
        EventType.REENTRY_USED,
        cmd.now,
        {
            "reentry": reentry.id,
            "ticket": issued.data["ticket"],
            "label": issued.data["label"],
            "service": service.code,
            "from_ticket": reentry.ticket,
            "target": target,
            "counter": counter,
            "officer": reentry.officer if target == Target.OFFICER else None,
        },
    )
    return [issued, used]


def usable(state: LobbyState, code_hash: str, now: dt.datetime) -> Reentry:
    """The live re-entry of this code's hash, or a refusal saying why not."""
    reentry_id = state.reentry_hashes.get(code_hash)
    if reentry_id is None:
        raise DomainError(ErrorCode.REENTRY_UNKNOWN, "No dossier marked “cần bổ sung” has this re-entry code.")
    reentry = state.reentries[reentry_id]
    if reentry.state is ReentryState.USED:
        assert reentry.used_at is not None
        used = state.tickets.get(reentry.used_ticket) if reentry.used_ticket is not None else None
        raise DomainError(
            ErrorCode.REENTRY_USED,
            f"This re-entry code was used at {state.site.local(reentry.used_at):%H:%M %d/%m/%Y}.",
            used_at=reentry.used_at.isoformat(),
            label=used.label if used is not None else None,
            service=reentry.service,
        )
    if reentry.state is ReentryState.REPLACED:
        raise DomainError(
            ErrorCode.REENTRY_REPLACED, "This re-entry code was replaced by a newer one.", service=reentry.service
        )
    if state.site.local(now).date() > reentry.valid_until:
        raise DomainError(
            ErrorCode.REENTRY_EXPIRED,
            f"This re-entry code was valid until {reentry.valid_until:%d/%m/%Y}.",
            valid_until=reentry.valid_until.isoformat(),
            service=reentry.service,
        )
    return reentry


def target_of(state: LobbyState, reentry: Reentry) -> tuple[str, int | None]:
    """Where the return visit's ticket goes: (target, counter or None for the whole field)."""
    at = state.counter_of_officer(reentry.officer) if reentry.officer is not None else None
    if at is not None and at.state in (CounterState.OPEN, CounterState.PAUSED):
        return Target.OFFICER, at.number
    same = state.counters.get(reentry.counter)
    if same is not None and same.state is CounterState.OPEN:
        return Target.COUNTER, same.number
    return Target.SERVICE, None
