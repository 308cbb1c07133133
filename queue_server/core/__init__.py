"""The queue domain with no I/O: no asyncio, no sqlite, no json, no clock.

Commands go in (:mod:`.commands`), events come out (:mod:`.events`), the state changes only
by applying events (:mod:`.evolve`), so replaying the log rebuilds it exactly. The one entry
point is :class:`.lobby.Lobby`. The package re-exports nothing: import each name from the
module that defines it, so that no module of the core imports the package back.
"""
