"""What an officer's console reads: its counter's state, waiting list, today's tally and
where a ticket may be transferred (``counter.status``); and resuming a sign-in after a reload
(``officer.resume``).

A sign-in belongs to one connection. So that a reload does not ask for the PIN again, a
signed-in connection gets a *resume token*: an HMAC over the device, the officer and the
sign-in's expiry, keyed by a digest of the site's secrets (device tokens, PIN hashes), so it
outlives a server restart but changes with them. The page keeps it in the tab's
``sessionStorage`` (never a cookie). It is worth nothing without the counter's device token,
after the sign-in expires, or once the officer has signed out of that counter.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role, SiteConfig
from queue_server.core.model import TicketState
from queue_server.core.reentries import RETURN_VISIT
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import Field
from queue_server.server.common import counter_of, ticket_for
from queue_server.server.ops import operation
from queue_server.server.session import Session
from queue_server.server.sign_in_rules import WARNING_MINUTES
from queue_server.server.views import waiting_list

if TYPE_CHECKING:
    from queue_server.server.hub import Hub

STATUS_WAITING = 200  # counter.status's waiting rows: the first, with waiting_count (docs/protocol.md)
PAGE_DEFAULT = 100  # queue.waiting's rows a page…
PAGE_MAX = 500  # …and at most


def _key(config: SiteConfig) -> bytes:
    secrets = [d.token for d in config.devices] + [o.pin_hash for o in config.officers]
    return hashlib.sha256("\n".join(["motcua resume", config.site.site_id, *secrets]).encode()).digest()


def resume_token(config: SiteConfig, device: str, officer: str, expires: dt.datetime) -> str:
    payload = f"{device}|{officer}|{expires.isoformat()}".encode()
    signature = hmac.new(_key(config), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def read_resume_token(config: SiteConfig, token: str) -> tuple[str, str, dt.datetime] | None:
    """(device, officer, expiry) of a token made with this site's secrets, else None."""
    try:
        payload_text, signature_text = token.split(".")
        payload = base64.urlsafe_b64decode(payload_text + "==")
        signature = base64.urlsafe_b64decode(signature_text + "==")
        expected = hmac.new(_key(config), payload, hashlib.sha256).digest()
        if not hmac.compare_digest(signature, expected):
            return None
        device, officer, expires = payload.decode().split("|")
        return device, officer, dt.datetime.fromisoformat(expires)
    except ValueError:  # bad base64, bad UTF-8, wrong number of parts, bad date
        return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@operation("counter.status", (Role.COUNTER,))
async def counter_status(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    number = counter_of(session)
    await hub.settled()
    now = hub.now()
    lobby = hub.lobby
    counter = lobby.state.counters[number]
    view = next(c for c in lobby.counters_view() if c["number"] == number)
    officer = hub.config.officer(counter.officer) if counter.officer else None
    signed_in = (
        session.officer is not None
        and session.officer == counter.officer
        and (session.officer_expires is None or now < session.officer_expires)
    )
    current = lobby.state.tickets.get(counter.current) if counter.current is not None else None
    # the sign-in ended while a ticket is current: this screen may still finish it (FINISHING)
    finishing = (
        not signed_in and current is not None and session.officer is not None and session.officer == counter.officer
    )
    waiting = counter_waiting(hub, number, now)
    return {
        "counter": view,
        "officer": {"user": officer.user, "name": officer.name} if officer else None,
        "signed_in": signed_in,
        "finishing": finishing,
        "expires_at": session.officer_expires.isoformat() if (signed_in or finishing) and session.officer_expires else None,
        "now": now.isoformat(),  # the server's time: the console times its warning by it, not by the PC's clock
        "warning_minutes": WARNING_MINUTES,
        "resume": (
            resume_token(hub.config, session.device.id, session.officer, session.officer_expires)  # type: ignore[arg-type,union-attr]  # signed_in: the session has its device and officer
            if signed_in and session.officer_expires
            else None
        ),
        "current": _current(hub, session, current, now) if current else None,
        "waiting": waiting[:STATUS_WAITING],  # the first rows; the rest: queue.waiting
        "waiting_count": len(waiting),
        "tally": _tally(hub, number, now),
        "targets": _targets(hub, number, now),
        "rating_window_seconds": int(hub.config.site.policy.rating_window.total_seconds()),
        "priorities": {p.code: p.name_vi for p in (*hub.config.site.priorities, RETURN_VISIT)},
    }


def counter_waiting(hub: Hub, number: int, now: dt.datetime) -> list[dict[str, Any]]:
    """The tickets counter ``number`` may call: its services' (but those sent to another
    counter) and those transferred to it from other services, each in calling order."""
    lobby = hub.lobby
    mine = {s for s, weight in lobby.state.counters[number].spec.services.items() if weight > 0}
    others = {s.code for s in lobby.site.services} - mine
    return [row for row in waiting_list(lobby, now, mine) if row["target_counter"] in (None, number)] + [
        row for row in waiting_list(lobby, now, others) if row["target_counter"] == number
    ]


@operation(
    "queue.waiting",
    (Role.COUNTER, Role.MANAGER, Role.INTEGRATION),
    {
        "service": Field(str, required=False, max_length=16),
        "offset": Field(int, required=False, minimum=0),
        "limit": Field(int, required=False, minimum=1, maximum=PAGE_MAX),
        "label": Field(str, required=False, max_length=16),
    },
)
async def queue_waiting(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    """A page of the waiting list that ``hello`` and ``counter.status`` cut short: a counter's
    own list, or (manager, integration) every field's, or one field's (``service``); or the
    rows of one number (``label``)."""
    await hub.settled()
    now = hub.now()
    if args["service"] is not None and hub.lobby.site.service(args["service"]) is None:
        raise ProtocolError(ProtocolErrorCode.BAD_FIELD, f"No field has the code {args['service']!r}.", field="service")
    if session.role is Role.COUNTER:
        rows = counter_waiting(hub, counter_of(session), now)
        if args["service"] is not None:
            rows = [row for row in rows if row["service"] == args["service"]]
    else:
        rows = waiting_list(hub.lobby, now, {args["service"]} if args["service"] is not None else None)
    if args["label"] is not None:
        rows = [row for row in rows if row["label"] == args["label"].strip().upper()]
    offset = args["offset"] or 0
    limit = args["limit"] or PAGE_DEFAULT
    return {"waiting": rows[offset : offset + limit], "total": len(rows), "offset": offset, "limit": limit}


@operation("officer.resume", (Role.COUNTER,), {"resume": Field(str, max_length=400)})
async def officer_resume(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    number = counter_of(session)
    found = read_resume_token(hub.config, args["resume"])
    if found is None or session.device is None or found[0] != session.device.id:
        raise ProtocolError(ProtocolErrorCode.SIGN_IN_REQUIRED, "This sign-in cannot be resumed: sign in with the PIN.")
    _, officer, expires = found
    if hub.now() >= expires:
        raise ProtocolError(ProtocolErrorCode.SESSION_EXPIRED, "The sign-in has expired; sign in again.")
    if hub.lobby.state.counters[number].officer != officer:
        raise ProtocolError(
            ProtocolErrorCode.SIGN_IN_REQUIRED, "The officer is no longer signed in at this counter: sign in again."
        )
    session.officer = officer
    session.officer_expires = expires
    hub.sign_ins[number] = max(expires, hub.sign_ins.get(number, expires))
    person = hub.config.officer(officer)
    return {
        "officer": {"user": officer, "name": person.name if person else officer},
        "expires_at": expires.isoformat(),
    }


def _current(hub: Hub, session: Session, ticket: Any, now: dt.datetime) -> dict[str, Any]:
    view = ticket_for(hub, session, ticket)
    view["waited_minutes"] = int(((ticket.called_at or now) - ticket.arrival_at).total_seconds() // 60)
    return view


def _tally(hub: Hub, number: int, now: dt.datetime) -> dict[str, Any]:
    mine = [t for t in hub.lobby.tickets_today(now) if t.counter == number and t.called_at is not None]
    done = [t for t in mine if t.state is TicketState.DONE and t.done_at is not None]
    seconds = [(t.done_at - (t.served_at or t.called_at)).total_seconds() for t in done]  # type: ignore[operator]  # done tickets were called (filtered above) and have done_at
    rated = [t.rating for t in done if t.rating is not None]
    return {
        "called": len(mine),
        "served": len(done),
        "no_show": sum(1 for t in mine if t.state is TicketState.NO_SHOW),
        "transferred": sum(1 for t in mine if t.state is TicketState.TRANSFERRED),
        "average_service_minutes": round(sum(seconds) / len(seconds) / 60, 1) if seconds else None,
        "rated": len(rated),
        "average_rating": round(sum(rated) / len(rated), 2) if rated else None,
    }


def _targets(hub: Hub, number: int, now: dt.datetime) -> dict[str, Any]:
    services = [
        {"code": s["code"], "name_vi": s["name_vi"], "name_en": s["name_en"], "open": s["open"], "waiting": s["waiting"]}
        for s in hub.lobby.services_view(now)
    ]
    counters = [
        {"number": c["number"], "name": c["name"], "state": c["state"]}
        for c in hub.lobby.counters_view()
        if c["number"] != number
    ]
    return {"services": services, "counters": counters}
