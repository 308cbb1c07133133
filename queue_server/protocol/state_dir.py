"""A device's state folder (``--state DIR``): the server's address and the device's own token,
written by its ``enrol`` subcommand, read here at start; and the one-shot ``hello`` that fetches
the device's configuration before its window opens.

    DIR/server   ws://10.0.0.2:8765/
    DIR/token    the device's token (mode 0600)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from queue_server.protocol.backoff import near as backoff_near
from queue_server.protocol.role_words import wrong_token_words
from queue_server.protocol.version import PROTOCOL

__all__ = ["ConfigRefused", "DeviceState", "StateError", "fetch_config", "read_state"]

log = logging.getLogger(__name__)


class StateError(Exception):
    """The state folder lacks the server's address or the token: the device is not enrolled."""


class ConfigRefused(Exception):
    """The server refused the device's hello (its words are the message)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclasses.dataclass(frozen=True)
class DeviceState:
    server: str
    token: str

    def __repr__(self) -> str:  # the token stays out of logs
        return f"DeviceState(server={self.server!r}, token='***')"


def read_state(folder: Path) -> DeviceState:
    values = {}
    for name in ("server", "token"):
        path = folder / name
        try:
            values[name] = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StateError(
                f"{path}: {exc.strerror or exc} — enrol this device first (e.g. motcua-kiosk enrol --server ws://… "
                f"--state {folder} CODE)"
            ) from None
        if not values[name]:
            raise StateError(f"{path}: empty — enrol this device again")
    return DeviceState(values["server"], values["token"])


async def fetch_config(state: DeviceState, backoff: tuple[float, float] = (0.5, 5.0)) -> dict[str, Any]:
    """The hello reply's ``config`` (``{"version", "toml"}``), waiting for the server as long as
    it takes; :class:`ConfigRefused` when the server refuses the device."""
    failures = 0
    while True:
        try:
            async with connect(state.server, open_timeout=5, close_timeout=2) as connection:
                hello = {"id": 1, "op": "hello", "token": state.token, "protocol": PROTOCOL}
                await connection.send(json.dumps(hello))
                async for raw in connection:
                    reply = json.loads(raw)
                    if reply.get("re") != 1:
                        continue
                    if not reply.get("ok"):
                        error = reply.get("error", {})
                        raise ConfigRefused(error.get("code", "?"), error.get("message", ""))
                    if "config" not in reply:
                        raise ConfigRefused("no_config", wrong_token_words(reply.get("role"), reply.get("device")))
                    config: dict[str, Any] = reply["config"]
                    return config
        except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError) as exc:
            log.warning("waiting for the queue server %s: %s", state.server, exc)
        failures += 1
        await asyncio.sleep(backoff_near(failures, *backoff))
