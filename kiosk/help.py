""""Cần hỗ trợ" at the kiosk (issue 23): this kiosk's request for a volunteer. The button is in
the bar over the screens, beside "Nghe hướng dẫn" and "Chữ lớn" (:mod:`kiosk.access_bar` shows
it); a touch sends ``help.ask`` for this kiosk, and the button's own text then says "Đã gọi
người hỗ trợ, xin chờ trong giây lát" and how many asked before, and "Tình nguyện viên đang
đến" once a volunteer takes the request. While a request is open the kiosk asks
``help.status`` every few seconds (a kiosk receives no help events: what other kiosks asked is
none of its business), and the button is "Cần hỗ trợ" again when a volunteer closes it.

What the button says is decided in :mod:`kiosk.core.help`, including why an idle reset leaves
the request open (the screen goes home; the button keeps saying that help is coming).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, Protocol

from kivy.clock import Clock

from kiosk.core.help import NOTHING, POLL_SECONDS, HelpShown, HelpStage, should_ask, shown_from_reply
from kiosk.core.texts import Both, Catalogue
from queue_server.protocol.client import NotConnected, RequestFailed

if TYPE_CHECKING:
    from kiosk.bootstrap import KioskContext

log = logging.getLogger(__name__)


class HelpHost(Protocol):
    """What the request needs of the kiosk app (kiosk/app.py): its client, texts and tasks."""

    context: KioskContext

    @property
    def texts(self) -> Catalogue: ...

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]: ...


class KioskHelp:
    """This kiosk's help request. ``shown`` is what the button says; ``on_shown`` is called with
    it at each change (the bar redraws the button, listening mode says it)."""

    def __init__(self, app: HelpHost, on_shown: Callable[[HelpShown], None]) -> None:
        self.app = app
        self.on_shown = on_shown
        self.shown: HelpShown = NOTHING
        self._poll: Any = None

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

    # --- what the button says ---------------------------------------------------------------

    def show(self, shown: HelpShown) -> None:
        self.shown = shown
        if shown.is_open and self._poll is None:
            self._poll = Clock.schedule_interval(lambda _dt: self.app.spawn(self._status()), POLL_SECONDS)
        elif not shown.is_open and shown.stage is not HelpStage.ASKING and self._poll is not None:
            self._poll.cancel()
            self._poll = None
        self.on_shown(shown)

    def lines(self) -> list[str]:
        """What the button says in the citizen's language, a line each ([]: it is the button alone)."""
        texts = self.app.texts
        out = []
        for key, params in self.shown.lines():
            if key == "help.failed":
                params = {"reason": _reason(params["reason"])}
            out.append(texts(key, **params))
        return out

    def reset(self) -> None:
        """An idle reset: a failed touch is forgotten; an open request stays (only a volunteer
        closes it) and the button keeps saying so."""
        if self.shown.stage is HelpStage.FAILED:
            self.show(NOTHING)


def _reason(code: str) -> Both:
    if code == "no_connection":
        return Both("mất kết nối", "no connection")
    if code == "rate_limited":
        return Both("quá nhiều yêu cầu, thử lại sau ít phút", "too many requests, try again in a few minutes")
    return Both(code, code)
