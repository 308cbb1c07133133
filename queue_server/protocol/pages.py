"""A connection that a web page may have opened to a server of managers (the province's, the
nation's): what the request loop keeps of it (:class:`queue_server.protocol.loop.Peer`), and
where its page came from, checked at hello (:mod:`.origins`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Self

from websockets.asyncio.server import ServerConnection

from queue_server.protocol.loop import Peer
from queue_server.protocol.origins import page_allowed


@dataclasses.dataclass(eq=False)
class PagePeer(Peer):
    """One connection; each server's own peer extends it (the manager once hello named them)."""

    origin: str | None = None  # the page's, for a browser (its Origin header)
    local: tuple[str, int] | None = None  # the address the connection came in on

    @classmethod
    def of(cls, connection: ServerConnection) -> Self:
        request = connection.request
        return cls(
            origin=request.headers.get("Origin") if request is not None else None,
            local=connection.local_address[:2] if connection.local_address else None,
        )

    def page_allowed(self, origins: Iterable[str]) -> bool:
        """Whether the page is one of the server's own (its configuration's ``origins`` or the
        address the connection came in on); True for a program (no Origin header)."""
        return page_allowed(self.origin, origins, self.local)
