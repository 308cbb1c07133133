"""What one device is told of its site: the site file's text cut down to what the apps read,
with only the device's own ``[[device]]`` table and no token (docs/protocol.md, "config").

A kiosk in the public lobby is the most exposed machine of a centre: what it holds is what
anyone who opens it can read. The view is therefore made by keeping (never by removing):
the ``[site]`` keys below, the tables of the site's services, counters, hours, policy,
priorities, rating scale, pause reasons and working days, and the device's own table. No
officer, other device, gateway, webhook, payment account, dossier source, central database
or limit is ever in it, whatever a future site file adds.

    text = device_view(config, config.device("kiosk-1"))
    parse_config(text)   # on the device: the same reader as the server's
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from queue_server.config.settings import Device, Role, SiteConfig
from queue_server.config.toml_text import dumps

__all__ = ["VIEW_ROLES", "device_view"]

VIEW_ROLES = frozenset({Role.KIOSK, Role.DISPLAY, Role.PAD})  # the apps that get their configuration in hello
SITE_KEYS = ("id", "name", "timezone", "language", "public_url", "server_url", "wait_line")
SHARED_TABLES = ("hours", "policy", "priority", "rating", "service", "counter", "pause_reason", "dossiers")
DEVICE_KEYS = (
    "id", "role", "name", "counter", "services", "counters", "printer", "scanner", "pad", "pad_address", "options",
)  # fmt: skip — every key of a [[device]] but its token


def device_view(config: SiteConfig, device: Device) -> str:
    """The TOML text ``device`` is sent: readable by :func:`~queue_server.config.site.parse_config`."""
    raw = config.raw
    site = raw.get("site", {})
    view: dict[str, Any] = {"site": {k: site[k] for k in SITE_KEYS if k in site}}
    # the server's own address when the file leaves it to the default
    view["site"].setdefault("server_url", config.settings.server_url)
    view["site"].setdefault("public_url", config.settings.public_url)
    for name in SHARED_TABLES:
        if name in raw:
            view[name] = raw[name]
    own = next((t for t in raw.get("device", ()) if isinstance(t, Mapping) and t.get("id") == device.id), None)
    if own is None:  # a device added by other means than the file (none today): from its values
        own = {"id": device.id, "role": device.role.value}
    view["device"] = [{k: own[k] for k in DEVICE_KEYS if k in own}]
    return dumps(view)
