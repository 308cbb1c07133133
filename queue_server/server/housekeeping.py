"""The hub's housekeeping, on the server's clock: the tick that opens the day and raises due
alarms, numbers taken from phones and not confirmed in time (no-shows), personal data past
its retention period, and the health probe's test write (coalesced: one write answers every
``/healthz`` within ``PROBE_SECONDS`` of it, and probes asked while one is under way share it)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from queue_server.config.settings import SiteConfig
from queue_server.core.commands import Command, MarkNoShow, SignOut, Tick
from queue_server.core.errors import DomainError
from queue_server.core.events import Event
from queue_server.core.lobby import Lobby
from queue_server.outreach.remote import RemoteDesk
from queue_server.store.writer import Batch, StoreUnavailable

log = logging.getLogger(__name__)

PROBE_SECONDS = 1.0


class Kept(Protocol):
    """What the housekeeping needs of the hub (:class:`queue_server.server.hub.Hub`)."""

    config: SiteConfig
    lobby: Lobby
    remote: RemoteDesk
    failed_writes: int  # batches the store refused: a kept health answer is stale after one
    sign_ins: dict[int, dt.datetime]

    def now(self) -> dt.datetime: ...

    async def execute(self, command: Command) -> Sequence[Event]: ...

    async def write(self, batch: Batch) -> None: ...


class Housekeeping:
    def __init__(self, hub: Kept, clock: Callable[[], float] = time.monotonic) -> None:
        self.hub = hub
        self.clock = clock  # the probe's window (the server's monotonic clock: app.start sets it)
        self.probes_written = 0  # /healthz answers by a test write…
        self.probes_shared = 0  # …and from one just made or under way
        self._probing: asyncio.Future[bool] | None = None
        self.rounds = 0  # of run_clock, done
        self.round_done = asyncio.Event()  # set once a round is done (a start's housekeeping is over)
        self._probed: tuple[float, bool, int] | None = None  # (when, writable, failed writes then) of the last write

    async def tick(self) -> None:
        try:
            await self.hub.execute(Tick(now=self.hub.now()))
        except StoreUnavailable as exc:
            log.error("tick not kept: %s", exc)
        await self.end_sign_ins()

    async def end_sign_ins(self) -> None:
        """Sign-ins past their end: the officer is signed out (``counter.changed``, the counter
        closed, the boards stop naming the officer). A counter serving a ticket is signed out
        once that ticket is done (the next tick after it)."""
        hub = self.hub
        now = hub.now()
        for number, ends in sorted(hub.sign_ins.items()):
            if now < ends:
                continue
            counter = hub.lobby.state.counters.get(number)
            if counter is None or counter.officer is None:
                del hub.sign_ins[number]
                continue
            if counter.current is not None:
                continue
            try:
                await hub.execute(SignOut(now=now, counter=number))
            except (DomainError, StoreUnavailable) as exc:
                log.warning("the sign-in at counter %d not ended: %s", number, exc)
                continue
            hub.sign_ins.pop(number, None)
            log.info("counter %d: the sign-in of %s ended at %s", number, counter.officer, ends.isoformat())

    async def run_clock(self, interval: float, purge_every: float = 3600.0) -> None:
        """Every ``interval``: the clock's tick, phones' numbers expired; the first round and
        every ``purge_every`` after it, the purge (at start whatever the machine's uptime: the
        monotonic clock's zero is the boot, so "0.0 = never purged" purged at start only on a
        machine up for more than ``purge_every``)."""
        last_purge = -math.inf
        while True:
            await self.tick()
            await self.expire_remote()
            if time.monotonic() - last_purge >= purge_every:
                last_purge = time.monotonic()
                await self.purge()
            self.rounds += 1
            self.round_done.set()
            await asyncio.sleep(interval)

    async def expire_remote(self) -> None:
        """Numbers taken from a phone, called and not confirmed in time: no-shows."""
        hub = self.hub
        for ticket in hub.remote.to_expire(hub.lobby.state.tickets, hub.now()):
            try:
                await hub.execute(MarkNoShow(now=hub.now(), counter=ticket.counter, ticket=ticket.id))  # type: ignore[arg-type]  # a called ticket has its counter
            except (DomainError, StoreUnavailable) as exc:
                log.warning("%s not expired: %s", ticket.label, exc)

    async def purge(self) -> None:
        """Delete personal data (appointment contacts) past the retention period."""
        before = self.hub.now() - dt.timedelta(days=self.hub.config.settings.retention_days)
        try:
            await self.hub.write(Batch(purge_contacts_before=before))
        except StoreUnavailable as exc:
            log.error("purge not done: %s", exc)

    async def probe(self, timeout: float = 2.0) -> bool:
        """True if the store can be written now: a test write, unless one was made within
        ``PROBE_SECONDS`` and no write has failed since (its answer), or one is under way (shared)."""
        if (
            self._probed is not None
            and self.clock() - self._probed[0] < PROBE_SECONDS
            and self._probed[2] == self.hub.failed_writes
        ):
            self.probes_shared += 1
            return self._probed[1]
        if self._probing is not None:
            self.probes_shared += 1
        else:
            self._probing = asyncio.ensure_future(self._write_probe(timeout))
        return await asyncio.shield(self._probing)

    async def _write_probe(self, timeout: float) -> bool:
        self.probes_written += 1
        writable = True
        try:
            await asyncio.wait_for(self.hub.write(Batch(probe=True)), timeout)
        except (StoreUnavailable, TimeoutError):
            writable = False
        finally:
            self._probing = None
        self._probed = (self.clock(), writable, self.hub.failed_writes)
        return writable
