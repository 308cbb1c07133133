"""The pad agent with no site file: two pads enrolled with ``motcua-pads enrol`` (each its own
token in ``STATE/<device id>/``), ``motcua-pads --state STATE`` run as its own process in an
empty working folder against a real server (a real SQLite file), the simulated pad bus on a
real pty. A completed ticket arms the right pad and the press lands as a rating; a new pad
timeout pushed by a reload applies at once; a revoked pad is logged in one line while the
other goes on, and the agent exits non-zero when every pad is refused."""

from __future__ import annotations

import asyncio
import os
import stat
import sys
from pathlib import Path

from hardware.pad.events import LedState
from hardware.simulators.pad import SimulatedPadBus
from hardware.simulators.paths import SimPaths
from pad_agent.__main__ import main as pads_main
from queue_server.config.site import parse_config
from queue_server.server.reconfig import apply_config
from queue_server.server.trust import REVOKED_WORDS
from tests.integration.client import Client
from tests.support.demo import DEMO_TOKENS, OFFICERS, demo_site
from tests.support.ports import free_port
from tests.support.servers import running_server

ROOT = Path(__file__).resolve().parents[2]
FAST = "reconnect_initial=0.02&reconnect_max=0.1"


def pads_site(tmp_path: Path) -> str:
    return demo_site().replace('pad = "sim://pads"', f'pad = "sim://pads?dir={tmp_path}&{FAST}"')


async def hello(url: str, token: str) -> Client:
    client = await Client.open(url)
    await client.ok("hello", token=token)
    return client


async def run(*argv: str, cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, *argv, cwd=cwd, env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def serve_one(url: str, counter: int) -> tuple[Client, dict]:
    officer = await hello(url, f"demo-counter-{counter}-token")
    user, pin = OFFICERS[counter]
    await officer.ok("officer.sign_in", user=user, pin=pin)
    await officer.ok("counter.open")
    await officer.ok("ticket.call_next")
    return officer, (await officer.ok("ticket.complete"))["ticket"]


async def next_line(stream: asyncio.StreamReader, needle: str, seen: list[str], timeout: float = 20) -> str:
    async with asyncio.timeout(timeout):
        while True:
            line = (await stream.readline()).decode()
            if not line:
                raise AssertionError(f"the agent's output ended before {needle!r}:\n{''.join(seen)}")
            seen.append(line)
            if needle in line:
                return line


def test_motcua_pads_takes_a_state_folder_or_a_site_file_not_both(capsys, tmp_path: Path) -> None:
    for argv in ([], ["--state", str(tmp_path), "--config", "site.toml"], ["--state", str(tmp_path), "--server", "ws://x/"]):
        try:
            pads_main(argv)
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError(f"{argv} was taken")
        assert "give --state DIR, or --config FILE [--server URL]" in capsys.readouterr().err
    assert pads_main(["--state", str(tmp_path)]) == 2
    assert f"{tmp_path}: no pad is enrolled here — enrol each pad once: motcua-pads enrol" in capsys.readouterr().err


def test_two_enrolled_pads_run_from_their_state_folder(tmp_path: Path) -> None:
    site = pads_site(tmp_path)
    config = parse_config(site, tmp_path / "server-only" / "site.toml")
    sim = SimulatedPadBus(SimPaths.of("pads", tmp_path))
    state, cwd = tmp_path / "pads", tmp_path / "cwd"
    cwd.mkdir()
    port = free_port()

    async def scenario() -> None:
        async with running_server(config, tmp_path / "lobby.db", port) as running:
            url = running.url
            manager = await hello(url, DEMO_TOKENS["manager"])
            for device in ("pad-1", "pad-3"):  # each pad once, as the installer's docs say
                code = (await manager.ok("device.enrolment_code", device=device))["code"]
                status, out, err = await run("-m", "pad_agent", "enrol", "--server", url, "--state", str(state), code, cwd=cwd)
                assert status == 0, err
                assert f"enrolled as {device} (pad); token in {state / device / 'token'}" in out
                assert stat.S_IMODE((state / device / "token").stat().st_mode) == 0o600
                assert (state / device / "server").read_text().strip() == url
                assert (state / device / "token").read_text().strip() != DEMO_TOKENS[device]  # its own, new
            # a code of another role is refused by the server (not used), and nothing written
            code = (await manager.ok("device.enrolment_code", device="board-floor2"))["code"]
            status, _out, err = await run("-m", "pad_agent", "enrol", "--server", url, "--state", str(state), code, cwd=cwd)
            assert status == 2 and "(enrol_wrong_role)" in err
            assert "Mã này dành cho thiết bị khác (bảng hiển thị board-floor2), không phải bàn phím đánh giá" in err
            assert sorted(p.name for p in state.iterdir()) == ["pad-1", "pad-3"]

            agent = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "pad_agent", "--state", str(state), "--timeout", "20", "-v",
                cwd=cwd, env=dict(os.environ, PYTHONPATH=str(ROOT)),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            assert agent.stdout is not None
            seen: list[str] = []
            try:
                await next_line(agent.stdout, "motcua-pads: 1 pad bus(es), 2 pad(s)", seen)
                assert any("pad-1@1→counter 1 (20 s)" in s and "pad-3@3→counter 3 (45 s)" in s for s in seen), seen
                kiosk = await hello(url, DEMO_TOKENS["kiosk-1"])
                await kiosk.ok("ticket.issue", service="DD")  # served at counter 3
                await asyncio.sleep(1.0)  # the agent's clients have said hello (no ticket before)
                counter_3, served = await serve_one(url, 3)
                assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(3) is LedState.ARMED, 10), seen
                assert sim.leds.get(1) is not LedState.ARMED  # the right pad only
                manager.drain()
                sim.press(3, 2)
                rating = await manager.next_event("rating.recorded", timeout=10)
                assert (rating["ticket"], rating["score"], rating["source"]) == (served["id"], 2, "pad-3")

                # motcua-server reload: pad-3 now waits 1 s (was 45): the next arming goes dark at once
                faster = parse_config(site.replace("options = { timeout_seconds = 45 }", "options = { timeout_seconds = 1 }", 1), "site.toml")
                assert faster.device("pad-3").pad_timeout == 1.0
                assert apply_config(running.hub, faster) >= 2
                applied = await next_line(agent.stdout, "pad pad-3: configuration", seen)
                assert "applied (counter 3, 1 s)" in applied
                await kiosk.ok("ticket.issue", service="DD")
                await counter_3.ok("ticket.call_next")
                await counter_3.ok("ticket.complete")
                assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(3) is LedState.ARMED, 10)
                assert await asyncio.to_thread(sim.wait_for, lambda: sim.leds.get(3) is LedState.OFF, 10)  # not 45 s

                # revoked: one clear line each; the agent goes on until every pad is refused
                await manager.ok("device.revoke", device="pad-1")
                line = await next_line(agent.stdout, "pad pad-1 (counter 1) refused by the server", seen)
                assert REVOKED_WORDS in line and "(device_revoked)" in line
                assert agent.returncode is None
                await manager.ok("device.revoke", device="pad-3")
                await next_line(agent.stdout, "pad pad-3 (counter 3) refused by the server", seen)
                await next_line(agent.stdout, "motcua-pads: the server refuses every pad (2)", seen)
                assert await asyncio.wait_for(agent.wait(), 15) == 1
                refusals = [s for s in seen if "refused by the server" in s]
                assert len(refusals) == 2, refusals  # one line a pad, not one a reconnect
                for client in (kiosk, counter_3, manager):
                    await client.close()
            finally:
                if agent.returncode is None:
                    agent.terminate()
                    await agent.wait()
        assert list(cwd.iterdir()) == []  # the agent writes nothing where it runs

        # started again: every pad is refused at once, each in one line, exit 1
        async with running_server(config, tmp_path / "lobby.db", port):
            status, out, err = await run("-m", "pad_agent", "--state", str(state), cwd=cwd)
            assert status == 1, (out, err)
            assert err.count("refused by the server") == 2 and REVOKED_WORDS in err
            assert "motcua-pads: none of the 2 pad(s) enrolled under" in err

    with sim:
        asyncio.run(scenario())
