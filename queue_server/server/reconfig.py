"""A new configuration while the server runs (``motcua-server reload``, SIGHUP): validate it
whole, apply what can change live, and push each kiosk, board and pad its new view.

The running configuration stays when the new file is refused: by the site file's one
validator (:func:`~queue_server.config.site.load_config`, file:line:key) or, here, when it adds,
removes or renumbers a service or counter, which the day's queue is built on (that takes a
restart). Renamed services and counters, hours, caps, policy, devices (their options, texts,
hardware URLs), officers: live.
"""

from __future__ import annotations

import logging
from typing import Any

from queue_server.config.device_view import VIEW_ROLES, device_view
from queue_server.config.settings import Device, SiteConfig
from queue_server.config.site import ConfigError
from queue_server.core.site import Site
from queue_server.protocol.messages import encode
from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

__all__ = ["ReloadRefused", "apply_config", "config_for"]

RESTART_SECTIONS = ("central", "dossier_lookup", "dossier_pull", "outreach")  # read once, at start


class ReloadRefused(ValueError):
    """The new configuration cannot replace the running one; it stays."""


def config_for(hub: Hub, device: Device) -> dict[str, Any]:
    """``hello``'s and ``config.changed``'s ``config``: the version and the device's view."""
    return {"version": hub.config_version, "toml": device_view(hub.config, device)}


def _shape(site: Site) -> tuple[object, ...]:
    return (
        tuple((s.code, s.prefix, s.number_start, s.number_width) for s in site.services),
        tuple(c.number for c in site.counters),
        site.site_id,
    )


def apply_config(hub: Hub, new: SiteConfig) -> int:
    """Make ``new`` the running configuration and tell every device; returns how many were
    told. Raises :class:`ReloadRefused` (nothing changed)."""
    old = hub.config
    if _shape(new.site) != _shape(old.site):
        raise ReloadRefused(
            f"{new.path}: services or counters were added, removed or renumbered (or [site] id changed): "
            "restart the server to apply this file; the running configuration stays"
        )
    for name in RESTART_SECTIONS:
        if getattr(new, name) != getattr(old, name):
            log.warning("reload: [%s] changed: it takes effect at the next restart", name)
    hub.config = new
    lobby = hub.lobby
    lobby.site = lobby.state.site = new.site
    for spec in new.site.counters:
        lobby.state.counters[spec.number].spec = spec
    hub.config_version += 1
    told = 0
    for session in list(hub.sessions):
        if session.device is None:
            continue
        device = new.device(session.device.id)
        if device is None or device.role is not session.device.role:
            log.warning("reload: device %s is no longer in the file: disconnected", session.device.id)
            hub.unregister(session)
            session.connection.transport.abort()
            continue
        session.device = device
        if device.role in VIEW_ROLES:
            hub.answer(session, encode({"ev": "config.changed", "config": config_for(hub, device)}))
            told += 1
    log.info("configuration %d applied from %s: %d device(s) told", hub.config_version, new.path, told)
    return told


def reload_from(hub: Hub, load: Any) -> int | None:
    """SIGHUP: ``load()`` the file again and apply it; a refusal is logged with every problem
    (file:line:key) and the running configuration stays. Returns the devices told, or None."""
    try:
        new = load()
        return apply_config(hub, new)
    except (ConfigError, ReloadRefused) as exc:
        log.error("reload refused, the running configuration stays:\n%s", exc)
        return None
