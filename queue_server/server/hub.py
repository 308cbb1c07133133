"""The hub: the lobby in memory, the writer, and the connected sessions.

A command is decided by the core at once (in the event loop, so decisions are serial), its
events are handed to the writer, and only when they are on disk are they published to the
sessions and the request answered. If a commit fails, the state in memory is ahead of the
disk: the hub rebuilds it from the log and every batch decided on the lost state is refused.

What the sessions are sent is the fan-out's job (:mod:`.fanout`); the clock's work (the tick,
expiring phones' numbers, purging, the probe) is the housekeeping's (:mod:`.housekeeping`).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from queue_server.config.settings import Role, SiteConfig
from queue_server.core import pins
from queue_server.core.commands import Command, Tick
from queue_server.core.events import Event, EventType
from queue_server.core.lobby import Lobby
from queue_server.outreach.plan import Planner
from queue_server.outreach.remote import RemoteDesk
from queue_server.server import views
from queue_server.server.auth import PinThrottle
from queue_server.server.fanout import SLOW_CLIENT_BYTES as SLOW_CLIENT_BYTES  # app.py's default limit
from queue_server.server.fanout import Fanout
from queue_server.server.housekeeping import Housekeeping
from queue_server.server.metrics import Metrics
from queue_server.server.request_origin import decided_row
from queue_server.server.services import Services
from queue_server.server.session import Session
from queue_server.shipping.status import ShippingStatus
from queue_server.store import outbox, snapshots
from queue_server.store.reader import ticket_row
from queue_server.store.writer import Batch, Writer

log = logging.getLogger(__name__)

RECENT_EVENTS = 10_000


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Hub:
    def __init__(
        self,
        config: SiteConfig,
        writer: Writer,
        load_lobby: Callable[[], tuple[Lobby, Sequence[Event]]],
        reader: Any,
        services: Services,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.config = config
        self.config_version = 1  # +1 each reload applied (reconfig.py): the devices' "config" says it
        self.writer = writer
        self.reader = reader  # a sqlite-utils Database for reports and exports
        self.services = services  # what the operations use, built by bootstrap
        settings = config.settings
        self.pin_throttle = PinThrottle(settings.pin_attempts, dt.timedelta(seconds=settings.pin_lockout_seconds))
        self.dummy_pin_hash = pins.hash_pin("000000")  # unknown users cost as much as wrong PINs
        self._load_lobby = load_lobby
        self.clock = clock
        self.metrics = Metrics()
        self.shipping: ShippingStatus | None = None  # set when the site ships its log centrally
        self.province: Any = None  # the other sites' live waits (shipping/province_view.py), with [central]
        self.recent: collections.deque[Event] = collections.deque(maxlen=RECENT_EVENTS)
        self.lobby, tail = load_lobby()
        self.recent.extend(tail)
        self.fanout = Fanout(lambda: self.lobby, self.metrics, now=self.now)
        self.sessions = self.fanout.sessions  # the connected sessions (the same set)
        self.housekeeping = Housekeeping(self)
        self.published_seq = self.lobby.seq
        self.epoch = writer.epoch
        self.failed_writes = 0  # batches the store refused since start (the health probe reads it)
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.last_seen: dict[str, dt.datetime] = {}  # device id → its last message
        self.device_hellos: dict[str, tuple[str | None, str]] = {}  # device id → (version, address) of its last hello
        self.sign_ins: dict[int, dt.datetime] = {}  # counter → when its officer's sign-in ends (housekeeping ends it)
        self._settling: list[tuple[Batch, asyncio.Future[None]]] = []
        self._settling_lock = threading.Lock()  # the writer's thread adds, the event loop takes
        # notifications and webhooks (queue_server/outreach): planned with each event, sent by
        # the delivery thread (set by bootstrap), woken after each commit that has some
        self.planner = Planner(config, lambda event: views.stripped(event, Role.INTEGRATION))
        self.deliverer: Any = None
        self.make_deliverer: Callable[[Any], Any] | None = None  # a started delivery thread for these settings (bootstrap)
        self.remote = RemoteDesk(config.outreach.phone_queue)  # numbers taken from phones (/q)
        self.doors: Any = None  # the public doors' budgets per address (app.start): the province's requests pass them too
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
        if (asked := decided_row(events, command.now)) is not None:
            batch.central_requests = [asked]  # the province's request this answers: its ticket or booking, at once
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
            self.failed_writes += 1  # a health answer kept from before is stale now
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
        self.fanout.register(session)

    def unregister(self, session: Session) -> None:
        self.fanout.unregister(session)

    def answer(self, session: Session, reply: bytes) -> None:
        """Send a reply (UTF-8 JSON) after the events already queued for the session."""
        self.fanout.answer(session, reply)

    @property
    def slow_client_bytes(self) -> int:
        """Unsent bytes past which a client that does not read is cut off."""
        return self.fanout.slow_client_bytes

    @slow_client_bytes.setter
    def slow_client_bytes(self, value: int) -> None:
        self.fanout.slow_client_bytes = value

    def publish(self, events: Sequence[Event]) -> None:
        """Committed events: kept for reconnecting clients, counted, queued to the sessions
        (:meth:`Fanout.publish`), and the waiters for them woken."""
        self.recent.extend(events)
        self.published_seq = events[-1].seq
        self.metrics.count_events(events)
        self.fanout.publish(events)
        self._wake()

    def close(self) -> None:
        """When the server stops: drop what is scheduled on the event loop."""
        self.fanout.close()

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

    # time (the housekeeping's)

    async def tick(self) -> None:
        await self.housekeeping.tick()

    async def run_clock(self, interval: float, purge_every: float = 3600.0) -> None:
        await self.housekeeping.run_clock(interval, purge_every)
