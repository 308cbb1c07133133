"""The pad agent's one wiring place: each pad's configuration, one pad bus per ``pad`` URL, a
:class:`~pad_agent.app.PadAgent` for each, run until SIGTERM or SIGINT.

Two ways to know the pads:

- ``motcua-pads --state DIR`` (:func:`run_state`): every pad enrolled under ``DIR`` (one
  folder each, ``DIR/<device id>/token`` and ``server``: ``motcua-pads enrol``), each pad's
  configuration (pad URL, address, counter, timeout, the rating scale) from its own hello,
  and each new one (config.changed) applied live;
- ``motcua-pads --config FILE`` (:func:`run_agents`): the site file on this machine (the old
  way, kept for one more release).

Each pad waits for a press as long as its device's ``timeout_seconds`` option says; pads
that set none take ``timeout`` (``motcua-pads --timeout``). A pad the server refuses is
logged in one line and left out; when every pad is refused the agent stops
(:class:`AllRefused`, a non-zero exit)."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hardware.pad.arming import ArmingSettings
from hardware.pad.open import open_pad_bus
from hardware.urls import InvalidDeviceURL
from pad_agent.app import PadAgent, PadSpec
from queue_server.config.settings import Role, SiteConfig
from queue_server.config.site import ConfigError, load_config, parse_config
from queue_server.protocol.role_words import not_this_roles_config
from queue_server.protocol.state_dir import ConfigRefused, DeviceState, StateError, fetch_config, read_state

__all__ = ["AgentSetupError", "AllRefused", "build_agents", "enrolled_pads", "run_agents", "run_state"]

logger = logging.getLogger(__name__)


class AgentSetupError(Exception):
    """The configuration has no usable pad, or a pad URL is wrong."""


class AllRefused(Exception):
    """The server refuses every pad of this agent (each was logged with the server's words)."""


def build_agents(config: SiteConfig, server_url: str | None = None, timeout: float = 30.0) -> list[PadAgent]:
    """One agent per pad bus; nothing is opened until an agent runs. ``timeout``: for pads
    whose device sets no ``timeout_seconds``."""
    buses: dict[str, list[PadSpec]] = {}
    for device in config.devices:
        if device.role is not Role.PAD or not device.pad:
            continue
        if device.counter is None:
            raise AgentSetupError(f"pad device {device.id} has no counter")
        own = device.pad_timeout
        spec = PadSpec(device.id, device.token, device.counter, device.pad_address or 1, own or timeout)
        buses.setdefault(device.pad, []).append(spec)
    if not buses:
        raise AgentSetupError("no pad device with a pad URL in the configuration")
    scale = tuple(sorted(level.score for level in config.site.policy.rating_scale))
    agents = []
    for url, pads in buses.items():
        addresses = [pad.address for pad in pads]
        if len(set(addresses)) != len(addresses):
            raise AgentSetupError(f"two pads share an address on {url}: {sorted(addresses)}")
        try:
            bus = open_pad_bus(
                url,
                counters={pad.address: str(pad.counter) for pad in pads},
                arming=ArmingSettings(timeout=timeout, scale=scale),
                timeouts={pad.address: pad.timeout for pad in pads},
            )
        except InvalidDeviceURL as exc:
            raise AgentSetupError(str(exc)) from None
        agents.append(PadAgent(bus, pads, server_url or config.settings.server_url))
        logger.info(
            "pad bus %s: %s", url, ", ".join(f"{p.device}@{p.address}→counter {p.counter} ({p.timeout:g} s)" for p in pads)
        )
    return agents


async def run_agents(config_path: str | Path, server_url: str | None = None, timeout: float = 30.0) -> None:
    try:
        config = load_config(Path(config_path))
    except ConfigError as exc:
        raise AgentSetupError(str(exc)) from None
    await _serve(build_agents(config, server_url, timeout))


# ---- motcua-pads --state DIR ---------------------------------------------------------------


def enrolled_pads(state: Path) -> list[tuple[str, DeviceState]]:
    """The pads enrolled under ``state`` (a folder each, by device id), sorted; a folder that is
    not an enrolled pad's (no token or server) is skipped with a warning."""
    try:
        folders = sorted(p for p in state.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise AgentSetupError(f"{state}: {exc.strerror or exc}") from None
    found = []
    for folder in folders:
        try:
            found.append((folder.name, read_state(folder)))
        except StateError as exc:
            logger.warning("%s: not an enrolled pad, skipped (%s)", folder, exc)
    if not found:
        raise AgentSetupError(
            f"{state}: no pad is enrolled here — enrol each pad once: motcua-pads enrol --server ws://… --state {state} CODE"
        )
    return found


def pad_spec(config: dict[str, Any], state: DeviceState, timeout: float) -> tuple[str, PadSpec]:
    """(the pad's bus URL, its spec) from the configuration the server sent it; ``timeout``
    for a pad whose device sets none. :class:`AgentSetupError` when it is not a usable pad's."""
    source = f"<configuration {config.get('version')} from the server>"
    text = str(config.get("toml", ""))
    try:
        site = parse_config(text, source)
    except ConfigError as exc:
        raise AgentSetupError(str(exc)) from None
    pads = [d for d in site.devices if d.role is Role.PAD]
    if len(pads) != 1:
        raise AgentSetupError(f"{not_this_roles_config(site, Role.PAD)} [{source}]")
    [device] = pads
    if not device.pad or device.counter is None:
        raise AgentSetupError(f"{source}: pad device {device.id} has no pad URL or no counter")
    scale = tuple(sorted(level.score for level in site.site.policy.rating_scale))
    spec = PadSpec(
        device.id, state.token, device.counter, device.pad_address or 1, device.pad_timeout or timeout,
        server=state.server, scale=scale, config_text=text,
    )  # fmt: skip
    return device.pad, spec


async def _fetch(name: str, state: DeviceState, timeout: float) -> tuple[str, PadSpec] | None:
    """One pad's bus and spec, asked of the server; None (logged in one line) when the server
    refuses it or sends what cannot be used."""
    try:
        return pad_spec(await fetch_config(state), state, timeout)
    except ConfigRefused as exc:
        logger.error("pad %s refused by the server %s: %s (%s)", name, state.server, exc, exc.code)
    except AgentSetupError as exc:
        logger.error("pad %s: %s", name, exc)
    return None


def state_agents(found: Sequence[tuple[str, PadSpec]], timeout: float) -> list[PadAgent]:
    """One agent per bus of the pads' configurations, each pad reconfigured live."""
    buses: dict[str, list[PadSpec]] = {}
    for url, spec in found:
        buses.setdefault(url, []).append(spec)

    def reconfigure(pad: PadSpec, config: dict[str, Any]) -> PadSpec | None:
        try:
            url, new = pad_spec(config, DeviceState(pad.server, pad.token), timeout)
        except AgentSetupError as exc:
            logger.error("pad %s: the server's configuration is not usable, the pad keeps its own: %s", pad.device, exc)
            return None
        if by_device.get(pad.device) != url:
            logger.warning("pad %s: its pad URL is now %s: restart motcua-pads to move it to that bus", pad.device, url)
        return new

    by_device = {spec.device: url for url, spec in found}
    agents = []
    for url, pads in buses.items():
        addresses = [pad.address for pad in pads]
        if len(set(addresses)) != len(addresses):
            raise AgentSetupError(f"two pads share an address on {url}: {sorted(addresses)}")
        try:
            bus = open_pad_bus(
                url,
                counters={pad.address: str(pad.counter) for pad in pads},
                arming=ArmingSettings(timeout=timeout, scale=pads[0].scale),
                timeouts={pad.address: pad.timeout for pad in pads},
            )
        except InvalidDeviceURL as exc:
            raise AgentSetupError(str(exc)) from None
        agents.append(PadAgent(bus, pads, reconfigure=reconfigure))
        logger.info(
            "pad bus %s: %s", url, ", ".join(f"{p.device}@{p.address}→counter {p.counter} ({p.timeout:g} s)" for p in pads)
        )
    return agents


async def run_state(state: Path, timeout: float = 30.0) -> None:
    """Every pad enrolled under ``state``, until SIGTERM or SIGINT; :class:`AllRefused` when
    the server refuses every one (at start, or later: each is logged)."""
    enrolled = enrolled_pads(state)
    fetched = await asyncio.gather(*(_fetch(name, own, timeout) for name, own in enrolled))
    found = [item for item in fetched if item is not None]
    if not found:
        raise AllRefused(f"none of the {len(enrolled)} pad(s) enrolled under {state} can run (see above)")
    await _serve(state_agents(found, timeout))


async def _serve(agents: list[PadAgent]) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    total = sum(len(a.pads) for a in agents)
    refused: set[str] = set()

    def on_refused(pad: PadSpec, words: str | None) -> None:
        (refused.add if words is not None else refused.discard)(pad.device)
        if len(refused) == total and not stop.done():
            stop.set_exception(AllRefused(f"the server refuses every pad ({total}): see above"))

    for agent in agents:
        agent.on_refused = on_refused
    tasks = [asyncio.create_task(agent.run(), name=f"pad agent {agent.bus.name}") for agent in agents]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print(f"motcua-pads: {len(agents)} pad bus(es), {total} pad(s)", flush=True)
    try:
        await asyncio.wait([stop, *tasks], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        for result in results:
            if isinstance(result, Exception):
                logger.error("a pad agent failed: %r", result)
    if stop.done():
        stop.result()  # AllRefused
