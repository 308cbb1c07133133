"""Appointment check-in: scan the booking's QR code, or type its 8-character code."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import NumericProperty, StringProperty

from kiosk.screens.widgets import KioskScreen, title_lines
from queue_server.core.codes import ALPHABET, BOOKING_CODE_LENGTH


class CodeEntryScreen(KioskScreen):
    """A screen where a code is scanned or typed on the keypad (``keys``, up to ``max_length``)."""

    code = StringProperty("")
    max_length = NumericProperty(8)
    keys = StringProperty("")
    prefix = ""  # catalogue keys: f"{prefix}.title", ".scan", ".submit"

    def key(self, key: str) -> None:
        if key == "⌫":
            self.code = self.code[:-1]
        elif len(self.code) < self.max_length:
            self.code += key
        self.ids.error.text = ""

    def clear(self) -> None:
        self.code = ""
        if "error" in self.ids:
            self.ids.error.text = ""

    def shown_code(self) -> str:
        return self.code

    def on_code(self, *_: object) -> None:
        self.ids.code.text = self.shown_code() or "_"

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        self.ids.title.text = title_lines(texts.title(f"{self.prefix}.title"), app.u, 44, 26)
        self.ids.prompt.text = texts(f"{self.prefix}.scan")
        self.ids.submit.text = texts(f"{self.prefix}.submit")
        self.ids.back.text = texts("common.back")
        self.ids.code.text = self.shown_code() or "_"

    def submit(self) -> None:
        raise NotImplementedError


class CheckinScreen(CodeEntryScreen):
    prefix = "checkin"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.keys = ALPHABET
        self.max_length = BOOKING_CODE_LENGTH

    def shown_code(self) -> str:
        half = BOOKING_CODE_LENGTH // 2
        return f"{self.code[:half]}-{self.code[half:]}" if len(self.code) > half else self.code

    def submit(self) -> None:
        app = App.get_running_app()
        if len(self.code) != BOOKING_CODE_LENGTH:
            self.ids.error.text = app.texts("checkin.too_short")
            return
        app.check_in(self.code)
