"""The operations: which roles may call each, its fields, and the function that runs it.

Handlers live in ``op_*.py`` and register themselves with :func:`operation`; the protocol
document (``docs/protocol.md``) lists the same table, and a test keeps the two equal.
"""

from __future__ import annotations

import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    roles: frozenset[Role]
    fields: Mapping[str, Field]
    handler: Handler
    officer: bool  # a counter connection needs a signed-in officer for it


OPERATIONS: dict[str, Operation] = {}


def operation(
    name: str, roles: Iterable[Role], fields: Mapping[str, Field] | None = None, *, officer: bool = False
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in OPERATIONS:
            raise ValueError(f"operation {name} registered twice")
        OPERATIONS[name] = Operation(name, frozenset(roles), dict(fields or {}), handler, officer)
        return handler

    return register


def load() -> Mapping[str, Operation]:
    """Import the handler modules ``op_*.py`` (they register themselves); return the table."""
    package = importlib.import_module(__package__)
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("op_"):
            importlib.import_module(f"{__package__}.{module.name}")
    return OPERATIONS
