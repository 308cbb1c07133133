"""How the hub writes to a connection: pre-built frames straight to its transport (the fast
path), or the public ``connection.send()`` of websockets.

The fast path builds an event's frame once per role and writes the same bytes to every
session of that role, all of a session's frames of one turn of the event loop in one system
call. websockets has no public API for this: it reads the connection's internals —
``connection.protocol.state``, ``connection.transport``, and ``connection.send_in_progress``
(which exists only from websockets 16: with 15.0.1 a client's ``hello`` got no reply). So it is
used only on the versions it was tested on (:data:`TESTED_ON`, checked at import); on any
other, :class:`PublicPath` sends each message with ``connection.send()``.

The frame is websockets' own (:class:`websockets.frames.Frame`): a server's frames are not
masked, and the hub negotiates no extension, so the bytes are those the library would send.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.version import version as WEBSOCKETS_VERSION

log = logging.getLogger(__name__)

TESTED_ON = ("17",)  # websockets major versions the fast path was tested with (setup.cfg allows 17 only)


def text_frame(payload: bytes) -> bytes:
    """A whole, unmasked websocket text frame of a UTF-8 payload, as a server with no
    extension in use sends it (RFC 6455 §5.2)."""
    return Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


class Path(Protocol):
    name: str

    def message(self, payload: bytes) -> bytes:
        """What is queued for a session: ``payload`` (UTF-8 JSON) as this path writes it."""
        ...

    def write(self, connection: Any, messages: list[bytes]) -> int | None:
        """Write ``messages`` in order; the bytes the connection has left unsent, or None if
        the connection cannot be written now (closing, or in the middle of a send)."""
        ...


class FastPath:
    """Frames built once, written to the transport together (websockets internals)."""

    name = "fast"

    def message(self, payload: bytes) -> bytes:
        return text_frame(payload)

    def write(self, connection: Any, messages: list[bytes]) -> int | None:
        if connection.protocol.state is not State.OPEN or connection.send_in_progress is not None:
            return None
        transport = connection.transport
        transport.write(b"".join(messages))
        return int(transport.get_write_buffer_size())


class PublicPath:
    """Each message through ``connection.send()``, in order, by one task per connection;
    what waits for that task counts as unsent, so a client that does not read is still found."""

    name = "public"

    def __init__(self) -> None:
        self._waiting: dict[Any, list[bytes]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def message(self, payload: bytes) -> bytes:
        return payload

    def write(self, connection: Any, messages: list[bytes]) -> int | None:
        if connection.state is not State.OPEN:
            return None
        waiting = self._waiting.get(connection)
        if waiting is None:
            waiting = self._waiting[connection] = []
            task = asyncio.create_task(self._send(connection, waiting), name="send")
            self._tasks.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._tasks.discard)
        waiting.extend(messages)
        return sum(map(len, waiting)) + int(connection.transport.get_write_buffer_size())

    async def _send(self, connection: Any, waiting: list[bytes]) -> None:
        try:
            while waiting:
                await connection.send(waiting.pop(0).decode())
        except ConnectionClosed:
            pass
        finally:
            del self._waiting[connection]


def tested(version: str) -> bool:
    return version.split(".")[0] in TESTED_ON


FAST = tested(WEBSOCKETS_VERSION)  # checked once, at import


def for_this_websockets() -> Path:
    """The fast path on a websockets version it was tested on, the public one otherwise."""
    if FAST:
        return FastPath()
    log.warning("websockets %s: the hub writes through connection.send() (fast path tested on %s.x)",
                WEBSOCKETS_VERSION, ".x, ".join(TESTED_ON))
    return PublicPath()
