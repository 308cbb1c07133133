"""Dossier lookup (tra cứu hồ sơ): scan the receipt's barcode, or type the dossier code."""

from __future__ import annotations

from kivy.app import App

from kiosk.screens.checkin import CodeEntryScreen

DOSSIER_KEYS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.-"


class DossierScreen(CodeEntryScreen):
    prefix = "dossier"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.keys = DOSSIER_KEYS
        self.max_length = 40

    def submit(self) -> None:
        app = App.get_running_app()
        if len(self.code) < 3:
            self.ids.error.text = app.texts("dossier.invalid")
            return
        app.lookup_dossier(self.code)
