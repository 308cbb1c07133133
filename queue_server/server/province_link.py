"""The site's link to the province's live waits, started with the server when it has
``[central]`` (:mod:`queue_server.shipping.province_view`): the view on the hub
(``hub.province``, read by ``province.nearby``) and the task that keeps it current."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from queue_server.config.settings import CentralSettings
from queue_server.shipping.province_view import ProvinceView, keep_current, next_free_slots

if TYPE_CHECKING:
    from queue_server.server.hub import Hub


def start(hub: Hub, settings: CentralSettings) -> asyncio.Task[None]:
    """In the running loop: every ``province_seconds``, this site's next free booking slots
    sent (read from the lobby here, on the loop) and the others' figures read (in a thread)."""
    view = ProvinceView(hub.config.site.site_id, settings, tuple(s.code for s in hub.config.site.services))
    hub.province = view
    return asyncio.get_running_loop().create_task(
        keep_current(view, lambda: {"next_free_slot": next_free_slots(hub.lobby, hub.now())})
    )
