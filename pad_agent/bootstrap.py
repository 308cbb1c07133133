"""The pad agent's one wiring place: read the site's configuration, open one pad bus per
``pad`` URL, run a :class:`~pad_agent.app.PadAgent` for each until SIGTERM or SIGINT.

Each pad waits for a press as long as its device's ``timeout_seconds`` option says; pads
that set none take ``timeout`` (``motcua-pads --timeout``)."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

from hardware.pad.arming import ArmingSettings
from hardware.pad.open import open_pad_bus
from hardware.urls import InvalidDeviceURL
from pad_agent.app import PadAgent, PadSpec
from queue_server.config.settings import Role, SiteConfig
from queue_server.config.site import ConfigError, load_config

__all__ = ["AgentSetupError", "build_agents", "run_agents"]

logger = logging.getLogger(__name__)


class AgentSetupError(Exception):
    """The configuration has no usable pad, or a pad URL is wrong."""


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
    agents = build_agents(config, server_url, timeout)
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(agent.run(), name=f"pad agent {agent.bus.name}") for agent in agents]
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    print(f"motcua-pads: {len(agents)} pad bus(es), {sum(len(a.pads) for a in agents)} pad(s)", flush=True)
    await asyncio.wait([stop, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        task.cancel()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, Exception):
            logger.error("a pad agent failed: %r", result)
