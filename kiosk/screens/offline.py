"""Tạm ngưng phục vụ: the server cannot be reached; nothing is issued until it can."""

from __future__ import annotations

from kivy.app import App

from kiosk.screens.widgets import KioskScreen


class OfflineScreen(KioskScreen):
    def refresh(self) -> None:
        texts = App.get_running_app().texts
        self.ids.title.text, self.ids.second_title.text = texts.title("offline.title")
        self.ids.body.text = texts("offline.body")
        self.ids.second_body.text = texts.other("offline.body")
