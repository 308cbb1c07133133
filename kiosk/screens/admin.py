"""The admin page, behind the hidden gesture and a PIN: connection, printer and scanner
status, test print, reload the configuration, exit."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk.screens.widgets import KioskScreen, escape


class AdminScreen(KioskScreen):
    pin = StringProperty("")
    unlocked = BooleanProperty(False)
    status = StringProperty("")

    def key(self, key: str) -> None:
        if key == "⌫":
            self.pin = self.pin[:-1]
        elif len(self.pin) < 8:
            self.pin += key

    def on_pin(self, *_: object) -> None:
        self.ids.pin.text = "●" * len(self.pin) or "_"

    def clear(self) -> None:
        self.pin = ""
        self.unlocked = False
        self.status = ""

    def on_unlocked(self, *_: object) -> None:
        self.refresh()

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        self.ids.title.text = " · ".join(texts.title("admin.title"))
        self.ids.prompt.text = texts("admin.pin")
        self.ids.open.text = texts("admin.ok")
        self.ids.close.text = texts("admin.close")
        self.ids.test_print.text = texts("admin.test_print")
        self.ids.reload.text = texts("admin.reload")
        self.ids.exit.text = texts("admin.exit")
        # one of the two in the page: the PIN pad, or the panel once unlocked
        page = self.ids.page
        if not hasattr(self, "_parts"):
            self._parts = (self.ids.pin_box.__self__, self.ids.panel.__self__)  # kv ids are weak proxies
        shown = self._parts[1] if self.unlocked else self._parts[0]
        if shown.parent is not page:
            page.clear_widgets()
            page.add_widget(shown)

    def on_status(self, *_: object) -> None:
        self.ids.status.text = escape(self.status)
