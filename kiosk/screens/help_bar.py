"""The help bar under every citizen's screen: "Cần hỗ trợ" on the right, and on the left what
became of this kiosk's request (kiosk/help.py decides; this only shows)."""

from __future__ import annotations

from kivy.properties import BooleanProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.widgets import two_lines


class HelpBar(BoxLayout):
    """``open``: a request is open (the bar is coloured); ``on_help``: the button was touched."""

    open = BooleanProperty(False)
    __events__ = ("on_help",)

    def on_help(self) -> None:
        pass

    def show(self, button: tuple[str, str], lines: list[tuple[str, str]], is_open: bool, u: float) -> None:
        """``button``: its text in the citizen's language and the other; ``lines``: each line
        of the message likewise (the first large, the rest smaller, all in both languages)."""
        self.open = is_open
        self.ids.help.text = two_lines(*button, u, big=32, small=22)
        if not lines:
            self.ids.said.text = ""
            return
        first = " · ".join(line[0] for line in lines)
        second = " · ".join(line[1] for line in lines)
        self.ids.said.text = f"[b]{two_lines(first, second, u, big=30, small=24)}[/b]"

    def hide(self, hidden: bool) -> None:
        """Nothing to touch on the screens that take no citizen (offline, admin, first run)."""
        self.opacity = 0 if hidden else 1
        self.disabled = hidden
