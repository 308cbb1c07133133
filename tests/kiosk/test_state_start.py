"""A kiosk with no site file: started with its state folder alone (the server's address and its
own token), it gets its configuration in hello, issues a ticket, and applies a new
configuration pushed by the server (config.changed) without a restart."""

from __future__ import annotations

import asyncio
from pathlib import Path

from queue_server.config.site import parse_config
from queue_server.server.reconfig import apply_config
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, queue_server, text
from tests.support.demo import DEMO_TOKENS, demo_site
from tests.support.ports import free_port


def demo_for(port: int, workdir: Path, scanner_url: str) -> str:
    """The demo centre served on ``port``, kiosk-1's printer and scanner the test's simulators."""
    return (
        demo_site()
        .replace("[site]\n", f'[site]\nserver_url = "ws://127.0.0.1:{port}/"\n', 1)
        .replace('printer = "sim://var/sim/kiosk-1-printer?width=576"', f'printer = "sim://{workdir / "printer"}?width=576"')
        .replace('scanner = "sim://kiosk-1"', f'scanner = "{scanner_url}"')
    )


def test_a_kiosk_runs_from_its_state_folder_and_takes_a_new_configuration_live(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = demo_for(port, workdir, scanner_url)
    assert f"ws://127.0.0.1:{port}/" in site and str(workdir / "printer") in site and scanner_url in site
    config = parse_config(site, workdir / "server-only" / "site.toml")
    state, cwd = workdir / "state", workdir / "cwd"
    state.mkdir()
    cwd.mkdir()
    (state / "server").write_text(f"ws://127.0.0.1:{port}/\n")
    (state / "token").write_text(DEMO_TOKENS["kiosk-1"] + "\n")
    shots = ARTEFACTS / "state-start"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            kiosk = await Kiosk.start_state(state, cwd, shots)
            try:
                home = await kiosk.wait_screen("home", 20)
                assert "Hộ tịch" in text(home)
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                assert [t.service for t in hub.lobby.state.tickets.values()] == ["HT"]
                await kiosk.done()
                await kiosk.wait_screen("home")

                renamed = parse_config(site.replace('name_vi = "Hộ tịch"', 'name_vi = "Hộ tịch – Khai sinh"', 1), "site.toml")
                assert apply_config(hub, renamed) >= 1  # what SIGHUP does (test_reload.py)
                home = await kiosk.wait_text("Hộ tịch – Khai sinh")
                await kiosk.shot("renamed")
                assert "Hộ tịch – Khai sinh" in text(home)
                assert kiosk.process.returncode is None  # the same process: no restart
            finally:
                await kiosk.close()

    asyncio.run(scenario())
    assert not list(cwd.iterdir()) or all(p.suffix != ".toml" for p in cwd.rglob("*"))
