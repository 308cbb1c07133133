"""What the kiosk's tests share: a small real site, a real queue server in-process on a port
chosen up front (so it can be stopped and started again on it), and a driver for the kiosk
app running in its own process (``tests/kiosk/harness.py``)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

from queue_server.config.settings import SiteConfig
from queue_server.config.site import load_config
from queue_server.core import pins
from queue_server.server.hub import Hub
from tests.support.servers import running_server

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts" / "kiosk"
ADMIN_PIN = "2468"
ADMIN_PIN_HASH = pins.hash_pin(ADMIN_PIN)
KIOSK_TOKEN = "test-kiosk-1-token-0001"
MANAGER_TOKEN = "test-manager-token-0001"
INTEGRATION_TOKEN = "test-integration-token-01"
PUBLIC_URL = "http://hcc.test"

SITE = """\
[site]
id = "kiosk-test"
name = "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh"
public_url = "{public_url}"
server_url = "ws://127.0.0.1:{port}/"

[hours]
days = "mon-sun"
times = ["00:00-24:00"]

[[service]]
code = "HT"
prefix = "A"
name_vi = "Hộ tịch"
name_en = "Civil status"
slot_minutes = 15
slot_capacity = 2

[[service]]
code = "DD"
prefix = "B"
name_vi = "Đất đai"
name_en = "Land"

[[service]]
code = "DKKD"
prefix = "C"
name_vi = "Đăng ký kinh doanh"
name_en = "Business registration"

[[service]]
code = "XD"
prefix = "H"
name_vi = "Xây dựng"
name_en = "Construction permits"
hours = {{ days = "mon-fri", times = ["07:30-08:30"], by_day = {{}} }}

[[service]]
code = "KQ"
prefix = "K"
name_vi = "Nhận kết quả"
name_en = "Collect results"
daily_cap = 1

[[counter]]
number = 1
name = "Quầy 1"
services = ["HT", "DD", "DKKD", "XD", "KQ"]

[[device]]
id = "kiosk-1"
role = "kiosk"
name = "Ki-ốt sảnh chính"
token = "{kiosk_token}"
printer = "sim://{printer}?width=576"
scanner = "{scanner}"
options = {options}

[[device]]
id = "manager"
role = "manager"
token = "{manager_token}"

[[device]]
id = "one-stop-portal"
role = "integration"
token = "{integration_token}"
"""


def toml_inline(options: Mapping[str, Any]) -> str:
    return "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in options.items()) + " }"


def write_site(directory: Path, port: int, scanner: str, **options: Any) -> Path:
    values = {"idle_seconds": 30, "result_seconds": 6, "admin_pin_hash": ADMIN_PIN_HASH, "fullscreen": True}
    values.update(options)
    path = directory / "site.toml"
    path.write_text(
        SITE.format(
            public_url=PUBLIC_URL, port=port, kiosk_token=KIOSK_TOKEN, printer=directory / "printer",
            scanner=scanner, options=toml_inline(values), manager_token=MANAGER_TOKEN,
            integration_token=INTEGRATION_TOKEN,
        ),  # fmt: skip
        encoding="utf-8",
    )
    return path


class Clock:
    """A clock the test moves by hand: Monday 2026-11-23 09:00 in Hanoi time."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.now = dt.datetime(2026, 11, 23, 9, 0, tzinfo=tz)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@contextlib.asynccontextmanager
async def queue_server(config: SiteConfig, db: Path, port: int, clock: Clock, **options: Any) -> AsyncIterator[Hub]:
    """A real server (real SQLite file) on ``port``; stopping it closes every connection
    (``options``: ``running_server``'s, e.g. ``http_limits``)."""
    async with running_server(config, db, port, clock, **options) as running:
        yield running.hub


class KioskFailed(AssertionError):
    pass


class Kiosk:
    """The kiosk app in its own process, under the X display the tests run on."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    @classmethod
    async def start_state(cls, state: Path, cwd: Path, artefacts: Path, *more: str) -> Kiosk:
        """The kiosk started with its state folder alone, in ``cwd`` (no site file there);
        ``more``: the harness's options (``--scanner URL``, ``--protocol N``)."""
        return await cls.start(state, artefacts, ("--state", str(state), *more), cwd)

    @classmethod
    async def start(
        cls, config: Path, artefacts: Path, how: tuple[str, ...] | None = None, cwd: Path = ROOT
    ) -> Kiosk:
        artefacts.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, KIVY_NO_ARGS="1", KIVY_HOME=str(config.parent / "kivy"), PYTHONPATH=str(ROOT))
        env.pop("KIVY_NO_CONSOLELOG", None)
        env.pop("KIVY_GL_BACKEND", None)
        log = artefacts / "kiosk.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.kiosk.harness", *(how or ("--config", str(config), "--device", "kiosk-1")),
            "--artefacts", str(artefacts),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log.open("wb"),
            cwd=cwd, env=env,
        )  # fmt: skip
        kiosk = cls(process, log)
        await kiosk.cmd("ready", timeout=60)
        return kiosk

    async def cmd(self, cmd: str, timeout: float = 15.0, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        if cmd == "type":  # one tap a key, each drawn: a long code on a loaded machine takes a while
            timeout = max(timeout, 2.0 * len(args.get("text", "")))
        self.process.stdin.write((json.dumps({"cmd": cmd, **args}) + "\n").encode())
        await self.process.stdin.drain()
        try:
            while True:
                line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
                if not line:
                    raise KioskFailed(f"the kiosk exited ({self.process.returncode}):\n{self.tail()}")
                if line.startswith(b"@@ "):
                    break
        except TimeoutError:
            raise KioskFailed(f"no answer to {cmd} {args} in {timeout} s:\n{self.tail()}") from None
        answer = json.loads(line[3:])
        if not answer.pop("ok"):
            raise KioskFailed(f"{cmd} {args}: {answer['error']}\n{self.tail()}")
        return answer

    def tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-30:])

    async def wait_screen(self, name: str, limit: float = 10.0) -> dict[str, Any]:
        return await self.cmd("wait_screen", timeout=limit + 5, name=name, limit=limit)

    async def wait_text(self, text: str, limit: float = 10.0) -> dict[str, Any]:
        """The current screen once it shows ``text``."""
        return await self.cmd("wait_text", timeout=limit + 5, text=text, limit=limit)

    async def wait_printed(self, limit: float = 15.0) -> dict[str, Any]:
        """The kiosk's state once the ticket on screen is printed (or has failed)."""
        return await self.cmd("wait_printed", timeout=limit + 5, limit=limit)

    async def tap_to_exit(self, target: str) -> int:
        """Tap what stops the app; returns its exit status."""
        assert self.process.stdin is not None
        self.process.stdin.write((json.dumps({"cmd": "tap", "target": target}) + "\n").encode())
        await self.process.stdin.drain()
        return await asyncio.wait_for(self.process.wait(), 15)

    async def done(self) -> None:
        """Tap "Xong" on the ticket screen (it takes no tap in its first second)."""
        await asyncio.sleep(1.05)
        await self.tap("done")

    async def wait_said(self, text: str, limit: float = 10.0) -> str:
        """The first line the kiosk logged (INFO and up) that holds ``text``, once it has."""
        return (await self.cmd("wait_said", timeout=limit + 5, text=text, limit=limit))["line"]

    async def wait_help(self, text: str, limit: float = 10.0) -> dict[str, Any]:
        """The help button (in the bar over the screens) once it says ``text`` ("": "Cần hỗ trợ")."""
        return await self.cmd("wait_help", timeout=limit + 5, text=text, limit=limit)

    async def tap(self, target: str, times: int = 1) -> None:
        await self.cmd("tap", target=target, times=times)

    async def shot(self, name: str) -> Path:
        return Path((await self.cmd("screenshot", name=name))["path"])

    async def close(self) -> int:
        if self.process.returncode is None and self.process.stdin is not None:
            self.process.stdin.close()
        try:
            return await asyncio.wait_for(self.process.wait(), 15)
        except TimeoutError:
            self.process.kill()
            return await self.process.wait()


def load(path: Path) -> SiteConfig:
    return load_config(path)


async def ask(port: int, token: str | None, op: str, **args: Any) -> dict[str, Any]:
    """One request as another device (a phone booking, the one-stop portal, the manager; no
    token: a citizen's phone)."""
    from queue_server.protocol.client import QueueClient

    client = QueueClient(f"ws://127.0.0.1:{port}/", token=token)
    task = asyncio.create_task(client.run())
    try:
        await client.wait_connected(5)
        return await client.request(op, **args)
    finally:
        await client.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def text(screen: dict[str, Any]) -> str:
    return "\n".join(screen["texts"])


def zbar(png: Path) -> list[str]:
    import subprocess

    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True, check=False)
    return out.stdout.split()
