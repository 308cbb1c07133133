"""A new configuration while the server runs (``motcua-server reload``, SIGHUP): validate it
whole, apply what can change live, and push each kiosk, board and pad its new view.

The running configuration stays when the new file is refused: by the site file's one
validator (:func:`~queue_server.config.site.load_config`, file:line:key) or, here, when it adds,
removes or renumbers a service or counter, which the day's queue is built on (that takes a
restart). Renamed services and counters, hours, caps, policy, devices (their options, texts,
hardware URLs), officers: live. So are the parts the hub built from the file at start, rebuilt
here (:func:`_follow`): the notifications' and webhooks' planner and the delivery thread's
gateways and secrets, the phone queue's limits, the PIN throttle's, the dossier look-up's source.
What only a restart applies is logged (``RESTART_SECTIONS``, :func:`_needs_restart`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

from queue_server.config.device_view import VIEW_ROLES, device_view
from queue_server.config.settings import Device, SiteConfig
from queue_server.config.site import ConfigError
from queue_server.core.site import Site
from queue_server.dossiers.http_source import HttpDossierSource
from queue_server.outreach.plan import Planner
from queue_server.protocol.messages import encode
from queue_server.server.hub import Hub

log = logging.getLogger(__name__)

__all__ = ["ReloadRefused", "Verdict", "apply_config", "config_for", "reload_from"]

RESTART_SECTIONS = ("central",)  # read once, at start: the shipper's connection and its settings


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
    for what in _needs_restart(old, new):
        log.warning("reload: %s changed: it takes effect at the next restart", what)
    hub.config = new
    _follow(hub, old, new)
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


def _needs_restart(old: SiteConfig, new: SiteConfig) -> list[str]:
    """What of ``new`` only a restart applies: the shipper, the pull's task, the database's
    durability, the largest message the server was started to take."""
    found = [f"[{name}]" for name in RESTART_SECTIONS if getattr(new, name) != getattr(old, name)]
    if new.dossier_pull is not None and old.dossier_pull is None:
        found.append("[dossier_pull] (added: its task starts with the server)")
    for name in ("synchronous", "max_message_bytes"):
        if getattr(new.settings, name) != getattr(old.settings, name):
            found.append(f"[site] {name}")
    return found


def _follow(hub: Hub, old: SiteConfig, new: SiteConfig) -> None:
    """The parts the hub built from the old file at start, made again from the new one: what
    they hold of the day (phones told, failed PINs) is kept."""
    planner = Planner(new, hub.planner.webhook_body)  # webhooks, gateways, near_people, per_phone, names
    planner.load(hub.planner.phones, hub.planner.told_near)
    hub.planner = planner
    hub.remote.settings = new.outreach.phone_queue  # /q's limits
    if hub.deliverer is not None:
        hub.deliverer.settings = new.outreach  # the gateways' URLs and secrets, the webhooks' secrets
    elif new.outreach.delivers and hub.make_deliverer is not None:
        hub.deliverer = hub.make_deliverer(new.outreach)
    settings = new.settings
    hub.pin_throttle.attempts = settings.pin_attempts
    hub.pin_throttle.lockout = dt.timedelta(seconds=settings.pin_lockout_seconds)
    if new.dossier_lookup != old.dossier_lookup:
        dossiers = hub.services.dossiers
        kept = [s for s in dossiers.sources if not isinstance(s, HttpDossierSource)]
        for source in dossiers.sources:
            if isinstance(source, HttpDossierSource):
                source.close()
        added = [HttpDossierSource(new.dossier_lookup)] if new.dossier_lookup.url_template else []
        dossiers.sources = (*kept, *added)
    if hub.services.pull is not None and new.dossier_pull is not None:
        hub.services.pull.every_seconds = new.dossier_pull.every_seconds


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What a reload came to: the server writes it beside its database for ``motcua-server
    reload`` to print (``DB.reload``)."""

    applied: bool
    version: int  # the configuration running after it
    told: int  # devices pushed their new view
    message: str  # the problems (file:line: key: …) or why it was refused; "" when applied
    source: str  # the file the server read

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def reload_from(hub: Hub, load: Any) -> Verdict:
    """SIGHUP: ``load()`` the file again and apply it; a refusal is logged with every problem
    (file:line:key) and the running configuration stays."""
    try:
        new = load()
        told = apply_config(hub, new)
    except (ConfigError, ReloadRefused) as exc:
        log.error("reload refused, the running configuration stays:\n%s", exc)
        return Verdict(False, hub.config_version, 0, str(exc), str(hub.config.path))
    for warning in new.warnings:
        log.warning("%s", warning)
    return Verdict(True, hub.config_version, told, "", str(hub.config.path))
