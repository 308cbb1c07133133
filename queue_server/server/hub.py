"""The hub: the lobby in memory, the writer, and the connected sessions.

A command is decided by the core at once (in the event loop, so decisions are serial), its
events are handed to the writer, and only when they are on disk are they published to the
sessions and the request answered. If a commit fails, the state in memory is ahead of the
disk: the hub rebuilds it from the log and every batch decided on the lost state is refused.
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import functools
import logging
import struct
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from websockets.protocol import State

from queue_server.core.commands import Command, MarkNoShow, Tick
from queue_server.core.errors import DomainError
from queue_server.core.events import Event, EventType
from queue_server.core.lobby import Lobby
from queue_server.core import pins
from queue_server.config.settings import Role, SiteConfig
from queue_server.protocol.messages import encode
from queue_server.shipping.status import ShippingStatus
from queue_server.store import snapshots
from queue_server.store.reader import ticket_row
from queue_server.store import outbox
from queue_server.store.writer import Batch, StoreUnavailable, Writer
from queue_server.outreach.plan import Planner
from queue_server.outreach.remote import RemoteDesk
from queue_server.server import views
from queue_server.server.auth import PinThrottle
from queue_server.server.metrics import Metrics
from queue_server.server.places import Places
from queue_server.server.session import Session

log = logging.getLogger(__name__)

RECENT_EVENTS = 10_000
SLOW_CLIENT_BYTES = 1 << 20  # events a client has left unread before it is cut off


def text_frame(payload: bytes) -> bytes:
    """A whole, unmasked websocket text frame of a UTF-8 payload, as a server sends it with no
    extension in use (RFC 6455 §5.2: FIN + text opcode, then the payload length in 7, 16 or 64
    bits)."""
    size = len(payload)
    if size < 126:
        return bytes((0x81, size)) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


def _phones_last(item: tuple[Session, list[bytes]]) -> bool:
    return item[0].role is Role.PUBLIC


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Hub:
    def __init__(
        self,
        config: SiteConfig,
        writer: Writer,
        load_lobby: Callable[[], tuple[Lobby, Sequence[Event]]],
        reader: Any,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.config = config
        self.writer = writer
        self.reader = reader  # a sqlite-utils Database for reports and exports
        settings = config.settings
        self.pin_throttle = PinThrottle(settings.pin_attempts, dt.timedelta(seconds=settings.pin_lockout_seconds))
        self.dummy_pin_hash = pins.hash_pin("000000")  # unknown users cost as much as wrong PINs
        self._load_lobby = load_lobby
        self.clock = clock
        self.sessions: set[Session] = set()
        self.audiences: dict[tuple[Any, ...], set[Session]] = {}  # the devices, by what they see
        self.followers: dict[str, set[Session]] = {}  # ticket code → the phones following it
        self.metrics = Metrics()
        self.shipping: ShippingStatus | None = None  # set when the site ships its log centrally
        self.recent: collections.deque[Event] = collections.deque(maxlen=RECENT_EVENTS)
        self.lobby, tail = load_lobby()
        self.recent.extend(tail)
        self.published_seq = self.lobby.seq
        self.epoch = writer.epoch
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.last_seen: dict[str, dt.datetime] = {}  # device id → its last message
        self.slow_client_bytes = SLOW_CLIENT_BYTES
        self.places = Places(lambda: views.position_updates(self.followers, self.lobby), self._tell_places)
        self._outbox: dict[Session, list[bytes]] = {}  # frames to write at the end of this loop turn
        self._settling: list[tuple[Batch, asyncio.Future[None]]] = []
        self._settling_lock = threading.Lock()  # the writer's thread adds, the event loop takes
        # notifications and webhooks (queue_server/outreach): planned with each event, sent by
        # the delivery thread (set by bootstrap), woken after each commit that has some
        self.planner = Planner(config, lambda event: views.stripped(event, Role.INTEGRATION))
        self.deliverer: Any = None
        self.remote = RemoteDesk(config.outreach.phone_queue)  # numbers taken from phones (/q)
        self._load_outreach()

    def _load_outreach(self) -> None:
        self.planner.load(*outbox.today_phones(self.reader.conn, self.lobby.state.tickets))
        self.remote.load(outbox.remote_rows(self.reader.conn, self.lobby.state.tickets))

    def snapshot(self, session: Session) -> dict[str, Any]:
        """What ``session`` sees of the lobby now (call after :meth:`settled`)."""
        result = views.snapshot(session, self.lobby, self.now())
        if session.role in (Role.MANAGER, Role.INTEGRATION):
            connected = {s.device.id for s in (*self.sessions, session) if s.device is not None}
            result["devices"] = [
                {
                    "id": device.id,
                    "role": device.role.value,
                    "name": device.name,
                    "counter": device.counter,
                    "connected": device.id in connected,
                    "last_seen": self.last_seen[device.id].isoformat() if device.id in self.last_seen else None,
                }
                for device in self.config.devices
            ]
            # the counters name their officer by user id: the names to show beside them
            result["officers"] = [{"user": o.user, "name": o.name} for o in self.config.officers]
        return result

    def now(self) -> dt.datetime:
        return self.clock().astimezone(self.config.site.tz)

    # commands

    async def execute(
        self,
        command: Command,
        contacts: Sequence[dict[str, Any]] = (),
        more: Callable[[list[Event]], dict[str, Any]] | None = None,
    ) -> list[Event]:
        """Decide, make durable, publish. Raises DomainError (nothing changed) or
        StoreUnavailable (nothing kept). ``more(events)`` gives rows of the batch that depend
        on the decision (``remote``, ``phones``, extra ``outbox``): one transaction with it."""
        if not isinstance(command, Tick) and self.lobby.state.day != self.config.site.local(command.now).date():
            await self.tick()  # a new day opens before anything else happens in it
        events = self.lobby.execute(command)
        if not events:
            return events
        deliveries = self.planner.plan(events, self.lobby.state)
        batch = Batch(
            events=events,
            tickets=self._ticket_rows(events),
            appointments=self._appointment_rows(events),
            contacts=contacts,
            outbox=[d.row(outbox.utc(command.now)) for d in deliveries],
            epoch=self.epoch,
            snapshot=snapshots.on_new_day(self.lobby.state, events),
        )
        for name, rows in (more(events) if more is not None else {}).items():
            setattr(batch, name, [*getattr(batch, name), *rows])
        answered = asyncio.get_running_loop().create_future()
        batch.on_settled = functools.partial(self._settled, answered)
        self.writer.submit(batch)
        await answered
        if batch.outbox:
            self.wake_deliverer()
        return events

    def wake_deliverer(self) -> None:
        if self.deliverer is not None:
            self.deliverer.wake.set()

    async def write(self, batch: Batch) -> None:
        """A batch with no events (health probe, purge)."""
        await asyncio.wrap_future(self.writer.submit(batch))

    def _ticket_rows(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        ids = {i for e in events for i in e.ticket_ids if e.type is not EventType.ALARM_WAIT_EXCEEDED}
        return [ticket_row(self.lobby.state.tickets[i]) for i in sorted(ids) if i in self.lobby.state.tickets]

    def _appointment_rows(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        codes = {e.data["code"] for e in events if e.type.value.startswith("appointment.")}
        return [self.lobby.state.appointments[c].as_dict() for c in sorted(codes)]

    def _settled(self, answered: asyncio.Future[None], batch: Batch) -> None:
        """In the writer's thread, as it settles each batch of a commit: the batches of one
        commit are handed to the event loop together, in one callback (:meth:`_commit_done`)."""
        with self._settling_lock:
            self._settling.append((batch, answered))
            first = len(self._settling) == 1
        if first:
            answered.get_loop().call_soon_threadsafe(self._commit_done)

    def _commit_done(self) -> None:
        """In the event loop: publish the committed batches' events, all in one pass, and let
        their requests go on. Events are published even if a request was cancelled meanwhile
        (its connection closed): they are on disk. A failed batch makes the state be rebuilt
        from the log, once the batches committed before it are published."""
        with self._settling_lock:
            settled, self._settling = self._settling, []
        events: list[Event] = []
        committed: list[asyncio.Future[None]] = []
        for batch, answered in settled:
            error = batch.future.exception()
            if error is None:
                events.extend(batch.events)
                committed.append(answered)
                continue
            if events:
                self.publish(events)
                events = []
            if batch.epoch == self.epoch:
                self._rebuild()
            if not answered.done():
                answered.set_exception(error)
        if events:
            self.publish(events)
        for answered in committed:
            if not answered.done():
                answered.set_result(None)

    def _rebuild(self) -> None:
        log.warning("a commit failed: rebuilding the state from the log (seq %d in memory)", self.lobby.seq)
        self.metrics.rebuilds += 1
        self.epoch = self.writer.epoch
        self.lobby, tail = self._load_lobby()
        self._load_outreach()
        self.recent.clear()
        self.recent.extend(tail)
        self.published_seq = self.lobby.seq
        self._wake()

    # publishing

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
        of this turn of the event loop.

        A server's frames are not masked, so an event's frame is the same bytes for every
        session of a role: it is built once per role. Devices are grouped by what they see
        (``views.audience``): what an audience sees of the events is decided once and queued
        to each of its sessions as one piece. Phones (public sessions, possibly
        thousands) are not scanned: they are found by the code of the events' tickets, and
        their places in the queue are recomputed only when an event can move them."""
        self.recent.extend(events)
        self.published_seq = events[-1].seq
        self.metrics.count_events(events)
        frames: dict[tuple[int, Role], bytes] = {}

        def frame(event: Event, role: Role) -> bytes:
            key = (event.seq, role)
            if key not in frames:
                frames[key] = text_frame(encode(views.stripped(event, role)))
            return frames[key]

        for sessions in self.audiences.values():
            anyone = next(iter(sessions))
            seen = b"".join(frame(e, anyone.role) for e in events if views.visible(e, anyone, self.lobby))
            if seen:
                for session in sessions:
                    self._queue(session, seen)
        if self.followers:
            tickets = self.lobby.state.tickets
            for event in events:
                if event.type not in views.VISIBLE[Role.PUBLIC]:
                    continue
                codes = {tickets[i].code for i in event.ticket_ids if i in tickets}
                for code in codes:
                    for session in self.followers.get(code, ()):
                        self._queue(session, frame(event, Role.PUBLIC))
            if any(views.moves_queue(e) for e in events):
                self.places.soon()
        self._wake()

    def _tell_places(self, updates: Iterable[tuple[Session, dict[str, Any]]]) -> None:
        for session, update in updates:
            if session in self.sessions:  # it may have gone meanwhile
                self._queue(session, text_frame(encode(update)))

    def close(self) -> None:
        """When the server stops: drop what is scheduled on the event loop."""
        self.places.close()

    def answer(self, session: Session, reply: bytes) -> None:
        """Send a reply (UTF-8 JSON) after the events already queued for the session."""
        self._queue(session, text_frame(reply))

    def _queue(self, session: Session, frame: bytes) -> None:
        if not self._outbox:
            asyncio.get_running_loop().call_soon(self._flush)
        self._outbox.setdefault(session, []).append(frame)

    def _flush(self) -> None:
        """Write every session's queued frames in one system call. A client that does not
        read, so that its unsent data passes ``slow_client_bytes``, is cut off: it reconnects
        with ``since`` and catches up then. The devices' frames go first: a board waiting for
        a call must not wait behind a hundred phones' places."""
        outbox, self._outbox = self._outbox, {}
        for session, frames in sorted(outbox.items(), key=_phones_last):
            connection = session.connection
            if connection.protocol.state is not State.OPEN or connection.send_in_progress is not None:
                continue
            transport = connection.transport
            transport.write(b"".join(frames))
            if transport.get_write_buffer_size() > self.slow_client_bytes:
                log.warning("cutting off %s: %d bytes unread", session.remote, transport.get_write_buffer_size())
                self.metrics.slow_clients += 1
                self.unregister(session)
                transport.abort()

    def events_since(self, since: int) -> list[Event] | None:
        """The events after ``since``, or None if they are no longer all at hand."""
        if since > self.published_seq:
            return None
        if since == self.published_seq:
            return []
        if not self.recent or since + 1 < self.recent[0].seq:
            return None
        return [e for e in self.recent if e.seq > since]

    async def settled(self) -> None:
        """Wait until everything decided so far is published (for consistent snapshots)."""
        while self.published_seq < self.lobby.seq:
            future = asyncio.get_running_loop().create_future()
            self._waiters.append((self.lobby.seq, future))
            await future

    def _wake(self) -> None:
        still = []
        for target, future in self._waiters:
            if self.published_seq >= target or self.published_seq >= self.lobby.seq:
                if not future.done():
                    future.set_result(None)
            else:
                still.append((target, future))
        self._waiters = still

    # time

    async def tick(self) -> None:
        try:
            await self.execute(Tick(now=self.now()))
        except StoreUnavailable as exc:
            log.error("tick not kept: %s", exc)

    async def run_clock(self, interval: float, purge_every: float = 3600.0) -> None:
        last_purge = 0.0
        while True:
            await self.tick()
            await self.expire_remote()
            if time.monotonic() - last_purge >= purge_every:
                last_purge = time.monotonic()
                await self.purge()
            await asyncio.sleep(interval)

    async def expire_remote(self) -> None:
        """Numbers taken from a phone, called and not confirmed in time: no-shows."""
        for ticket in self.remote.to_expire(self.lobby.state.tickets, self.now()):
            try:
                await self.execute(MarkNoShow(now=self.now(), counter=ticket.counter, ticket=ticket.id))  # type: ignore[arg-type]  # a called ticket has its counter
            except (DomainError, StoreUnavailable) as exc:
                log.warning("%s not expired: %s", ticket.label, exc)

    async def purge(self) -> None:
        """Delete personal data (appointment contacts) past the retention period."""
        before = self.now() - dt.timedelta(days=self.config.settings.retention_days)
        try:
            await self.write(Batch(purge_contacts_before=before))
        except StoreUnavailable as exc:
            log.error("purge not done: %s", exc)

    async def probe(self, timeout: float = 2.0) -> bool:
        """True if the store can be written now."""
        try:
            await asyncio.wait_for(self.write(Batch(probe=True)), timeout)
        except (StoreUnavailable, TimeoutError):
            return False
        return True
