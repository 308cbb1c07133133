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
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from websockets.asyncio.server import broadcast

from ..core.commands import Command, Tick
from ..core.events import Event, EventType
from ..core.lobby import Lobby
from .. import pins
from ..settings import Role, SiteConfig
from ..store.reader import ticket_row
from ..store.writer import Batch, StoreUnavailable, Writer
from . import views
from .auth import PinThrottle
from .metrics import Metrics
from .session import Session

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
        self.metrics = Metrics()
        self.recent: collections.deque[Event] = collections.deque(maxlen=RECENT_EVENTS)
        self.lobby, tail = load_lobby()
        self.recent.extend(tail)
        self.published_seq = self.lobby.seq
        self.epoch = writer.epoch
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []
        self.last_seen: dict[str, dt.datetime] = {}  # device id → its last message

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
        return result

    def now(self) -> dt.datetime:
        return self.clock().astimezone(self.config.site.tz)

    # commands

    async def execute(self, command: Command, contacts: Sequence[dict[str, Any]] = ()) -> list[Event]:
        """Decide, make durable, publish. Raises DomainError (nothing changed) or
        StoreUnavailable (nothing kept)."""
        if not isinstance(command, Tick) and self.lobby.state.day != self.config.site.local(command.now).date():
            await self.tick()  # a new day opens before anything else happens in it
        events = self.lobby.execute(command)
        if not events:
            return events
        batch = Batch(
            events=events,
            tickets=self._ticket_rows(events),
            appointments=self._appointment_rows(events),
            contacts=contacts,
            epoch=self.epoch,
        )
        done = asyncio.wrap_future(self.writer.submit(batch))
        done.add_done_callback(lambda future: self._committed(future, batch))
        await asyncio.shield(done)
        return events

    async def write(self, batch: Batch) -> None:
        """A batch with no events (health probe, purge)."""
        await asyncio.wrap_future(self.writer.submit(batch))

    def _ticket_rows(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        ids = {i for e in events for i in e.ticket_ids if e.type is not EventType.ALARM_WAIT_EXCEEDED}
        return [ticket_row(self.lobby.state.tickets[i]) for i in sorted(ids) if i in self.lobby.state.tickets]

    def _appointment_rows(self, events: Iterable[Event]) -> list[dict[str, Any]]:
        codes = {e.data["code"] for e in events if e.type.value.startswith("appointment.")}
        return [self.lobby.state.appointments[c].as_dict() for c in sorted(codes)]

    def _committed(self, future: asyncio.Future[int], batch: Batch) -> None:
        if future.cancelled() or future.exception() is not None:
            if batch.epoch == self.epoch:
                self._rebuild()
            return
        self.publish(batch.events)

    def _rebuild(self) -> None:
        log.warning("a commit failed: rebuilding the state from the log (seq %d in memory)", self.lobby.seq)
        self.metrics.rebuilds += 1
        self.epoch = self.writer.epoch
        self.lobby, tail = self._load_lobby()
        self.recent.clear()
        self.recent.extend(tail)
        self.published_seq = self.lobby.seq
        self._wake()

    # publishing

    def publish(self, events: Sequence[Event]) -> None:
        self.recent.extend(events)
        self.published_seq = events[-1].seq
        self.metrics.count_events(events)
        services = {e.data.get("service") for e in events}
        for session in list(self.sessions):
            if session.connection is None:
                continue
            for event in events:
                message = views.shape(event, session, self.lobby)
                if message is not None:
                    self.send(session, message)
            if session.role is Role.PUBLIC:
                update = views.position_update(session, self.lobby) if services else None
                if update is not None:
                    self.send(session, update)
        self._wake()

    def send(self, session: Session, message: dict[str, Any]) -> None:
        from ..protocol.messages import encode

        broadcast([session.connection], encode(message))

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
            if time.monotonic() - last_purge >= purge_every:
                last_purge = time.monotonic()
                await self.purge()
            await asyncio.sleep(interval)

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
