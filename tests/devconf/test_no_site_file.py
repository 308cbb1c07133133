"""Issue 20's "Done when": a kiosk, a board and a pad agent run with NO site file on their
machine, each its own process started from its state folder alone in an empty working folder
(the kiosk and the board in real windows under Xvfb), against a real server whose site file
carries SMS, Zalo, webhook, dossier-source, central and payment secrets, every device's token
and the officers. Between each device and the server a recording relay (a real websockets
server forwarding both ways) keeps every frame: no frame a device received, and no file it
wrote under its folders, holds another device's token, a secret of the site or an officer's
name, user or PIN hash. And the lobby works: the kiosk issues a ticket, the board shows its
call, the pad rates it."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from hardware.pad.events import LedState
from hardware.simulators.pad import SimulatedPadBus
from hardware.simulators.paths import SimPaths
from hardware.simulators.scanner import SimulatedScanner
from queue_server.config.site import parse_config
from tests.devconf.test_device_view import SITE, secrets_beside
from tests.display_board.conftest import BoardProcess
from tests.integration.client import Client
from tests.kiosk.support import ARTEFACTS, Kiosk
from tests.support.demo import DEMO_TOKENS, OFFICERS
from tests.support.ports import free_port
from tests.support.relay import RecordingRelay
from tests.support.servers import running_server

ROOT = Path(__file__).resolve().parents[2]


def site_for(port: int, tmp_path: Path) -> str:
    """The demo centre with every secret (tests/devconf/test_device_view.py), served on
    ``port``; the kiosk's scanner and the pads' bus are the test's simulators, the board's voice
    off (no voice pack to make: the board shows the calls)."""
    text = SITE.replace("[site]\n", f'[site]\nserver_url = "ws://127.0.0.1:{port}/"\n', 1)
    text = text.replace('scanner = "sim://kiosk-1"', f'scanner = "sim://k1?dir={tmp_path / "sim"}"', 1)
    text = text.replace('pad = "sim://pads"', f'pad = "sim://pads?dir={tmp_path / "sim"}&reconnect_initial=0.02&reconnect_max=0.1"')
    board = 'options = { layout = "landscape", voice_repeat = 2, english_voice = true, highlight_seconds = 10 }'
    assert board in text
    return text.replace(board, 'options = { layout = "landscape", voice = false, highlight_seconds = 60 }', 1)


def enrolled(folder: Path, server: str, token: str) -> Path:
    """A state folder as ``enrol`` leaves it: the server's address and the device's token."""
    folder.mkdir(parents=True)
    (folder / "server").write_text(server + "\n")
    (folder / "token").write_text(token + "\n")
    (folder / "token").chmod(0o600)
    return folder


def strings(value: Any) -> Iterator[str]:
    """Every text in a frame, decoded: JSON's strings, and the strings of a TOML text in it
    (the configuration), so that no escaping hides a secret from the search."""
    if isinstance(value, str):
        yield value
        if "\n[" in value or value.startswith("["):
            try:
                yield from strings(tomllib.loads(value))
            except tomllib.TOMLDecodeError:
                pass
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif value is not None:
        yield str(value)


def frame_texts(frames: list[str]) -> list[str]:
    texts = []
    for frame in frames:
        texts.append(frame)
        texts.extend(strings(json.loads(frame)))
    return texts


def file_texts(folder: Path) -> dict[str, str]:
    """Every file under ``folder``, read as text (bytes that are not text decoded as such)."""
    return {
        str(path.relative_to(folder)): path.read_bytes().decode("utf-8", "replace")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leaks(texts: list[str] | dict[str, str], forbidden: set[str]) -> list[tuple[str, str]]:
    """(where, secret) for each forbidden text found."""
    items = texts.items() if isinstance(texts, dict) else ((f"frame text {i}", t) for i, t in enumerate(texts))
    return sorted({(where, secret) for where, text in items for secret in forbidden if secret in text})


async def hello(url: str, token: str) -> Client:
    client = await Client.open(url)
    await client.ok("hello", token=token)
    return client


def test_kiosk_board_and_pads_run_with_no_site_file_and_learn_no_secret(tmp_path: Path) -> None:
    port = free_port()
    site = site_for(port, tmp_path)
    config = parse_config(site, tmp_path / "server" / "site.toml")  # the file stays on the server
    assert config.outreach.webhooks and config.outreach.notifications and config.central and config.payment
    officers = {o[key] for o in tomllib.loads(site)["officer"] for key in ("user", "name", "pin_hash") if key in o}
    assert "Nguyễn Thị Lan" in officers and "lan.nguyen" in officers
    kiosk_home, board_home, pads_home = tmp_path / "kiosk", tmp_path / "board", tmp_path / "pads"
    for home in (kiosk_home, board_home, pads_home):
        (home / "cwd").mkdir(parents=True)
    (tmp_path / "sim").mkdir()
    scanner = SimulatedScanner(SimPaths.of("k1", tmp_path / "sim"))
    pads_bus = SimulatedPadBus(SimPaths.of("pads", tmp_path / "sim"))

    async def scenario() -> dict[str, list[str]]:
        async with (
            running_server(config, tmp_path / "server" / "lobby.db", port) as running,
            RecordingRelay(running.url) as kiosk_relay,
            RecordingRelay(running.url) as board_relay,
            RecordingRelay(running.url) as pads_relay,
        ):
            kiosk_state = enrolled(kiosk_home / "state", kiosk_relay.url, DEMO_TOKENS["kiosk-1"])
            board_state = enrolled(board_home / "state", board_relay.url, DEMO_TOKENS["board-hall"])
            for pad in ("pad-1", "pad-3"):
                enrolled(pads_home / "state" / pad, pads_relay.url, DEMO_TOKENS[pad])
            manager = await hello(running.url, DEMO_TOKENS["manager"])
            counter = await hello(running.url, DEMO_TOKENS["counter-1"])
            await counter.ok("officer.sign_in", user=OFFICERS[1][0], pin=OFFICERS[1][1])
            await counter.ok("counter.open")

            pads = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "pad_agent", "--state", str(pads_home / "state"), "-v",
                cwd=pads_home / "cwd", env=dict(os.environ, PYTHONPATH=str(ROOT)),
                stdout=asyncio.subprocess.PIPE, stderr=(pads_home / "pads.log").open("wb"),
            )  # fmt: skip
            board = await BoardProcess.start_state(board_state, board_home / "cwd", log=board_home / "board.log")
            kiosk = await Kiosk.start_state(kiosk_state, kiosk_home / "cwd", ARTEFACTS / "no-site-file")
            try:
                assert pads.stdout is not None
                line = await asyncio.wait_for(pads.stdout.readline(), 30)
                assert line.decode().startswith("motcua-pads: 1 pad bus(es), 2 pad(s)"), (pads_home / "pads.log").read_text()
                await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the board's snapshot")

                # the kiosk issues a ticket, the board shows its call, the pad rates it
                home = await kiosk.wait_screen("home", 20)
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                [ticket] = running.hub.lobby.state.tickets.values()
                await kiosk.done()
                called = (await counter.ok("ticket.call_next"))["ticket"]
                assert called["label"] == ticket.label
                await board.wait_for(lambda s: s["featured_text"] == ticket.label, what=f"{ticket.label} on the board")
                await board.shot("no-site-file-board.png")
                await counter.ok("ticket.complete")
                assert await asyncio.to_thread(pads_bus.wait_for, lambda: pads_bus.leds.get(1) is LedState.ARMED, 10)
                manager.drain()
                pads_bus.press(1, 4)
                rating = await manager.next_event("rating.recorded", timeout=10)
                assert (rating["ticket"], rating["score"], rating["source"]) == (ticket.id, 4, "pad-1")
                assert "Hộ tịch" in json.dumps(home, ensure_ascii=False)
            finally:
                await kiosk.close()
                await board.stop()
                if pads.returncode is None:
                    pads.terminate()
                    await pads.wait()
                for client in (manager, counter):
                    await client.close()
        return {"kiosk-1": kiosk_relay.received, "board-hall": board_relay.received, "pads": pads_relay.received}

    with scanner, pads_bus:
        received = asyncio.run(scenario())

    # what each relay carried is the devices' traffic, not nothing: their configuration and the ticket
    for device, frames in received.items():
        messages = [json.loads(f) for f in frames]
        configs = [m["config"]["toml"] for m in messages if isinstance(m.get("config"), dict)]
        assert configs, f"{device}: no hello with a configuration went through the relay"
        own = {d["id"] for toml in configs for d in tomllib.loads(toml)["device"]}
        assert own == ({"pad-1", "pad-3"} if device == "pads" else {device})
    words = {e for hook in tomllib.loads(site)["webhook"] for e in hook.get("events", ())}  # event names, no secret
    forbidden = {
        "kiosk-1": secrets_beside("kiosk-1") - words,
        "board-hall": secrets_beside("board-hall") - words,
        "pads": (secrets_beside("pad-1") & secrets_beside("pad-3")) - words,  # each holds its own token only
    }
    homes = {"kiosk-1": kiosk_home, "board-hall": board_home, "pads": pads_home}
    for device, frames in received.items():
        assert officers <= forbidden[device] and DEMO_TOKENS["manager"] in forbidden[device]
        found = leaks(frame_texts(frames), forbidden[device])
        assert found == [], f"{device} received secrets: {sorted({secret for _, secret in found})}"
        files = file_texts(homes[device])
        if device == "kiosk-1":  # its log (the harness's stderr) and screenshots are kept with the artefacts
            files |= {f"artefacts/{k}": v for k, v in file_texts(ARTEFACTS / "no-site-file").items()}
        assert any(name.startswith("state/") for name in files), files
        found = leaks(files, forbidden[device])
        assert found == [], f"{device} wrote secrets: {found}"
        assert not [name for name in files if name.endswith(".toml") and "cwd/" in name]  # no site file written
    assert ARTEFACTS.joinpath("no-site-file").is_dir()
