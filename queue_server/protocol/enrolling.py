"""A device's side of enrolment: ``motcua-kiosk enrol --server ws://HOST:PORT/ --state DIR
CODE`` (likewise ``motcua-display enrol``, ``motcua-pads enrol``).

It says ``hello {"enrol": CODE, "role": ROLE}`` (the role of the machine: a code of a device of
another role is refused by the server and stays good for that device), and writes the token the server gives to ``DIR/token``
(mode 0600: the device's one secret) and the server's URL to ``DIR/server``. Exit 0 and a
line that says so; a wrong or expired code (or no server) exits 2 with the server's words.

The pad agent drives several pads, each its own device: ``motcua-pads enrol`` (``per_device``)
writes each pad's token and server to ``DIR/<device id>/`` instead, once per pad.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidHandshake, InvalidURI, WebSocketException

from queue_server.protocol.version import software_version

ENROL = "enrol"
TOKEN_FILE = "token"
SERVER_FILE = "server"
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")  # a device id that is a safe folder name


class EnrolmentFailed(Exception):
    """The server refused the code, or could not be reached: the words to show."""


class ServerUnreachable(EnrolmentFailed):
    """No server answered at that address (a kiosk's first-run screen says so in its words)."""


async def ask_token(server_url: str, code: str, role: str | None, timeout: float = 10.0) -> dict[str, object]:
    """The hello reply of an enrolment (``token``, ``device``, ``role``…). ``role``: this machine's
    (``kiosk``, ``display``, ``pad``, ``counter``); the server refuses a code of another role's
    device (``enrol_wrong_role``) without using it."""
    try:
        async with asyncio.timeout(timeout):
            async with connect(server_url, compression=None) as connection:
                hello = {"id": 1, "op": "hello", "enrol": code, "version": software_version()}
                if role is not None:
                    hello["role"] = role
                await connection.send(json.dumps(hello))
                reply = json.loads(await connection.recv())
    except (OSError, TimeoutError, InvalidURI, InvalidHandshake, WebSocketException) as exc:
        raise ServerUnreachable(f"cannot reach the server at {server_url}: {exc}") from None
    if not reply.get("ok"):
        error = reply.get("error") or {}
        raise EnrolmentFailed(f"{error.get('message', 'refused')} ({error.get('code', '?')})")
    return dict(reply)


def write_state(state: Path, server_url: str, token: str) -> None:
    """``state/token`` (0600, written whole or not at all) and ``state/server``."""
    state.mkdir(parents=True, exist_ok=True)
    partial = state / f".{TOKEN_FILE}.new"
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(token + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, state / TOKEN_FILE)
    (state / SERVER_FILE).write_text(server_url + "\n", encoding="utf-8")


def main(prog: str, argv: Sequence[str], role: str, per_device: bool = False) -> int:
    """Enrol a machine of ``role`` (a code of another role's device is refused by the server,
    nothing written, the code left good for that device). ``per_device``: each device of the role
    is enrolled in ``STATE/<device id>/`` (the pad agent's pads)."""
    where = "STATE/<device id>/token" if per_device else "STATE/token"
    parser = argparse.ArgumentParser(
        prog=f"{prog} enrol",
        description="Enrol this machine with the code the manager's dashboard (or motcua-server enrol) gave: "
        f"its own token is written to {where} (0600), the server's URL beside it."
        + (" Run it once per pad." if per_device else ""),
    )
    parser.add_argument("--server", required=True, help="the queue server, e.g. ws://192.168.1.10:8765/")
    parser.add_argument("--state", type=Path, required=True, help="this device's state folder, e.g. /var/lib/motcua")
    parser.add_argument("code", help="the one-time enrolment code (XXXX-XXXX)")
    args = parser.parse_args(argv)
    try:
        reply = asyncio.run(ask_token(args.server, args.code, role))
        folder = args.state
        if per_device:
            device = str(reply.get("device"))
            if not FOLDER_NAME.fullmatch(device):
                raise EnrolmentFailed(f"the device id {device!r} cannot name a folder: nothing written")
            folder = args.state / device
        write_state(folder, args.server, str(reply["token"]))
    except EnrolmentFailed as exc:
        print(f"{prog}: enrolment refused: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{prog}: cannot write the state folder {args.state}: {exc}", file=sys.stderr)
        return 2
    print(f"{prog}: enrolled as {reply['device']} ({reply['role']}); token in {folder / TOKEN_FILE}")
    return 0
