"""``config.get``: a kiosk's, board's or pad's configuration now (its "Tải lại cấu hình")."""

from __future__ import annotations

from typing import Any

from queue_server.config.device_view import VIEW_ROLES
from queue_server.server.hub import Hub
from queue_server.server.ops import operation
from queue_server.server.reconfig import config_for
from queue_server.server.session import Session


@operation("config.get", VIEW_ROLES)
async def config_get(hub: Hub, session: Session, args: dict[str, Any]) -> dict[str, Any]:
    assert session.device is not None  # these roles are devices
    return {"config": config_for(hub, session.device)}
