"""A client that drops without a close frame (a phone leaving the Wi-Fi, a kiosk unplugged) is
one INFO line in the site's log, with no traceback: raw TCP connections cut mid-websocket."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import struct

from websockets.frames import Frame, Opcode

from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import TOKENS


class Lines(logging.Handler):
    """Every record, and an event set when the loop says a peer dropped."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.dropped = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        if "dropped without a close frame" in record.getMessage():
            self.dropped.set()


async def cut(port: int, *frames: bytes) -> None:
    """Open a websocket by hand, send ``frames``, and reset the TCP connection (no close frame)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())  # fmt: skip
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    for frame in frames:
        writer.write(frame)
    await writer.drain()
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST on close
    writer.transport.abort()


def text(message: dict[str, object]) -> bytes:
    return Frame(Opcode.TEXT, json.dumps(message).encode()).serialize(mask=True, extensions=[])


def test_a_client_cut_mid_websocket_is_one_info_line_and_no_traceback(db_path) -> None:  # type: ignore[no-untyped-def]
    lines = Lines()
    root = logging.getLogger()
    level = root.level

    async def scenario() -> None:
        async with running_lobby(db_path, clock=Clock()) as lobby:
            hello = text({"id": 1, "op": "hello", "token": TOKENS["display"]})
            half = bytes([0x81, 0x80 | 40]) + os.urandom(4) + b"{\"id\": 2, \"op\""  # a frame cut short
            await cut(lobby.port, hello, half)
            await asyncio.wait_for(lines.dropped.wait(), 10)
            kiosk = await lobby.client("kiosk")  # the server goes on
            await kiosk.ok("ticket.issue", service="HT")
        # the server has stopped: every connection's handler has ended, whatever it logged

    root.addHandler(lines)
    root.setLevel(logging.DEBUG)
    try:
        run(scenario())
    finally:
        root.removeHandler(lines)
        root.setLevel(level)
    ours = [r for r in lines.records if "dropped" in r.getMessage()]
    assert [(r.levelname, r.name) for r in ours] == [("INFO", "queue_server.protocol.loop")]
    assert not [r for r in lines.records if r.exc_info or r.levelno >= logging.WARNING]
