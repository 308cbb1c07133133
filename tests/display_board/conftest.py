"""Fixtures for the display board: the espeak-ng voice pack (made once per session), a short
recorded-style pack, a queue server in a subprocess (tests/support/servers.py), and boards running in their own process."""

from __future__ import annotations

import array
import asyncio
import json
import math
import os
import shutil
import sys
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from display_board.voicegen import TEMPLATE, build_pack
from tests.support.demo import demo_site
from tests.support.servers import ServerProcess
from voice.audio import Pcm

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts" / "display_board"



@pytest.fixture(scope="session")
def espeak_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default pack, made by the repository's script with espeak-ng, once per session."""
    return build_pack(tmp_path_factory.mktemp("voice") / "vi-espeak")


def tone(rate: int, seconds: float, frequency: float, level: float = 0.5) -> Pcm:
    count = int(rate * seconds)
    return Pcm(rate, array.array("h", (int(level * 32767 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(count))))


@pytest.fixture(scope="session")
def short_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pack as a centre would drop in (same manifest, its own files: 44.1 kHz stereo here),
    with short clips so that bursts play quickly: every clip is a 60 ms tone, the chime 150 ms."""
    folder = tmp_path_factory.mktemp("voice") / "short"
    data = tomllib.loads(TEMPLATE.read_text(encoding="utf-8"))
    for language in ("vi", "en"):
        for index, file in enumerate(data[language].values()):
            path = folder / file
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_stereo(tone(44100, 0.06, 300 + 10 * index), path)
    _write_stereo(tone(44100, 0.15, 880), folder / "chime.wav")
    shutil.copyfile(TEMPLATE, folder / "manifest.toml")
    return folder


def _write_stereo(pcm: Pcm, path: Path) -> None:
    import wave

    stereo = array.array("h")
    for sample in pcm.samples:
        stereo.extend((sample, sample))
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(pcm.rate)
        wav.writeframes(stereo.tobytes())


def site_file(tmp_path: Path, port: int | None, options: dict[str, dict[str, Any]]) -> Path:
    """The demo centre's configuration with the given boards' options (and this port in its
    public URL; None: the demo's, for a server on port 0 — the boards never show that URL)."""
    text = demo_site(public_url=None if port is None else f"http://127.0.0.1:{port}")
    blocks = text.split("\n[[device]]\n")
    for device, values in options.items():
        inline = ", ".join(f"{key} = {json.dumps(value)}" for key, value in values.items())
        (index,) = [i for i, block in enumerate(blocks) if block.startswith(f'id = "{device}"\nrole = "display"\n')]
        lines = [line for line in blocks[index].split("\n") if not line.startswith("options = ")]
        lines.insert(2, f"options = {{ {inline} }}")  # the test's options replace the demo's
        blocks[index] = "\n".join(lines)
    text = "\n[[device]]\n".join(blocks)
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def server_factory(tmp_path: Path):
    servers: list[ServerProcess] = []

    def make(options: dict[str, dict[str, Any]]) -> ServerProcess:
        server = ServerProcess(site_file(tmp_path, None, options), tmp_path / "lobby.db").start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.kill()


class BoardProcess:
    """A board (tests/display_board/harness.py) in its own process; ask it for its state."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def start(
        cls, server: ServerProcess, device: str, size: str, var: Path, pack: Path, layout: str | None = None,
        audio_driver: str = "dummy",
    ) -> BoardProcess:
        (var / "voice").mkdir(parents=True, exist_ok=True)
        link = var / "voice" / "vi-espeak"
        if not link.exists():
            link.symlink_to(pack, target_is_directory=True)
        env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", SDL_AUDIODRIVER=audio_driver,
                   KIVY_HOME=str(var / "kivy-home"))  # fmt: skip
        command = [sys.executable, "-m", "tests.display_board.harness", "--config", str(server.config),
                   "--device", device, "--server", server.url, "--size", size, "--var", str(var)]  # fmt: skip
        if layout:
            command += ["--layout", layout]
        log = var / f"board-{device}-{size}.log"
        process = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log.open("wb"),
        )  # fmt: skip
        return cls(process, log)

    @classmethod
    async def start_state(
        cls, state: Path, cwd: Path, size: str = "1366x768", protocol: int | None = None, log: Path | None = None
    ) -> BoardProcess:
        """The board as ``motcua-display --state DIR`` starts it, in ``cwd`` (no site file, no
        ``--var``: its calls' sound goes to ``cwd/var``); ``protocol``: a board of another release."""
        env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1", SDL_AUDIODRIVER="dummy",
                   KIVY_HOME=str(state.parent / "kivy-home"), PYTHONPATH=str(ROOT))  # fmt: skip
        command = [sys.executable, "-m", "tests.display_board.harness", "--state", str(state), "--size", size]
        if protocol is not None:
            command += ["--protocol", str(protocol)]
        log = log or state.parent / f"board-{state.name}.log"
        process = await asyncio.create_subprocess_exec(
            *command, cwd=cwd, env=env, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=log.open("wb"),
        )  # fmt: skip
        return cls(process, log)

    async def ask(self, command: str, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write((json.dumps({"cmd": command, **args}) + "\n").encode())
        await self.process.stdin.drain()
        line = await asyncio.wait_for(self.process.stdout.readline(), 30)
        if not line:
            raise AssertionError(f"the board process ended; its log:\n{self.log.read_text()[-3000:]}")
        reply = json.loads(line)
        assert reply["ok"], reply
        return reply

    async def state(self) -> dict[str, Any]:
        return (await self.ask("state"))["state"]

    async def wait_for(self, predicate, timeout: float = 20, what: str = "") -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            state = await self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; last state: {json.dumps(state)[:2000]}")
            await asyncio.sleep(0.2)

    async def cells_when(self, predicate, timeout: float = 5, what: str = "") -> dict[str, Any]:
        """The tables' cells once ``predicate`` holds of them: the screen follows the board's view
        at its next frame, so a test that saw the view change waits for the widgets too."""
        deadline = time.monotonic() + timeout
        while True:
            tables = (await self.ask("cells"))["tables"]
            if predicate(tables):
                return tables
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what} on screen; last cells: {json.dumps(tables)[:2000]}")
            await asyncio.sleep(0.1)

    async def shot(self, name: str) -> Path:
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTEFACTS / name
        await self.ask("shot", path=str(path))
        return path

    async def stop(self) -> None:
        if self.process.returncode is None:
            try:
                await self.ask("quit")
                await asyncio.wait_for(self.process.wait(), 10)
            except (AssertionError, TimeoutError, BrokenPipeError, ConnectionResetError):
                self.process.kill()
                await self.process.wait()
