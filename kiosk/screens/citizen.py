"""A chip ID card (CCCD) was scanned: first what the kiosk will do with it and the number
masked, with "Đồng ý" (consent) or "Trang chủ"; then today's appointments (one tap checks
in) and the citizen's dossiers (one tap shows one). The card's number is held by the app
only until the search is sent, and never shown in full."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.core.decisions import local_time
from kiosk.screens.widgets import KioskButton, KioskScreen, escape, title_lines, two_lines


class CitizenScreen(KioskScreen):
    masked = StringProperty("")
    asking = BooleanProperty(False)  # the consent question is on screen
    found = DictProperty({})  # citizen.find's answer once searched

    def ask(self, masked: str) -> None:
        self.masked, self.asking, self.found = masked, True, {}
        self.refresh()

    def show(self, found: dict[str, Any]) -> None:
        self.asking, self.found = False, found
        self.refresh()

    def clear(self) -> None:
        self.masked, self.asking, self.found = "", False, {}
        self.ids.found.clear_widgets()

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        grid = self.ids.found
        grid.clear_widgets()
        self.ids.title.text = title_lines(texts.title("citizen.title"), app.u, 40, 24)
        self.ids.back.text = texts("common.home")
        self.ids.consent.text = texts("citizen.consent")
        if self.asking:
            self.ids.body.text = escape(texts("citizen.ask", masked=self.masked))
            return
        if not self.found:
            self.ids.body.text = ""
            return
        appointments, dossiers = self.found.get("appointments", []), self.found.get("dossiers", [])
        if not appointments and not dossiers:
            self.ids.body.text = escape(texts("citizen.none", masked=self.masked))
            return
        self.ids.body.text = escape(texts("citizen.found", masked=self.masked))
        vi = texts.language.value == "vi"
        tz = app.context.settings.config.site.tz
        for a in appointments:
            name = a.get("service_name_vi" if vi else "service_name_en") or a["service"]
            button = KioskButton(
                target=f"appointment:{a['code']}",
                text=two_lines(texts("citizen.appointment", time=local_time(a["slot_start"], tz), name=name),
                               texts.other("citizen.appointment", time=local_time(a["slot_start"], tz), name=name), app.u, 34, 22),
                colour=[0.04, 0.24, 0.57, 1],
            )  # fmt: skip
            button.bind(on_release=lambda _b, code=a["code"]: app.check_in(code))
            grid.add_widget(button)
        for d in dossiers:
            status = texts(f"status.{'overdue' if d.get('overdue') else d['status']}")
            button = KioskButton(
                target=f"dossier:{d['code']}",
                text=two_lines(texts("citizen.dossier", code=d["code"], status=status), d.get("procedure") or "", app.u, 30, 22),
                colour=[0.05, 0.40, 0.22, 1] if d.get("pickup") else [0.36, 0.16, 0.53, 1],
            )
            button.bind(on_release=lambda _b, code=d["code"]: app.lookup_dossier(code))
            grid.add_widget(button)
