"""A message that says what happened and what to do (a refused check-in, "Hết số", a foreign
scan…), in both languages, with a way back."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty

from kiosk.core.decisions import Notice, Tone
from kiosk.screens.widgets import KioskScreen

TONE_COLOURS = {
    Tone.INFO: (0.04, 0.24, 0.57, 1),
    Tone.WARNING: (0.55, 0.22, 0.0, 1),
    Tone.ERROR: (0.70, 0.10, 0.05, 1),
}


class MessageScreen(KioskScreen):
    notice = ObjectProperty(None, allownone=True)

    def show(self, notice: Notice) -> None:
        self.notice = notice
        self.refresh()

    def clear(self) -> None:
        self.notice = None

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        self.ids.title.text = " · ".join(texts.title("message.title"))
        self.ids.back.text = texts("message.back")
        if self.notice is None:
            return
        self.ids.body.text = texts(self.notice.key, **self.notice.params)
        self.ids.body.color = TONE_COLOURS[self.notice.tone]
        self.ids.second.text = texts.other(self.notice.key, **self.notice.params)
        offer = self.notice.offer
        self.ids.plain.text = texts("reentry.take_plain", name=app.service_name(offer)) if offer else ""

    def take_plain(self) -> None:
        """The plain number this message offers (a refused re-entry code's field)."""
        if self.notice is not None and self.notice.offer:
            App.get_running_app().take_number(self.notice.offer)
