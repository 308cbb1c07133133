"""The operations: which roles may call each, its fields, and the function that runs it.

Handlers live in ``op_*.py`` and register themselves with :func:`operation`; the protocol
document (``docs/protocol.md``) lists the same table, and a test keeps the two equal.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from queue_server.config.settings import Role
from queue_server.protocol.messages import Field

if TYPE_CHECKING:
    from queue_server.server.hub import Hub
    from queue_server.server.session import Session

Handler = Callable[["Hub", "Session", dict[str, Any]], Awaitable[dict[str, Any]]]

ALL_ROLES = frozenset(Role)


class Door(enum.Enum):
    """A public door: a public connection's use of it is budgeted per address, across
    connections (:class:`queue_server.protocol.budgets.DoorBudget`)."""

    TAKE = "take"  # a number from a phone: counted when taken
    BOOKING = "booking"  # a booking: counted when made
    LOOKUP = "lookup"  # a code looked up: counted when not found
    HELP = "help"  # a request for help from a phone: counted when asked


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    roles: frozenset[Role]
    fields: Mapping[str, Field]
    handler: Handler
    officer: bool  # a counter connection needs a signed-in officer for it
    door: Door | None = None  # a public connection's use is budgeted per address


OPERATIONS: dict[str, Operation] = {}


def operation(
    name: str,
    roles: Iterable[Role],
    fields: Mapping[str, Field] | None = None,
    *,
    officer: bool = False,
    door: Door | None = None,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in OPERATIONS:
            raise ValueError(f"operation {name} registered twice")
        OPERATIONS[name] = Operation(name, frozenset(roles), dict(fields or {}), handler, officer, door)
        return handler

    return register


def load() -> Mapping[str, Operation]:
    """Import the handler modules ``op_*.py`` (they register themselves); return the table."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("op_"):
            importlib.import_module(f"{__package__}.{module.name}")
    return OPERATIONS
