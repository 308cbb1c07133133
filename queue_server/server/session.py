"""One connection's standing: who it is, what it may see, which request ids it has used."""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from typing import Any

from queue_server.config.settings import Device, Role
from queue_server.server.ratelimit import TokenBucket

REMEMBERED_IDS = 1024


@dataclasses.dataclass(eq=False)
class Session:
    remote: str = "?"
    role: Role | None = None  # None until hello
    device: Device | None = None
    officer: str | None = None
    officer_expires: dt.datetime | None = None
    ticket_code: str | None = None  # a public client follows this ticket only
    last_position: int | None = None
    connection: Any = None
    bucket: TokenBucket | None = None  # public connections are rate-limited
    _ids: collections.OrderedDict[int | str, None] = dataclasses.field(default_factory=collections.OrderedDict)

    def use_id(self, request_id: int | str) -> bool:
        """Remember ``request_id``; False if this connection used it already."""
        if request_id in self._ids:
            return False
        self._ids[request_id] = None
        if len(self._ids) > REMEMBERED_IDS:
            self._ids.popitem(last=False)
        return True

    @property
    def counter(self) -> int | None:
        return self.device.counter if self.device else None
