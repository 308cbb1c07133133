"""The pad agent with each pad's own timeout: the real agent, a real queue server on the demo
site (a real SQLite file), and the simulated pad bus on a real pty.

In the demo configuration pad-3 sets ``timeout_seconds = 45``; pad-1 sets none and takes the
agent's default (``motcua-pads --timeout``, 1 s here): armed together, pad-1 goes dark after
a second while pad-3 still takes its press."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from hardware.pad.events import LedState
from hardware.simulators.pad import SimulatedPadBus
from hardware.simulators.paths import SimPaths
from pad_agent.bootstrap import build_agents
from queue_server.config.site import load_config
from tests.integration.client import Client
from tests.integration.conftest import running_lobby

ROOT = Path(__file__).resolve().parents[2]
FAST = "reconnect_initial=0.02&reconnect_max=0.1"


def demo_site(tmp_path: Path) -> Path:
    text = (ROOT / "assets" / "demo.toml").read_text(encoding="utf-8")
    text = text.replace('pad = "sim://pads"', f'pad = "sim://pads?dir={tmp_path}&{FAST}"')
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def device(url: str, token: str) -> Client:
    client = await Client.open(url)
    assert (await client.ok("hello", token=token))["ok"]
    return client


async def serve_one(url: str, counter: str, user: str, pin: str, label: str) -> tuple[Client, dict]:
    officer = await device(url, f"demo-{counter}-token")
    await officer.ok("officer.sign_in", user=user, pin=pin)
    await officer.ok("counter.open")
    assert (await officer.ok("ticket.call_next"))["ticket"]["label"] == label
    return officer, (await officer.ok("ticket.complete"))["ticket"]


def test_each_pad_waits_as_long_as_its_device_says(tmp_path: Path) -> None:
    sim = SimulatedPadBus(SimPaths.of("pads", tmp_path))
    config = load_config(demo_site(tmp_path))
    assert config.device("pad-3").pad_timeout == 45.0 and config.device("pad-1").pad_timeout is None

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", config=config) as lobby:
            [agent] = build_agents(config, lobby.url, timeout=1.0)
            assert {pad.device: pad.timeout for pad in agent.pads.values()} == {"pad-1": 1.0, "pad-3": 45.0, "pad-6": 1.0}
            agent.bus.poll_interval = 0.05
            running = asyncio.create_task(agent.run())
            try:
                kiosk = await device(lobby.url, "demo-kiosk-1-token")
                manager = await device(lobby.url, "demo-manager-token")
                await kiosk.ok("ticket.issue", service="HT")
                await kiosk.ok("ticket.issue", service="DD")
                lit = lambda: sim.leds.get(1) is LedState.ARMED and sim.leds.get(3) is LedState.ARMED  # noqa: E731 - a named condition, waited on below
                counter_1, at_1 = await serve_one(lobby.url, "counter-1", "lan.nguyen", "1001", "A001")
                counter_3, at_3 = await serve_one(lobby.url, "counter-3", "hung.tran", "1002", "B001")
                assert await asyncio.to_thread(sim.wait_for, lit, 5)
                armed = time.monotonic()

                # pad-1 (the agent's 1 s) goes dark; pad-3 (its own 45 s) stays lit
                assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(1) is LedState.OFF, 5)
                assert time.monotonic() - armed < 3
                await asyncio.sleep(1.0)
                assert sim.leds.get(3) is LedState.ARMED
                sim.press(1, 4)  # too late: rates nothing
                sim.press(3, 2)
                rating = await manager.next_event("rating.recorded", timeout=5)
                assert (rating["ticket"], rating["score"], rating["source"]) == (at_3["id"], 2, "pad-3")
                await asyncio.sleep(0.5)
                assert [e for e in manager.drain() if e["ev"] == "rating.recorded"] == []
                # the late press gave A001 no rating: it can still be rated (once) another way
                await counter_1.ok("rating.submit", ticket=at_1["id"], score=3)
                for client in (kiosk, manager, counter_1, counter_3):
                    await client.close()
            finally:
                running.cancel()
                await asyncio.gather(running, return_exceptions=True)

    with sim:
        asyncio.run(scenario())
