"""The kiosk's one wiring place: read the configuration, check the kiosk's options, and make
the queue client, the printer and the scan sources (opened later, when they run).

    context = build(Path("site.toml"), "kiosk-1", on_event=…, on_snapshot=…, on_status=…)
"""

from __future__ import annotations

import dataclasses
import logging
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hardware.printer import TicketPrinter, printer_from_url
from hardware.scanner import ScanSource, open_scanner
from hardware.urls import InvalidDeviceURL
from kiosk.core.scans import CodeClassifier
from kiosk.core.texts import Catalogue, Language
from queue_server.config.kiosk_options import KioskOptionError, KioskOptions, parse_options
from queue_server.config.settings import Device, DeviceNotFound, Role, SiteConfig
from queue_server.config.site import DEFAULT_TIMEZONE, ConfigError, load_config, parse_config
from queue_server.core.site import Site
from queue_server.protocol.client import ConnectionStatus, QueueClient
from queue_server.protocol.role_words import not_this_roles_config

log = logging.getLogger(__name__)


class KioskSetupError(Exception):
    """The kiosk cannot start with this configuration; the message says what to fix."""


@dataclasses.dataclass(frozen=True)
class KioskSettings:
    """Everything the kiosk reads from the configuration file (reloadable)."""

    config: SiteConfig
    device: Device
    options: KioskOptions

    @property
    def language(self) -> Language:
        return Language(self.options.language or self.config.settings.language)


@dataclasses.dataclass
class KioskContext:
    settings: KioskSettings
    texts: Catalogue
    client: QueueClient
    printer: TicketPrinter | None
    scanners: list[ScanSource]
    classifier: CodeClassifier
    config_path: Path | None  # None: the configuration comes from the server (--state)


def read_settings(config_path: Path, device_id: str) -> KioskSettings:
    """The site's configuration, this kiosk's device and its options; or :class:`KioskSetupError`."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise KioskSetupError(str(exc)) from None
    return settings_of(config, device_id, config_path)


def settings_from_server(config: dict[str, Any]) -> KioskSettings:
    """The settings of the configuration the server sent (hello's or config.changed's
    ``config``: the site file's text cut to this kiosk, docs/protocol.md)."""
    source = f"<configuration {config.get('version')} from the server>"
    try:
        site = parse_config(str(config.get("toml", "")), source)
    except ConfigError as exc:
        raise KioskSetupError(str(exc)) from None
    kiosks = [d for d in site.devices if d.role is Role.KIOSK]
    if len(kiosks) != 1:
        raise KioskSetupError(f"{not_this_roles_config(site, Role.KIOSK)} [{source}]")
    return settings_of(site, kiosks[0].id, source)


def unconfigured_settings(scanner: str | None) -> KioskSettings:
    """The kiosk before the server has configured it (its first run, or refused at start): no
    centre, no service, no printer; the scanner given on the command line (``--scanner``), for
    the enrolment QR."""
    device = Device("kiosk", Role.KIOSK, "", scanner=scanner)
    site = Site("unconfigured", "", zoneinfo.ZoneInfo(DEFAULT_TIMEZONE), services=(), counters=())
    return KioskSettings(SiteConfig(site, devices=(device,), officers=()), device, parse_options({}))


def settings_of(config: SiteConfig, device_id: str, config_path: Path | str) -> KioskSettings:
    try:
        device = config.require_device(device_id, Role.KIOSK)
    except DeviceNotFound as exc:
        raise KioskSetupError(f"{config_path}: {exc}") from None
    try:
        options = parse_options(device.options)
    except KioskOptionError as exc:
        raise KioskSetupError(f"{config_path}: device {device_id!r}: {exc}") from None
    unknown = [s for s in options.services if config.site.service(s) is None]
    if unknown:
        raise KioskSetupError(f"{config_path}: device {device_id!r}: options.services: no service {unknown[0]!r}")
    return KioskSettings(config, device, options)


def open_printer(settings: KioskSettings) -> TicketPrinter | None:
    url = settings.device.printer
    if url is None:
        return None
    try:
        return printer_from_url(url, width=settings.options.printer_width)
    except (InvalidDeviceURL, ValueError) as exc:
        raise KioskSetupError(f"device {settings.device.id!r}: printer: {exc}") from None


def open_scanners(settings: KioskSettings) -> list[ScanSource]:
    sources = []
    for key, url in (("scanner", settings.device.scanner), ("options.camera", settings.options.camera)):
        if url is None:
            continue
        try:
            sources.append(open_scanner(url, name=key))
        except (InvalidDeviceURL, ValueError) as exc:
            raise KioskSetupError(f"device {settings.device.id!r}: {key}: {exc}") from None
    return sources


def build(
    settings: KioskSettings,
    *,
    config_path: Path | None,
    on_event: Callable[[dict[str, Any]], None],
    on_snapshot: Callable[[dict[str, Any]], None],
    on_status: Callable[[ConnectionStatus], None],
    on_config: Callable[[dict[str, Any]], None] | None = None,
    server_url: str | None = None,
    token: str | None = None,
) -> KioskContext:
    """``token``: the kiosk's own (its state folder's); None: the site file's."""
    device_id = settings.device.id
    client = QueueClient(
        server_url or settings.config.settings.server_url,
        token=token or settings.device.token,
        on_event=on_event,
        on_snapshot=on_snapshot,
        on_status=on_status,
        on_config=on_config,
        backoff=(0.5, 5.0),
    )
    context = KioskContext(
        settings=settings,
        texts=Catalogue(settings.language),
        client=client,
        printer=open_printer(settings),
        scanners=open_scanners(settings),
        classifier=CodeClassifier(public_urls=(settings.config.settings.public_url,)),
        config_path=config_path,
    )
    log.info(
        "kiosk %s: server %s, printer %s, scanners %s",
        device_id,
        client.url,
        context.printer.name if context.printer else "none",
        [s.name for s in context.scanners] or "none",
    )
    return context
