"""Priority: choose the category (from the site's configuration), then the field."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import ObjectProperty

from kiosk.screens.home import OPEN, SHUT
from kiosk.screens.widgets import KioskButton, KioskScreen, title_lines, two_lines


class PriorityScreen(KioskScreen):
    category = ObjectProperty(None, allownone=True)  # a PriorityCategory once chosen

    def choose(self, category: object) -> None:
        self.category = category
        self.refresh()

    def clear(self) -> None:
        self.category = None

    def back(self) -> None:
        if self.category is not None:
            self.clear()
            self.refresh()
        else:
            App.get_running_app().home()

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        grid = self.ids.choices
        grid.clear_widgets()
        vi = texts.language.value == "vi"
        if self.category is None:
            self.ids.title.text = title_lines(texts.title("priority.title"), app.u, 42, 26)
            for category in app.priorities:
                first, second = (category.name_vi, category.name_en) if vi else (category.name_en, category.name_vi)
                button = KioskButton(
                    target=f"category:{category.code}", text=two_lines(first, second, app.u, 40, 26),
                    colour=[0.62, 0.24, 0.0, 1],
                )
                button.bind(on_release=lambda _b, c=category: self.choose(c))
                grid.add_widget(button)
        else:
            vi_title = texts.title("priority.service_title", category=self.category.name_vi)[0]
            en_title = texts.title("priority.service_title", category=self.category.name_en)[1]
            self.ids.title.text = two_lines(vi_title, en_title, app.u, 42, 26)
            for tile in app.home_tiles():
                status = tile.status()
                button = KioskButton(
                    target=f"tile:{tile.code}",
                    text=two_lines(tile.name(texts.language.value), tile.name(texts.second.value), app.u, 36, 22)
                    + ("" if tile.can_issue else f"\n[size={int(app.u * 24)}]{texts(status.key)}[/size]"),
                    colour=OPEN if tile.can_issue else SHUT,
                )
                button.bind(on_release=lambda _b, code=tile.code: app.take_number(code, self.category.code))
                grid.add_widget(button)
        grid.cols = 3 if len(grid.children) > 4 else 2
        self.ids.note.text = texts("priority.note")
        self.ids.back.text = texts("common.back")
