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
- the bus going away or coming back is reported with ``device.report`` (component ``pad``);
- a pad started from its state folder (``motcua-pads --state DIR``) takes each configuration
  the server pushes (``config.changed``) at once: its timeout, the rating scale, its counter;
- a pad the server refuses (revoked, an incompatible protocol) is logged in one line with the
  server's words, and the others go on; ``on_refused`` tells the agent's runner.

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

# a pad's new settings from the server's configuration (None: not usable, keep the old ones)
Reconfigure = Callable[["PadSpec", dict[str, Any]], "PadSpec | None"]

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
    server: str = ""  # its own server's address (its state folder's); empty: the agent's
    scale: tuple[int, ...] = ()  # the scores a press may give; empty: the bus's
    config_text: str | None = dataclasses.field(default=None, repr=False)  # the server's view it came from

    def __repr__(self) -> str:  # the token stays out of logs
        return f"PadSpec({self.device!r}, counter={self.counter}, address={self.address}, timeout={self.timeout:g})"


ClientFactory = Callable[..., QueueClient]


class PadAgent:
    """One pad bus and the pad devices on it."""

    def __init__(
        self,
        bus: PadBus,
        pads: Sequence[PadSpec],
        server_url: str = "",
        *,
        client_factory: ClientFactory = QueueClient,
        reconfigure: Reconfigure | None = None,
        on_refused: Callable[[PadSpec, str | None], None] = lambda pad, words: None,
    ) -> None:
        self.bus = bus
        self.pads = {pad.counter: pad for pad in pads}
        self.submitted: set[int] = set()  # tickets this agent rated
        self.link_ok: bool | None = None
        self.reconfigure = reconfigure  # None: the pads keep what they started with (a site file)
        self.on_refused = on_refused
        self.refused: dict[str, str] = {}  # device → the server's words refusing it
        self.clients = {
            pad.counter: client_factory(
                pad.server or server_url,
                token=pad.token,
                on_event=lambda event, device=pad.device: self.on_server_event(self._pad(device), event),
                on_status=lambda status, device=pad.device: self.on_server_status(self._pad(device), status),
                on_config=lambda config, device=pad.device: self.on_config(self._pad(device), config),
            )
            for pad in pads
        }
        self._background: set[asyncio.Task[Any]] = set()

    def _pad(self, device: str) -> PadSpec:
        return next(pad for pad in self.pads.values() if pad.device == device)

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
        client = self.clients[pad.counter]
        refused = client.refused.message if client.refused is not None else None
        if refused is not None and self.refused.get(pad.device) != refused:
            code = client.refused.code if client.refused is not None else "?"
            logger.error("pad %s (counter %s) refused by the server: %s (%s)", pad.device, pad.counter, refused, code)
            self.refused[pad.device] = refused
            self.on_refused(pad, refused)
        elif status is ConnectionStatus.CONNECTED and pad.device in self.refused:
            logger.warning("pad %s (counter %s) accepted by the server again", pad.device, pad.counter)
            del self.refused[pad.device]
            self.on_refused(pad, None)
        if status is ConnectionStatus.CONNECTED and self.link_ok is not None:
            self._spawn(self._report(pad, self.link_ok))

    def on_config(self, pad: PadSpec, config: dict[str, Any]) -> None:
        """The pad's configuration from the server (hello, config.changed): applied at once."""
        if self.reconfigure is None or config.get("toml") == pad.config_text:
            return
        new = self.reconfigure(pad, config)
        if new is None:
            return
        if any(other.address == new.address and other.device != pad.device for other in self.pads.values()):
            logger.error("pad %s: address %s has a pad on this bus already; kept at %s", pad.device, new.address, pad.address)
            return
        if new.counter != pad.counter:
            if new.counter in self.pads:
                logger.error("pad %s: counter %s has a pad on this bus already; kept at %s", pad.device, new.counter, pad.counter)
                return
            self.bus.disarm(counter=str(pad.counter))
            self.clients[new.counter] = self.clients.pop(pad.counter)
            del self.pads[pad.counter]
        self.pads[new.counter] = new
        self.bus.bank.place(new.address, str(new.counter), timeout=new.timeout, scale=new.scale or None)
        logger.info("pad %s: configuration %s applied (counter %s, %g s)", pad.device, config.get("version"), new.counter, new.timeout)

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
