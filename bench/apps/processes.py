"""The driver's side of the apps: a virtual X screen of its own, and each Kivy app in a process
of its own (a window per process), asked line commands (see :func:`.window.serve_commands`).

    with VirtualScreen() as screen:                       # Xvfb on a free display number
        kiosk = AppProcess("kiosk", "bench.apps.kiosk_runner", [...], screen.env(home), log)
        kiosk.ask("ready", timeout=60)
        kiosk.stop()
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCREEN = "1920x1080x24"


class AppFailed(Exception):
    """An app process did not answer, answered an error, or died; the message has its log's end."""


class VirtualScreen:
    """``Xvfb`` on a display number it picks itself (``-displayfd``), whatever ``DISPLAY`` says:
    the apps get the same screen in a shell, under ``xvfb-run`` and in CI."""

    def __init__(self, screen: str = SCREEN) -> None:
        self.screen = screen
        self.process: subprocess.Popen[bytes] | None = None
        self.display = ""

    def start(self) -> VirtualScreen:
        read, write = os.pipe()
        try:
            self.process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write), "-screen", "0", self.screen, "-nolisten", "tcp"],
                pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except FileNotFoundError:
            raise AppFailed("Xvfb is needed for the apps part (Debian's xvfb; make setup installs it)") from None
        finally:
            os.close(write)
        number = b""
        with os.fdopen(read, "rb") as pipe:
            while not number.endswith(b"\n"):
                chunk = pipe.read(1)
                if not chunk:
                    self.stop()
                    raise AppFailed("Xvfb exited before it had a display")
                number += chunk
        self.display = f":{number.decode().strip()}"
        return self

    def env(self, kivy_home: Path, **extra: str) -> dict[str, str]:
        """The environment of an app on this screen, Kivy's settings kept in ``kivy_home``."""
        env = {k: v for k, v in os.environ.items() if k not in ("XAUTHORITY", "KIVY_GL_BACKEND", "KIVY_NO_CONSOLELOG")}
        env.update(DISPLAY=self.display, KIVY_NO_ARGS="1", KIVY_HOME=str(kivy_home), KIVY_NO_FILELOG="1", **extra)
        return env

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> VirtualScreen:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AppProcess:
    """``python -m MODULE ARGS`` with its standard error in ``log``; :meth:`ask` sends one
    command and waits for its answer."""

    def __init__(self, name: str, module: str, args: list[str], env: dict[str, str], log: Path) -> None:
        self.name = name
        self.log = log
        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", module, *args], cwd=ROOT, env=env, text=True,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            )  # fmt: skip
        self.answers: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, name=f"{name} answers", daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("@@ "):
                self.answers.put(json.loads(line[3:]))
        self.process.stdout.close()
        self.answers.put(None)  # the process ended

    def ask(self, cmd: str, timeout: float = 20.0, **args: Any) -> dict[str, Any]:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps({"cmd": cmd, **args}) + "\n")
            self.process.stdin.flush()
            answer = self.answers.get(timeout=timeout)
        except (BrokenPipeError, OSError):
            answer = None
        except queue.Empty:
            raise AppFailed(f"{self.name}: no answer to {cmd} {args} in {timeout} s\n{self.tail()}") from None
        if answer is None:
            raise AppFailed(f"{self.name} exited ({self.process.poll()}) at {cmd} {args}\n{self.tail()}")
        if not answer.pop("ok"):
            raise AppFailed(f"{self.name}: {cmd} {args}: {answer['error']}\n{self.tail()}")
        return answer

    def tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> int:
        """``quit``, then SIGTERM, then SIGKILL; returns the exit status."""
        if self.process.poll() is None:
            try:
                self.ask("quit", timeout=5)
                self.process.wait(10)
            except (AppFailed, subprocess.TimeoutExpired):
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
        if self.process.stdin is not None:
            try:
                self.process.stdin.close()
            except OSError:
                pass
        return self.process.returncode

