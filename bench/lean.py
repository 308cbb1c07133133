"""A lean websocket client for the load generator: sends requests, reads replies, and counts
the events without decoding them.

The throughput benchmark's 36 kiosks and counters each receive every event of the lobby (as
the real ones do: kiosks and counters show the queue), so at 2,000 changes a second they take
in 72,000 frames a second. Parsing each with websockets' frame reader and JSON costs more CPU
than this machine's second core has, and the load generator, not the server, would be
measured. This client speaks the same protocol to the same server (RFC 6455 handshake, masked
text frames out, answers pings), but looks at an incoming frame only far enough to tell a
reply (``{"re":``) from an event. The latency benchmarks use the apps' own QueueClient.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import os
import struct
import urllib.parse
from typing import Any

from websockets.speedups import apply_mask

from queue_server.protocol.client import RequestFailed

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
REPLY = b'{"re":'


class HandshakeFailed(Exception):
    pass


class LeanClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.events = 0
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._reading = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, url: str, token: str) -> LeanClient:
        where = urllib.parse.urlsplit(url)
        reader, writer = await asyncio.open_connection(where.hostname, where.port)
        key = base64.b64encode(os.urandom(16))
        writer.write(
            b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n"
            % ((where.path or "/").encode(), where.hostname.encode(), where.port, key)
        )
        head = await reader.readuntil(b"\r\n\r\n")
        accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
        if not head.startswith(b"HTTP/1.1 101") or b"Sec-WebSocket-Accept: " + accept not in head:
            writer.close()
            raise HandshakeFailed(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        client = cls(reader, writer)
        await client.request("hello", token=token)
        return client

    async def request(self, op: str, **args: Any) -> dict[str, Any]:
        request_id = next(self._ids)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        self._send(0x1, json.dumps({"id": request_id, "op": op, **args}, ensure_ascii=False).encode())
        reply = await future
        if not reply.get("ok"):
            error = reply.get("error", {})
            raise RequestFailed(error.get("code", "?"), error.get("message", ""), error.get("details"))
        return reply

    def _send(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        self.writer.write(head + mask + apply_mask(payload, mask))

    async def _read(self) -> None:
        buffer = bytearray()
        try:
            while chunk := await self.reader.read(1 << 16):
                buffer += chunk
                used = self._frames(buffer)
                del buffer[:used]
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(ConnectionError("the connection closed"))

    def _frames(self, buffer: bytearray) -> int:
        """Handle every whole frame at the start of ``buffer``; returns the bytes used."""
        at = 0
        while len(buffer) - at >= 2:
            opcode, size = buffer[at] & 0x0F, buffer[at + 1] & 0x7F
            start = at + 2
            if size == 126:
                if len(buffer) - at < 4:
                    break
                size, start = struct.unpack_from("!H", buffer, at + 2)[0], at + 4
            elif size == 127:
                if len(buffer) - at < 10:
                    break
                size, start = struct.unpack_from("!Q", buffer, at + 2)[0], at + 10
            if len(buffer) - start < size:
                break
            at = start + size
            if opcode == 0x1 and buffer.startswith(REPLY, start):
                reply = json.loads(bytes(buffer[start:at]))
                future = self._pending.pop(reply["re"], None)
                if future is not None and not future.done():
                    future.set_result(reply)
            elif opcode == 0x1:
                self.events += 1
            elif opcode == 0x9:  # ping
                self._send(0xA, bytes(buffer[start:at]))
        return at

    async def close(self) -> None:
        self._send(0x8, struct.pack("!H", 1000))
        self._reading.cancel()
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except ConnectionError:
            pass
