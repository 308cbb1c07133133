"""The fan-out: the connected sessions and what each is sent.

Committed events are published as frames: a server's frames are not masked, so an event's
frame is the same bytes for every session of a role and is built once per (event, role).
Devices are grouped by what they see (``views.audience``): what an audience sees of the
events is decided once and queued to each of its sessions. Phones (public sessions,
possibly thousands) are not scanned: they are found by the code of the events' tickets, and
their places in the queue are recomputed only when an event can move them
(:mod:`.places`). Each session's frames are written together at the end of the turn of the
event loop (:mod:`.fastpath`); a client that leaves too much unread is cut off.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from queue_server.config.settings import Role
from queue_server.core.events import Event
from queue_server.core.lobby import Lobby
from queue_server.protocol.messages import encode
from queue_server.server import views
from queue_server.server.fastpath import Path, for_this_websockets
from queue_server.server.metrics import Metrics
from queue_server.server.places import Places
from queue_server.server.session import Session

log = logging.getLogger(__name__)

SLOW_CLIENT_BYTES = 1 << 20  # events a client has left unread before it is cut off


def _phones_last(item: tuple[Session, list[bytes]]) -> bool:
    return item[0].role is Role.PUBLIC


class Fanout:
    def __init__(
        self,
        lobby: Callable[[], Lobby],
        metrics: Metrics,
        path: Path | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self._lobby = lobby  # the hub's lobby now (it is replaced when the state is rebuilt)
        self._now = now or (lambda: dt.datetime.now(dt.UTC))  # the site's clock: a place's `at`
        self.metrics = metrics
        self.path = path if path is not None else for_this_websockets()
        self.sessions: set[Session] = set()
        self.audiences: dict[tuple[Any, ...], set[Session]] = {}  # the devices, by what they see
        self.followers: dict[str, set[Session]] = {}  # ticket code → the phones following it
        self.slow_client_bytes = SLOW_CLIENT_BYTES
        self.places = Places(lambda: views.position_updates(self.followers, self._lobby(), self._now()), self._tell_places)
        self._outbox: dict[Session, list[bytes]] = {}  # frames to write at the end of this loop turn

    def register(self, session: Session) -> None:
        """``session`` said hello: it receives events from now on."""
        self.sessions.add(session)
        if session.role is not Role.PUBLIC:
            self.audiences.setdefault(views.audience(session), set()).add(session)
        elif session.ticket_code is not None:
            self.followers.setdefault(session.ticket_code, set()).add(session)

    def unregister(self, session: Session) -> None:
        self.sessions.discard(session)
        if session.role not in (None, Role.PUBLIC):  # a device: in its audience, if still there
            key = views.audience(session)
            members = self.audiences.get(key, set())
            members.discard(session)
            if not members:
                self.audiences.pop(key, None)
        if session.ticket_code is not None and session.ticket_code in self.followers:
            self.followers[session.ticket_code].discard(session)
            if not self.followers[session.ticket_code]:
                del self.followers[session.ticket_code]

    def publish(self, events: Sequence[Event]) -> None:
        """Queue each session's view of ``events``; they are written out together at the end
        of this turn of the event loop."""
        lobby = self._lobby()
        frames: dict[tuple[int, Role], bytes] = {}

        def frame(event: Event, role: Role) -> bytes:
            key = (event.seq, role)
            if key not in frames:
                frames[key] = self.path.message(encode(views.stripped(event, role)))
            return frames[key]

        for sessions in self.audiences.values():
            anyone = next(iter(sessions))
            role = anyone.role
            assert role is not None, "only sessions that said hello are in an audience (register)"
            seen = [frame(e, role) for e in events if views.visible(e, anyone, lobby)]
            if seen:
                for session in sessions:
                    self._queue(session, seen)
        if self.followers:
            tickets = lobby.state.tickets
            for event in events:
                if event.type not in views.VISIBLE[Role.PUBLIC]:
                    continue
                codes = {tickets[i].code for i in event.ticket_ids if i in tickets}
                for code in codes:
                    for session in self.followers.get(code, ()):
                        self._queue(session, [frame(event, Role.PUBLIC)])
            if any(views.moves_queue(e) for e in events):
                self.places.soon()

    def _tell_places(self, updates: Iterable[tuple[Session, dict[str, Any]]]) -> None:
        for session, update in updates:
            if session in self.sessions:  # it may have gone meanwhile
                self._queue(session, [self.path.message(encode(update))])

    def answer(self, session: Session, reply: bytes) -> None:
        """Send a reply (UTF-8 JSON) after the events already queued for the session."""
        self._queue(session, [self.path.message(reply)])

    def close(self) -> None:
        """When the server stops: drop what is scheduled on the event loop."""
        self.places.close()

    def _queue(self, session: Session, messages: list[bytes]) -> None:
        if not self._outbox:
            asyncio.get_running_loop().call_soon(self._flush)
        self._outbox.setdefault(session, []).extend(messages)

    def _flush(self) -> None:
        """Write every session's queued frames in one system call. A client that does not
        read, so that its unsent data passes ``slow_client_bytes``, is cut off: it reconnects
        with ``since`` and catches up then. The devices' frames go first: a board waiting for
        a call must not wait behind a hundred phones' places."""
        outbox, self._outbox = self._outbox, {}
        for session, messages in sorted(outbox.items(), key=_phones_last):
            connection = session.connection
            unsent = self.path.write(connection, messages)
            if unsent is not None and unsent > self.slow_client_bytes:
                log.warning("cutting off %s: %d bytes unread", session.remote, unsent)
                self.metrics.slow_clients += 1
                self.unregister(session)
                connection.transport.abort()
