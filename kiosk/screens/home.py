"""Home: a tile per field with its wait, the priority / appointment / dossier buttons, the
language switch, the centre's name and the clock (tapped five times: the admin page)."""

from __future__ import annotations

import datetime as dt

from kivy.app import App
from kivy.properties import ListProperty, StringProperty

from kiosk.core.decisions import ServiceTile, Tone
from kiosk.screens.widgets import KioskButton, KioskScreen, title_lines, two_lines

OPEN = [0.04, 0.24, 0.57, 1]  # white on this: 10:1
SHUT = [0.33, 0.35, 0.38, 1]  # white on this: 7.5:1


class HomeScreen(KioskScreen):
    tiles = ListProperty([])
    clock_text = StringProperty("")

    def on_tiles(self, *_: object) -> None:
        self.refresh()

    def tick(self, now: dt.datetime) -> None:
        self.clock_text = f"[b]{now:%H:%M}[/b]\n{now:%d/%m/%Y}"

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        grid = self.ids.tiles
        grid.clear_widgets()
        tiles: list[ServiceTile]
        tiles, grid.cols = app.access_controls.home_tiles(list(self.tiles))  # fewer a page in large text
        for tile in tiles:
            status = tile.status()
            line = texts(status.key, **status.params)
            if tile.can_issue and tile.waiting:
                line = f"{texts('tile.waiting', count=tile.waiting)} · {line}"
            first = tile.name(texts.language.value)
            second = tile.name(texts.second.value)
            button = KioskButton(
                target=f"tile:{tile.code}",
                text=two_lines(first, second, app.u, 36, 22) + f"\n[size={int(app.u * 24)}]{line}[/size]",
                colour=OPEN if tile.can_issue else SHUT,
            )
            if status.tone is not Tone.INFO:
                button.color = (1, 0.87, 0.35, 1) if not tile.can_issue else (1, 1, 1, 1)
            button.bind(on_release=lambda _b, code=tile.code: app.take_number(code))
            grid.add_widget(button)
        more = app.access_controls.more_button()
        if more is not None:
            grid.add_widget(more)
        if not tiles:
            grid.add_widget(KioskButton(text=texts("home.no_services"), target="tile:none", colour=SHUT))
        self.ids.title.text = title_lines(texts.title("home.title"), app.u, 44, 28)
        for name in ("priority", "checkin", "dossier"):
            self.ids[name].text = two_lines(texts(f"home.{name}"), texts(f"home.{name}_hint"), app.u, 38, 24)
        self.ids.language.text = texts("home.language")
        self.ids.scan_hint.text = texts("home.scan_hint")
