""""Cần hỗ trợ" on every citizen's screen of the kiosk (issue 23): a bar under the screens
(kiosk/screens/help_bar.kv) whose button sends ``help.ask`` for this kiosk; the bar then says
"Đã gọi người hỗ trợ, xin chờ trong giây lát" and how many asked before, and "Tình nguyện viên
đang đến" once a volunteer takes the request. While a request is open the kiosk asks
``help.status`` every few seconds (a kiosk receives no help events: what other kiosks asked is
none of its business), and the bar goes back to its button alone when a volunteer closes it.

What the bar says is decided in :mod:`kiosk.core.help`, including why an idle reset leaves the
request open (the screen goes home; the bar keeps saying that help is coming).

NOT WIRED into the app (kiosk/app.py) since the merge with "Nghe hướng dẫn"/"Chữ lớn": the two
bars together (15 mm over and under the screens) left the screens too little height — touch
targets under 15 mm and texts overlapping (tests/kiosk/test_access_checks.py). The next step is
the button in the bar over the screens, beside the other two; its window test goes with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from kivy.clock import Clock

from kiosk.core.help import NOTHING, POLL_SECONDS, HelpShown, HelpStage, should_ask, shown_from_reply
from kiosk.core.texts import Both, Catalogue
from queue_server.protocol.client import NotConnected, RequestFailed

if TYPE_CHECKING:
    from kivy.uix.screenmanager import ScreenManager

    from kiosk.bootstrap import KioskContext
    from kiosk.screens.help_bar import HelpBar

log = logging.getLogger(__name__)

BAR_HEIGHT = 0.09  # of the window: the screens keep the rest, above it
NO_CITIZEN = ("offline", "admin", "first_run", "refused")  # screens with no help button


class HelpHost(Protocol):
    """What the bar needs of the kiosk app (kiosk/app.py): its client, texts, scale and tasks."""

    context: KioskContext
    u: float

    @property
    def texts(self) -> Catalogue: ...

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...


class KioskHelp:
    """The help bar and this kiosk's request. ``attach`` puts the bar in the window under the
    screens; the app calls ``reset`` at an idle reset and ``refresh`` at a language switch."""

    def __init__(self, app: HelpHost) -> None:
        self.app = app
        self.shown: HelpShown = NOTHING
        self.bar: HelpBar | None = None
        self.manager: ScreenManager | None = None
        self._poll: Any = None

    def attach(self, manager: ScreenManager) -> None:
        from kivy.core.window import Window

        from kiosk.screens.help_bar import HelpBar

        self.manager = manager
        self.bar = HelpBar(size_hint=(1, BAR_HEIGHT), pos_hint={"x": 0, "y": 0})
        self.bar.bind(on_help=lambda *_: self.touched())
        manager.pos_hint = {"x": 0, "top": 1}
        manager.bind(current=lambda *_: self._place())
        Window.add_widget(self.bar)
        self._place()
        self.refresh()

    def _place(self) -> None:
        """The bar under the citizen's screens; none (the screens take the window) elsewhere."""
        assert self.bar is not None and self.manager is not None
        hidden = self.manager.current in NO_CITIZEN
        self.bar.hide(hidden)
        self.bar.size_hint_y = 0 if hidden else BAR_HEIGHT
        self.manager.size_hint_y = 1 if hidden else 1 - BAR_HEIGHT

    # --- what the citizen does ---------------------------------------------------------------

    def touched(self) -> None:
        if not should_ask(self.shown):
            return
        log.info("help: asked at the kiosk (request open: %s)", self.shown.request if self.shown.is_open else "none")
        self.show(HelpShown(HelpStage.ASKING, self.shown.request, self.shown.ahead))
        self.app.spawn(self._ask())

    async def _ask(self) -> None:
        try:
            reply = await self.app.context.client.request("help.ask")
        except NotConnected:
            self.show(HelpShown(HelpStage.FAILED, reason="no_connection"))
            return
        except RequestFailed as exc:
            log.warning("help.ask refused: %s", exc)
            self.show(HelpShown(HelpStage.FAILED, reason=exc.code))
            return
        shown = shown_from_reply(reply)
        log.info("help: request %s open, %d ahead", shown.request, shown.ahead)
        self.show(shown)

    async def _status(self) -> None:
        try:
            reply = await self.app.context.client.request("help.status")
        except (NotConnected, RequestFailed) as exc:
            log.warning("help.status: %s", exc)  # keep saying what was last known; asked again soon
            return
        if self.shown.stage is HelpStage.ASKING:
            return  # a touch is on its way: its answer decides
        shown = shown_from_reply(reply)
        if shown != self.shown:
            log.info("help: request %s is %s", shown.request or self.shown.request, shown.stage.value)
            self.show(shown)

    # --- what the bar shows -----------------------------------------------------------------

    def show(self, shown: HelpShown) -> None:
        self.shown = shown
        if shown.is_open and self._poll is None:
            self._poll = Clock.schedule_interval(lambda _dt: self.app.spawn(self._status()), POLL_SECONDS)
        elif not shown.is_open and shown.stage is not HelpStage.ASKING and self._poll is not None:
            self._poll.cancel()
            self._poll = None
        self.refresh()

    def refresh(self) -> None:
        if self.bar is None:
            return
        texts = self.app.texts
        lines = []
        for key, params in self.shown.lines():
            if key == "help.failed":
                params = {"reason": _reason(params["reason"])}
            lines.append((texts(key, **params), texts.other(key, **params)))
        self.bar.show((texts("help.button"), texts.other("help.button")), lines, self.shown.is_open, self.app.u)

    def reset(self) -> None:
        """An idle reset: a failed touch is forgotten; an open request stays (only a volunteer
        closes it) and the bar keeps saying so."""
        if self.shown.stage is HelpStage.FAILED:
            self.show(NOTHING)
        else:
            self.refresh()


def _reason(code: str) -> Both:
    if code == "no_connection":
        return Both("mất kết nối", "no connection")
    if code == "rate_limited":
        return Both("quá nhiều yêu cầu, thử lại sau ít phút", "too many requests, try again in a few minutes")
    return Both(code, code)
