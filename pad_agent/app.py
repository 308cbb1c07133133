"""The pad agent: rating pads on a bus, tied to the queue server (``motcua-pads``, whose
command line is :mod:`pad_agent.__main__`).

For each pad bus named in the configuration (the ``pad`` URL of the pad devices), one
:class:`PadAgent` opens the bus and connects one :class:`~queue_server.protocol.client.QueueClient`
per pad device on it (role ``pad``, with its token; the server sends it the events of its
counter only). Then:

- ``ticket.completed`` at a pad's counter arms the pad for that ticket (its LED lights where
  it has one); an arming nobody answers disarms itself after the pad's timeout (its device's
  ``timeout_seconds`` option; else ``--timeout``, 30 s by default);
- the first valid press (:class:`~hardware.pad.events.RatingAccepted`) is sent as
  ``rating.submit``; the server keeps one rating per ticket (a second one is refused);
- a new call at the counter, or a rating given elsewhere (the tablet, the phone), disarms it;
- the bus going away or coming back is reported with ``device.report`` (component ``pad``).

Wiring (reading the configuration, opening buses) is in :mod:`pad_agent.bootstrap`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

from hardware.pad.bus import PadBus
from hardware.pad.events import ArmExpired, PadEvent, PressIgnored, RatingAccepted
from queue_server.protocol.client import ConnectionStatus, NotConnected, QueueClient, RequestFailed

__all__ = ["PadAgent", "PadSpec"]

logger = logging.getLogger(__name__)

LINK_CHECK_SECONDS = 1.0
LINK_GRACE_SECONDS = 3.0  # a bus just opened is not reported missing before this


@dataclasses.dataclass(frozen=True)
class PadSpec:
    """One pad device of the configuration: who it is to the server and where it is on the bus."""

    device: str
    token: str
    counter: int
    address: int
    timeout: float = 30.0  # seconds the pad waits for a press once armed


ClientFactory = Callable[..., QueueClient]


class PadAgent:
    """One pad bus and the pad devices on it."""

    def __init__(
        self,
        bus: PadBus,
        pads: Sequence[PadSpec],
        server_url: str,
        *,
        client_factory: ClientFactory = QueueClient,
    ) -> None:
        self.bus = bus
        self.pads = {pad.counter: pad for pad in pads}
        self.submitted: set[int] = set()  # tickets this agent rated
        self.link_ok: bool | None = None
        self.clients = {
            pad.counter: client_factory(
                server_url,
                token=pad.token,
                on_event=lambda event, pad=pad: self.on_server_event(pad, event),
                on_status=lambda status, pad=pad: self.on_server_status(pad, status),
            )
            for pad in pads
        }
        self._background: set[asyncio.Task[Any]] = set()

    async def run(self) -> None:
        """Run until cancelled."""
        async with self.bus:
            tasks = [asyncio.create_task(client.run(), name=f"pad client {c}") for c, client in self.clients.items()]
            tasks.append(asyncio.create_task(self.watch_link(), name=f"pad link {self.bus.name}"))
            try:
                async for event in self.bus:
                    await self.on_pad_event(event)
            finally:
                for task in tasks:
                    task.cancel()
                for client in self.clients.values():
                    await client.close()
                await asyncio.gather(*tasks, return_exceptions=True)

    # from the server

    def on_server_event(self, pad: PadSpec, event: dict[str, Any]) -> None:
        if event.get("counter") != pad.counter:
            return
        kind = event.get("ev")
        if kind == "ticket.completed":
            if self._stale(event, pad.timeout):
                logger.info("pad %s: completion of %s is too old to arm for", pad.device, event.get("label"))
                return
            logger.info("pad %s: armed for %s", pad.device, event.get("label"))
            self.bus.arm(str(event["ticket"]), counter=str(pad.counter))
        elif kind == "ticket.called":
            self.bus.disarm(counter=str(pad.counter))
        elif kind == "rating.recorded" and event.get("ticket") not in self.submitted:
            self.bus.disarm(counter=str(pad.counter))  # rated on the tablet or the phone

    def on_server_status(self, pad: PadSpec, status: ConnectionStatus) -> None:
        if status is ConnectionStatus.CONNECTED and self.link_ok is not None:
            self._spawn(self._report(pad, self.link_ok))

    def _stale(self, event: dict[str, Any], timeout: float) -> bool:
        try:
            at = dt.datetime.fromisoformat(event["at"])
        except (KeyError, TypeError, ValueError):
            return False
        return (dt.datetime.now(dt.UTC) - at).total_seconds() > timeout

    # from the pads

    async def on_pad_event(self, event: PadEvent) -> None:
        if isinstance(event, RatingAccepted):
            await self.submit(event)
        elif isinstance(event, ArmExpired):
            logger.info("pad %d: nobody rated ticket %s in time", event.address, event.ticket)
        elif isinstance(event, PressIgnored):
            logger.info("pad %d: key %d ignored: %s", event.address, event.key, event.reason.value)

    async def submit(self, event: RatingAccepted) -> None:
        counter = int(event.counter) if event.counter is not None else None
        client = self.clients.get(counter) if counter is not None else None
        if client is None:
            logger.warning("pad %d: rating for an unknown counter %s dropped", event.address, event.counter)
            return
        ticket = int(event.ticket)
        self.submitted.add(ticket)
        try:
            await client.request("rating.submit", ticket=ticket, score=event.score)
            logger.info("counter %s: ticket %s rated %d", counter, ticket, event.score)
        except RequestFailed as exc:
            logger.warning("counter %s: rating of ticket %s refused: %s", counter, ticket, exc)
        except NotConnected as exc:
            logger.error("counter %s: rating of ticket %s lost, no server: %s", counter, ticket, exc)

    # the bus's health

    async def watch_link(self) -> None:
        connected = getattr(self.bus.transport, "connected", None)
        if connected is None:
            return  # a keyboard pad cannot tell
        await asyncio.sleep(LINK_GRACE_SECONDS)
        while True:
            ok = connected.is_set()
            if ok != self.link_ok:
                self.link_ok = ok
                (logger.info if ok else logger.error)("pad bus %s %s", self.bus.name, "connected" if ok else "gone")
                for pad in self.pads.values():
                    await self._report(pad, ok)
            await asyncio.sleep(LINK_CHECK_SECONDS)

    async def _report(self, pad: PadSpec, ok: bool) -> None:
        fields: dict[str, Any] = {"component": "pad", "ok": ok}
        if not ok:
            fields["detail"] = "offline"
        try:
            await self.clients[pad.counter].request("device.report", **fields)
        except (RequestFailed, NotConnected) as exc:
            logger.warning("pad %s: fault not reported (%s); again on reconnect", pad.device, exc)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
