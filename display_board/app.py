"""The display board's Kivy app (:class:`BoardApp`) on a waiting room's TV.

:mod:`display_board.bootstrap` builds it; ``motcua-display`` (:mod:`display_board.__main__`)
is its command line. The app shares one asyncio loop with its queue client
(``App.async_run``); see docs/display.md.

The screen is refreshed (the board's model copied into the widgets) when something changed:
the controller reports every change and the refresh runs just before the next frame; the board
says when its view will change by itself (a highlight ending, the "Mất kết nối" banner due),
and the clock on screen is looked at every second.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import signal
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

# Before Kivy is imported: the command line is ours, and so are the logging and stderr
# (Kivy's own messages still go to its log file and console).
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")

from kivy.app import App
from kivy.clock import Clock

if TYPE_CHECKING:
    from display_board.controller import BoardController, Speaker
    from display_board.screen import BoardScreen
    from display_board.setup import BoardSetup
    from queue_server.config.board_options import Layout
    from queue_server.protocol.client import QueueClient

log = logging.getLogger(__name__)

SERVICES_REFRESH_SECONDS = 30  # the waiting counts are corrected from the server this often
CLOCK_SECONDS = 1.0  # the time on screen is looked at this often (also a safety net)


class BoardApp(App):
    title = "Một Cửa Queue – Bảng điện tử"

    def __init__(
        self,
        *,
        setup: BoardSetup,
        controller: BoardController,
        client: QueueClient,
        layout: Layout,
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.setup = setup
        self.controller = controller
        self.client = client
        self.layout = layout
        self.monotonic = monotonic
        self.screen: BoardScreen | None = None
        # -1: after this frame's events, before it is drawn; several changes make one refresh.
        # (``self.refresh()`` looked up at each call, so that a probe wrapping it sees each one.)
        self.refresh_soon = Clock.create_trigger(lambda _dt: self.refresh(), -1)
        self._wake = Clock.create_trigger(lambda _dt: self.refresh(), 0)  # the board's own next change
        self._tasks: set[asyncio.Task[Any]] = set()

    def build(self) -> BoardScreen:
        self.screen = self._make_screen()
        self.refresh()
        Clock.schedule_interval(lambda _dt: self.refresh(), CLOCK_SECONDS)
        return self.screen

    def _make_screen(self) -> BoardScreen:
        from kivy.core.window import Window

        from display_board.screen import LandscapeBoard, PortraitBoard
        from queue_server.config.board_options import Layout

        layout = self.layout
        if layout is Layout.AUTO:
            layout = Layout.PORTRAIT if Window.height > Window.width else Layout.LANDSCAPE
        return (PortraitBoard if layout is Layout.PORTRAIT else LandscapeBoard)(last_calls=self.setup.options.last_calls)

    def apply_setup(self, setup: BoardSetup, speaker: Speaker | None) -> None:
        """A new configuration from the server, live: what the board shows (its counters and
        fields, their names), for how long, its layout and its voice."""
        old, self.setup = self.setup, setup
        options = setup.options
        controller = self.controller
        board = controller.board
        board.configure(
            counters=setup.shown_counters,
            services=setup.shown_services,
            highlight_seconds=options.highlight_seconds,
            offline_after_seconds=options.offline_after_seconds,
            keep_calls=max(options.last_calls, 10),
            flash_seconds=options.flash_seconds,
        )
        if setup.config is not None:
            site = setup.config.site
            board.rename(
                site.name,
                {s.code: (s.name_vi, s.name_en) for s in site.services},
                {c.number: c.name for c in site.counters},
            )
        controller.announcer.repeat = options.voice_repeat
        controller.announcer.catch_up_window = dt.timedelta(seconds=options.catch_up_seconds)
        controller.speaker = speaker
        if (options.layout, options.last_calls) != (self.layout, old.options.last_calls) and self.screen is not None:
            self.layout = options.layout
            self._replace_screen()
        shown = (setup.shown_counters, setup.shown_services) != (old.shown_counters, old.shown_services)
        if shown and self.client.status == "connected":  # (in a hello, its snapshot follows)
            self._spawn(self.client.resync())  # other counters or fields: a fresh snapshot shows them
        self.refresh_soon()

    def _replace_screen(self) -> None:
        from kivy.core.window import Window

        old, self.screen = self.screen, self._make_screen()
        if old is not None:
            Window.remove_widget(old)
        Window.add_widget(self.screen)
        self.root = self.screen
        self.refresh()

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def refresh(self) -> None:
        """Copy the board into the widgets (a widget is redrawn only if its value changed), and
        come back when the board's view will change with no event."""
        if self.screen is None:
            return
        now = self.monotonic()
        board = self.controller.board
        self.screen.show(board.view(now), dt.datetime.now(self.setup.tz))
        self._wake.cancel()
        when = board.changes_at(now)
        if when is not None:
            self._wake.timeout = max(when - now, 0.0)
            self._wake()

    async def run_with_client(self) -> None:
        """The app and its connection to the server, in one loop, until the window closes or
        SIGTERM or SIGINT comes (set before the window: SDL would otherwise turn SIGTERM into
        a close request, and Ctrl-C would end the board with a traceback)."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.stop)
        client_task = asyncio.create_task(self.client.run())
        refresh_task = asyncio.create_task(self._refresh_services())
        try:
            await self.async_run(async_lib="asyncio")
        finally:
            await self.client.close()
            for task in (client_task, refresh_task):
                task.cancel()
            await asyncio.gather(client_task, refresh_task, return_exceptions=True)

    async def _refresh_services(self) -> None:
        from queue_server.protocol.client import NotConnected, RequestFailed

        while True:
            await asyncio.sleep(SERVICES_REFRESH_SECONDS)
            try:
                reply = await self.client.request("services.list")
            except (NotConnected, RequestFailed, TimeoutError) as exc:
                log.info("services.list: %s", exc)
                continue
            self.controller.board.load_services(reply.get("services", ()))
            self.refresh_soon()
