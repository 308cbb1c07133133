"""The queue domain with no I/O: no asyncio, no sqlite, no json, no clock.

Commands go in (:mod:`.commands`), events come out (:mod:`.events`), the state changes only
by applying events (:mod:`.evolve`), so replaying the log rebuilds it exactly. The one entry
point is :class:`.lobby.Lobby`.
"""

from .errors import DomainError, ErrorCode
from .events import Event, EventType
from .lobby import Lobby

__all__ = ["DomainError", "ErrorCode", "Event", "EventType", "Lobby"]
