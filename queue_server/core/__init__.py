"""The queue domain with no I/O: no asyncio, no sqlite, no json, no clock.

Commands go in (:mod:`.commands`), events come out (:mod:`.events`), the state changes only
by applying events (:mod:`.evolve`), so replaying the log rebuilds it exactly. The one entry
point is :class:`.lobby.Lobby`.
"""

from queue_server.core.errors import DomainError, ErrorCode
from queue_server.core.events import Event, EventType
from queue_server.core.lobby import Lobby

__all__ = ["DomainError", "ErrorCode", "Event", "EventType", "Lobby"]
