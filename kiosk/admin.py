"""The admin page's flows (a part of the kiosk app): the hidden gesture, the PIN, the status
of the connection, printer and scanners, test print, reload the configuration, exit."""

from __future__ import annotations

import logging
import time
from typing import Any

from kiosk.bootstrap import KioskSettings, KioskSetupError, open_printer, read_settings, settings_from_server
from kiosk.core.texts import Catalogue
from queue_server.core import pins
from queue_server.protocol.client import ConnectionStatus, NotConnected, RequestFailed

log = logging.getLogger(__name__)

ADMIN = "admin"


class AdminFlows:
    """Mixed into :class:`kiosk.app.KioskApp`, whose state these methods use."""

    context: Any
    actions: Any
    root: Any

    def admin_tap(self) -> None:
        if self.admin_taps.tap(time.monotonic()):
            self._cancel_return()
            self.screen(ADMIN).clear()
            self.root.current = ADMIN
            if self.kiosk_options.admin_pin_hash is None:
                self.screen(ADMIN).status = self.texts("admin.disabled")

    def admin_unlock(self, pin: str) -> None:
        admin = self.screen(ADMIN)
        now = time.monotonic()
        if self.kiosk_options.admin_pin_hash is None:
            admin.status = self.texts("admin.disabled")
        elif locked := self.pin_throttle.locked_for(now):
            admin.status = self.texts("admin.locked", seconds=int(locked) + 1)
        elif pins.verify_pin(pin, self.kiosk_options.admin_pin_hash):
            self.pin_throttle.succeeded()
            admin.unlocked = True
            self.spawn(self._admin_status())
        else:
            self.pin_throttle.failed(now)
            admin.status = self.texts("admin.bad_pin")
        admin.pin = ""

    async def _admin_status(self, note: str = "") -> None:
        t = self.texts
        connected = self.context.client.status is ConnectionStatus.CONNECTED
        state = t("admin.connected" if connected else "admin.disconnected")
        printer = await self.actions.printer_status()
        scanners = [s.name for s in self.context.scanners]
        scanner = t("admin.scanner_last", names=", ".join(scanners), last=self.last_scan or t("admin.never"))
        lines = [
            t("admin.connection", state=state, url=self.context.client.url),
            t("admin.printer", state=t(f"printer.{printer}")),
            t("admin.scanner", state=scanner if scanners else t("admin.scanner_none")),
        ]
        self.screen(ADMIN).status = "\n".join(lines + ([note] if note else []))

    def admin_test_print(self) -> None:
        async def run() -> None:
            fault = await self.actions.test_print()
            note = self.texts("admin.test_printed") if fault is None else self.texts(
                "admin.test_failed", reason=self.texts(f"printer.{fault}")
            )
            await self._admin_status(note)

        self.spawn(run())

    def admin_reload(self) -> None:
        """Ask the server for this kiosk's configuration (or, started with --config, read the
        file again): options, texts, services, printer."""
        if self.context.config_path is None:
            self.spawn(self._reload_from_server())
            return
        try:
            settings = read_settings(self.context.config_path, self.context.settings.device.id)
        except KioskSetupError as exc:
            self.spawn(self._admin_status(self.texts("admin.reload_failed", error=exc)))
            return
        self._reloaded(settings)

    async def _reload_from_server(self) -> None:
        try:
            reply = await self.context.client.request("config.get")
            settings = settings_from_server(reply["config"])
        except (RequestFailed, NotConnected, KioskSetupError) as exc:
            await self._admin_status(self.texts("admin.reload_failed", error=exc))
            return
        self._reloaded(settings)

    def _reloaded(self, settings: KioskSettings) -> None:
        try:
            self.apply_settings(settings)
        except KioskSetupError as exc:
            self.spawn(self._admin_status(self.texts("admin.reload_failed", error=exc)))
            return
        self.spawn(self._admin_status(self.texts("admin.reloaded")))

    def apply_settings(self, settings: KioskSettings) -> None:
        """Use ``settings`` from now on (the printer opened anew); KioskSetupError: nothing changed."""
        printer = open_printer(settings)
        self.context.settings = settings
        self.context.printer = printer
        self.context.texts = Catalogue(settings.language)
        self.idle.timeout = settings.options.idle_seconds
        self.centre = settings.config.site.name
        self.set_services(self.services)

    def admin_exit(self) -> None:
        log.info("kiosk stopped from the admin page")
        self.stop()
