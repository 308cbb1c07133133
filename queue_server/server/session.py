"""One connection's standing: who it is and what it may see (its budget and request ids are
the request loop's, :class:`queue_server.protocol.loop.Peer`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from queue_server.config.settings import Device, Role
from queue_server.protocol.loop import Peer


@dataclasses.dataclass(eq=False)
class Session(Peer):
    role: Role | None = None  # None until hello
    device: Device | None = None
    officer: str | None = None
    officer_expires: dt.datetime | None = None
    ticket_code: str | None = None  # a public client follows this ticket only
    last_position: int | None = None
    connection: Any = None
    token_hash: str | None = None  # the hash of the token it said hello with (a revocation closes it)

    @property
    def counter(self) -> int | None:
        return self.device.counter if self.device else None
