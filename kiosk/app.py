"""``motcua-kiosk --config FILE --device ID``: the lobby kiosk (Kivy).

The app shares one asyncio loop with the queue client and the scan stream
(``App.async_run``). Screens call the app's methods (``take_number``, ``check_in``,
``lookup_dossier``…); the app runs the flow in :mod:`kiosk.actions` and shows the outcome the
pure core (:mod:`kiosk.core.decisions`) decides. Issuing and printing tickets is in
:mod:`kiosk.tickets`, what a scan does in :mod:`kiosk.scanning`, the admin page in
:mod:`kiosk.admin`; the window (kiosk mode: full screen, no cursor, no multitouch dots, Escape
and window closing do nothing, the screensaver is off) and the bar over the screens ("Nghe
hướng dẫn", "Chữ lớn", "Cần hỗ trợ") in :mod:`kiosk.access_bar`. The admin page (five taps on
the clock, then the PIN) is the way out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.access_bar import bar_over_screens, set_up_window
from kiosk.actions import KioskActions
from kiosk.admin import AdminFlows
from kiosk.bootstrap import KioskContext, KioskSettings, KioskSetupError, build, open_scanners, settings_from_server
from kiosk.citizens import CitizenFlows
from kiosk.core import decisions
from kiosk.core.decisions import Notice
from kiosk.core.documents import wait_line
from kiosk.core.first_run import refusal_shown
from kiosk.core.idle import IdleTimer, OneAtATime, PinThrottle, TapCounter
from kiosk.core.scans import CodeClassifier
from kiosk.core.shown_ticket import ShownTicket
from kiosk.core.texts import Both, Catalogue
from kiosk.first_run import FIRST_RUN, REFUSED, FirstRunFlows
from kiosk.scanning import ADMIN, OFFLINE, ScanFlows
from kiosk.tickets import TICKET, TicketFlows
from queue_server.config.kiosk_options import KioskOptions
from queue_server.core.citizens import CitizenCard
from queue_server.protocol.client import ConnectionStatus, NotConnected, RequestFailed

log = logging.getLogger(__name__)

HOME = "home"


class KioskApp(FirstRunFlows, CitizenFlows, TicketFlows, AdminFlows, ScanFlows, App):
    u = NumericProperty(1.0)  # the window's height / 1080 (× text_scale): every size is scaled by it
    text_scale = NumericProperty(1.0)  # 1.2 in large text ("Chữ lớn", kiosk/access_bar.py)
    large_text = BooleanProperty(False)  # large text's high contrast (kiosk/theme.py)
    centre = StringProperty("")

    def __init__(
        self,
        settings: KioskSettings,
        config_path: Path | None = None,
        server_url: str | None = None,
        token: str | None = None,
        state_dir: Path | None = None,
        configured: bool = True,
        **kwargs: Any,
    ) -> None:
        """``config_path``: the site file the kiosk was started with (--config); None: its
        configuration comes from the server (--state), and again with each change.
        ``configured`` False: ``settings`` are :func:`~kiosk.bootstrap.unconfigured_settings`,
        the kiosk has no token yet (its first run enrols it into ``state_dir``) or the server
        refused it at start; the server's configuration makes it the normal kiosk."""
        super().__init__(**kwargs)
        self.state_dir = state_dir
        self.configured = configured
        self.enrolling = False
        device_id = settings.device.id
        self.context: KioskContext = build(
            settings, config_path=config_path, on_event=self.on_server_event, on_snapshot=self.on_snapshot,
            on_status=self.on_connection, on_config=self.on_config if config_path is None else None,
            server_url=server_url, token=token,
        )  # fmt: skip
        self.actions = KioskActions(self.context)
        self.normal_backoff = self.context.client.backoff
        self.client_task: asyncio.Task[Any] | None = None
        self.scan_task: asyncio.Task[Any] | None = None
        self.scan_urls = _scan_urls(settings)
        self.config_text: str | None = None  # the last configuration the server sent, applied
        self.services: list[dict[str, Any]] = []
        self.idle = IdleTimer(self.kiosk_options.idle_seconds, time.monotonic())
        self.issuing = OneAtATime(cooldown=0.0)  # held from the touch until the paper is out
        self.shown_ticket: ShownTicket | None = None  # the ticket on the ticket screen
        self.ticket_shown_at = 0.0
        self.admin_taps = TapCounter()
        self.pin_throttle = PinThrottle()
        self.last_scan: str | None = None
        self.misreads = 0
        self.tasks: set[asyncio.Task[Any]] = set()
        self.dossier: dict[str, Any] | None = None
        self.card: CitizenCard | None = None  # a scanned ID card, until the citizen agrees or leaves
        self.centre = self.context.settings.config.site.name
        self.title = f"Một Cửa Queue – {self.context.settings.device.name or device_id}"
        self._return_home: Any = None
        self._refresh_trigger = Clock.create_trigger(lambda _dt: self.spawn(self.refresh_services()), 0.3)

    # --- set-up ---------------------------------------------------------------------------

    @property
    def kiosk_options(self) -> KioskOptions:
        return self.context.settings.options

    @property
    def texts(self) -> Catalogue:
        return self.context.texts

    @property
    def priorities(self) -> Sequence[Any]:
        return self.context.settings.config.site.priorities

    def build(self) -> ScreenManager:
        from kiosk.screens import load_kv
        from kiosk.screens.admin import AdminScreen
        from kiosk.screens.checkin import CheckinScreen
        from kiosk.screens.citizen import CitizenScreen
        from kiosk.screens.dossier import DossierScreen
        from kiosk.screens.dossier_result import DossierResultScreen
        from kiosk.screens.first_run import FirstRunScreen, RefusedScreen
        from kiosk.screens.home import HomeScreen
        from kiosk.screens.message import MessageScreen
        from kiosk.screens.offline import OfflineScreen
        from kiosk.screens.priority import PriorityScreen
        from kiosk.screens.ticket import TicketScreen

        set_up_window(self)  # kiosk mode, the fonts, the size unit u
        load_kv()
        manager = ScreenManager(transition=NoTransition())
        for screen in (
            OfflineScreen, HomeScreen, PriorityScreen, TicketScreen, CheckinScreen, DossierScreen,
            DossierResultScreen, CitizenScreen, MessageScreen, AdminScreen, FirstRunScreen, RefusedScreen,
        ):  # fmt: skip
            manager.add_widget(screen())
        manager.current = OFFLINE
        if not self.configured:
            manager.current = self.unconfigured_screen()
            if manager.current == REFUSED:
                Clock.schedule_once(lambda _dt: self.show_refusal(), 0)
            else:
                manager.current_screen.refresh()
        Clock.schedule_interval(self._every_second, 1.0)
        Clock.schedule_interval(self._check_misreads, 0.3)
        Clock.schedule_interval(lambda _dt: self._refresh_trigger(), 30.0)  # opening hours change
        Clock.schedule_once(self._every_second, 0)
        self.access_controls = bar_over_screens(self)  # "Nghe hướng dẫn", "Chữ lớn", "Cần hỗ trợ"
        return manager

    def wait_line(self, ticket: dict[str, Any]) -> str:
        """Where to wait, in the citizen's language: the field's, else the site's, else the usual line."""
        return wait_line(self.context.settings.config.site, ticket.get("service"), self.texts, self.texts.language)

    def screen(self, name: str) -> Any:
        return self.root.get_screen(name)

    async def serve(self, *extra: Coroutine[Any, Any, Any]) -> None:
        """Run the app, the queue client and the scanners until the app stops, or until SIGTERM
        or SIGINT. The handlers are set before the window: SDL would otherwise turn SIGTERM into
        a window close request, which kiosk mode ignores (motcua-lobby then killed the kiosk)."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop)
        if self.context.client.token:  # none yet: the first run enrols the kiosk first
            self.client_task = self.spawn(self.context.client.run())
        self.scan_task = self.spawn(self._scan_loop())
        background = [asyncio.create_task(coroutine) for coroutine in extra]
        try:
            await self.async_run(async_lib="asyncio")
        finally:
            await self.context.client.close()
            for task in background + list(self.tasks):
                task.cancel()
            await asyncio.gather(*background, *self.tasks, return_exceptions=True)

    def stop(self, *largs: Any) -> None:
        """Stop, and stay the running app for Kivy's last turn: a layout triggered just before
        the stop (a print's outcome changing the ticket screen's note) runs in that turn, and
        its kv rules ask for ``app``, which Kivy has cleared by then (the kiosk then exited
        with an AttributeError: tests/kiosk/test_printing.py, 1 run in ~10)."""
        super().stop(*largs)
        App._running_app = self

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("kiosk task failed", exc_info=task.exception())

    # --- navigation and time -------------------------------------------------------------

    def go(self, name: str) -> None:
        if self.root.current in (OFFLINE, FIRST_RUN, REFUSED) and name not in (OFFLINE, ADMIN):
            return  # nothing is done while the server is out of reach, or before it takes the kiosk
        self._cancel_return()
        self.root.current = name

    def home(self) -> None:
        """Back home; everything a citizen entered or was shown is forgotten."""
        self._cancel_return()
        self.access_controls.going_home(self.root.current)  # a ticket taken: the visit is over
        self.dossier = None
        self.card = None
        self.shown_ticket = None
        for screen in self.root.screens:
            if screen.name not in (OFFLINE, FIRST_RUN, REFUSED):
                screen.clear()
        refused = self.context.client.refused
        if refused is not None and refusal_shown(refused.code):
            self.show_refusal()
        elif not self.configured:
            self.go_unconfigured(self.unconfigured_screen())
        else:
            connected = self.context.client.status is ConnectionStatus.CONNECTED
            self.root.current = HOME if connected else OFFLINE

    def _cancel_return(self) -> None:
        if self._return_home is not None:
            self._return_home.cancel()
            self._return_home = None

    def _every_second(self, _dt: float) -> None:
        now = dt.datetime.now(self.context.settings.config.site.tz)
        self.screen(HOME).tick(now)
        if not self.idle.expired(time.monotonic()):
            return
        # the citizen has gone: listening mode and large text end on any screen (the home screen
        # too), before the kiosk comes home, so that the next citizen finds the normal kiosk
        self.access_controls.reset()
        if self.root.current not in (HOME, OFFLINE, FIRST_RUN, REFUSED) and self._may_leave():
            log.info("idle for %d s on %s: back home", self.kiosk_options.idle_seconds, self.root.current)
            self.home()

    def switch_language(self) -> None:
        self.texts.language = self.texts.second
        self.root.current_screen.refresh()
        self.access_controls.refresh()

    # --- the server ------------------------------------------------------------------------

    def on_connection(self, status: ConnectionStatus) -> None:
        if self.root is None or App.get_running_app() is None:
            return  # not started yet, or stopping
        refused = self.context.client.refused
        if status is ConnectionStatus.CONNECTED:
            self.context.client.backoff = self.normal_backoff
            self._refresh_trigger()
            if self.root.current in (OFFLINE, REFUSED, FIRST_RUN) and self.configured:
                self.home()
        elif refused is not None and refusal_shown(refused.code):
            if self.root.current != ADMIN:
                self.show_refusal()  # revoked, unknown, another protocol: not "Mất kết nối"
        elif not self.configured:
            return  # the first run: its screen says how the enrolment goes
        elif self.root.current != ADMIN:
            self._cancel_return()
            self.issuing.reset()
            self.root.current = OFFLINE

    def on_config(self, config: dict[str, Any]) -> None:
        """The server's configuration for this kiosk (hello, config.changed): applied at once."""
        try:
            settings = settings_from_server(config)
            if not self.configured:
                self.become(settings)
                self.config_text = config.get("toml")
                self._refresh_trigger()
        except KioskSetupError as exc:
            log.error("the server's configuration %s is not usable, the kiosk keeps its own: %s", config.get("version"), exc)
            return
        if config.get("toml") != self.config_text:
            self.config_text = config.get("toml")
            self.apply_settings(settings)
            log.info("configuration %s from the server applied", config.get("version"))
            self._refresh_trigger()

    def become(self, settings: KioskSettings) -> None:
        """The first configuration from the server: the unconfigured kiosk becomes the normal
        one in this process (printer, texts, services; the scanners and the classifier of the
        site; the window keeps its mode until the next start). KioskSetupError: nothing changed."""
        scanners = open_scanners(settings) if _scan_urls(settings) != self.scan_urls else None
        self.apply_settings(settings)
        self.context.classifier = CodeClassifier(public_urls=(settings.config.settings.public_url,))
        if scanners is not None:  # the configuration names other scanners than --scanner
            self.scan_urls = _scan_urls(settings)
            self.context.scanners = scanners
            if self.scan_task is not None:
                self.scan_task.cancel()
            self.scan_task = self.spawn(self._scan_loop())
        self.configured = True
        self.title = f"Một Cửa Queue – {settings.device.name or settings.device.id}"
        log.info("configured by the server as %s", settings.device.id)

    def on_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.set_services(snapshot.get("services", []))

    def on_server_event(self, event: dict[str, Any]) -> None:
        if event.get("ev") == "ticket.called" and self.root is not None and self.root.current == TICKET:
            self.screen(TICKET).called(event.get("ticket"), event.get("counter"))
        if event.get("ev", "").startswith(("ticket.", "counter.", "day.")):
            self._refresh_trigger()

    async def refresh_services(self) -> None:
        try:
            reply = await self.context.client.request("services.list")
        except (RequestFailed, NotConnected) as exc:
            log.warning("services.list: %s", exc)
            return
        self.set_services(reply["services"])

    def set_services(self, services: list[dict[str, Any]]) -> None:
        self.services = services
        if self.root is not None:
            self.screen(HOME).tiles = self.home_tiles()
            if self.root.current == "priority":
                self.screen("priority").refresh()

    def home_tiles(self) -> list[decisions.ServiceTile]:
        return decisions.tiles(self.services, self.kiosk_options.services)

    def service_name(self, code: str) -> Both:
        """The field's name in each language, for a notice shown in both."""
        service = self.context.settings.config.site.service(code)
        return Both(service.name_vi, service.name_en) if service is not None else Both(code, code)

    # --- flows -----------------------------------------------------------------------------

    def show_notice(self, notice: Notice) -> None:
        self.go("message")
        self.screen("message").show(notice)

    def lookup_dossier(self, code: str) -> None:
        self.spawn(self._lookup(code))

    async def _lookup(self, code: str) -> None:
        try:
            dossier = await self.actions.lookup(code)
        except RequestFailed as exc:
            self.show_notice(decisions.dossier_refusal(exc.code, code))
            return
        except NotConnected:
            self.on_connection(ConnectionStatus.DISCONNECTED)
            return
        self.dossier = dossier
        self.go("dossier_result")
        self.screen("dossier_result").show(dossier)

    def pickup_dossier(self) -> None:
        if self.dossier is not None and self.dossier.get("pickup"):
            self.take_pickup(self.dossier["code"])

    def print_dossier(self) -> None:
        if self.dossier is not None:
            dossier = self.dossier
            self.spawn(self._print_dossier(dossier))

    async def _print_dossier(self, dossier: dict[str, Any]) -> None:
        fault = await self.actions.print_dossier(dossier)
        if self.root.current == "dossier_result":
            self.screen("dossier_result").printed(fault)

def _scan_urls(settings: KioskSettings) -> tuple[str | None, str | None]:
    return (settings.device.scanner, settings.options.camera)
