"""The control channel of a simulated device: one JSON request and reply per connection.

    request(paths.control, {"op": "scan", "code": "ABCD2345"})   # -> {"ok": True, ...}

A request is one JSON object on one line; the reply is one JSON object on one line with
``"ok"`` true, or false with an ``"error"`` message (raised here as :class:`ControlError`).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "ControlError",
    "ControlServer",
    "SimulatorAlreadyRunning",
    "SimulatorNotRunning",
    "request",
]

logger = logging.getLogger(__name__)

MAX_MESSAGE = 64 * 1024
Handler = Callable[[Mapping[str, Any]], dict[str, Any]]


class ControlError(Exception):
    """The simulated device refused the request, with its reason."""


class SimulatorNotRunning(ControlError):
    """Nothing listens on the control socket: start the simulator first."""


class SimulatorAlreadyRunning(ControlError):
    """Another simulator with the same name is already running."""


def _read_line(conn: socket.socket) -> bytes:
    data = b""
    while b"\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > MAX_MESSAGE:
            raise ControlError("message too long")
    return data.split(b"\n", 1)[0]


def request(path: Path, message: Mapping[str, Any], *, timeout: float = 3.0) -> dict[str, Any]:
    """Send ``message`` to the simulator listening at ``path`` and return its reply."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout)
        try:
            conn.connect(str(path))
        except (FileNotFoundError, ConnectionRefusedError) as exc:
            raise SimulatorNotRunning(f"no simulator is listening at {path} ({exc.strerror})") from None
        conn.sendall(json.dumps(dict(message)).encode() + b"\n")
        line = _read_line(conn)
    try:
        reply = json.loads(line)
    except ValueError:
        raise ControlError(f"the simulator at {path} sent an unreadable reply") from None
    if not isinstance(reply, dict):
        raise ControlError(f"the simulator at {path} sent an unreadable reply")
    if not reply.get("ok"):
        raise ControlError(str(reply.get("error", "refused")))
    return reply


class ControlServer:
    """A listening Unix socket, served by the device's own thread (see ``device.py``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._socket: socket.socket | None = None

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists() or self.path.is_symlink():
            if _is_listening(self.path):
                raise SimulatorAlreadyRunning(f"a simulator is already listening at {self.path}")
            self.path.unlink()  # left behind by a killed simulator
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.bind(str(self.path))
            sock.listen(8)
            sock.setblocking(False)
        except BaseException:
            sock.close()
            raise
        self._socket = sock

    def fileno(self) -> int:
        if self._socket is None:
            raise RuntimeError("the control server is not open")
        return self._socket.fileno()

    def serve_one(self, handler: Handler) -> None:
        """Answer one waiting connection (the socket is readable)."""
        assert self._socket is not None
        try:
            conn, _ = self._socket.accept()
        except BlockingIOError:
            return
        with conn:
            conn.setblocking(True)
            conn.settimeout(1.0)
            try:
                reply = self._answer(_read_line(conn), handler)
                conn.sendall(json.dumps(reply).encode() + b"\n")
            except (OSError, ControlError) as exc:
                logger.warning("control connection failed: %s", exc)

    @staticmethod
    def _answer(line: bytes, handler: Handler) -> dict[str, Any]:
        try:
            message = json.loads(line)
        except ValueError:
            return {"ok": False, "error": "the request is not JSON"}
        if not isinstance(message, dict) or not isinstance(message.get("op"), str):
            return {"ok": False, "error": 'a request is a JSON object with an "op"'}
        try:
            return {"ok": True, **handler(message)}
        except (ValueError, TypeError, KeyError) as exc:
            return {"ok": False, "error": str(exc) or type(exc).__name__}

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
            self.path.unlink(missing_ok=True)


def _is_listening(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        try:
            probe.connect(str(path))
        except OSError:
            return False
        return True
