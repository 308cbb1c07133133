"""Widgets the screens share: big buttons with a test-visible ``target`` name, the keypad,
a QR code drawn from a URL, and the two-language label."""

from __future__ import annotations

from kivy.graphics.texture import Texture
from kivy.properties import ListProperty, ObjectProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen


class KioskButton(Button):
    """A large touch target; ``target`` names it for tests and logs."""

    target = StringProperty("")
    colour = ListProperty([0.04, 0.24, 0.57, 1])


class TapLabel(Label):
    """A label that reports taps (the clock: the hidden admin gesture)."""

    target = StringProperty("")
    tap_handler = ObjectProperty(None, allownone=True)

    def on_touch_down(self, touch):
        if self.collide_point(*touch.pos) and self.tap_handler is not None:
            self.tap_handler()
            return True
        return super().on_touch_down(touch)


class Keypad(GridLayout):
    """Keys for codes: ``keys`` is the characters offered; ``key_handler`` gets each key
    (``"⌫"`` deletes the last character)."""

    keys = StringProperty("")
    key_handler = ObjectProperty(None, allownone=True)
    target_prefix = StringProperty("key")

    def on_keys(self, *_: object) -> None:
        self.clear_widgets()
        from kivy.app import App

        delete = App.get_running_app().texts("common.delete")  # "⌫" is not in every font
        for key in [*self.keys, "⌫"]:
            button = KioskButton(text=delete if key == "⌫" else key, target=f"{self.target_prefix}:{key}")
            if key == "⌫":
                button.colour = [0.2, 0.2, 0.2, 1]
            button.bind(on_release=lambda b, key=key: self.key_handler and self.key_handler(key))
            self.add_widget(button)

    on_target_prefix = on_keys


class QrImage(Image):
    """The QR code of ``data`` (ASCII), drawn crisp at any size."""

    data = StringProperty("")

    def on_data(self, *_: object) -> None:
        if not self.data:
            self.texture = None
            return
        import qrcode

        matrix = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        matrix.add_data(self.data)
        matrix.make(fit=True)
        image = matrix.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
        texture = Texture.create(size=image.size, colorfmt="rgb")
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        texture.blit_buffer(image.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        texture.flip_vertical()
        self.texture = texture


class KioskScreen(Screen):
    """A screen of the kiosk: ``refresh`` redraws its texts (language switch), ``clear``
    forgets what a citizen entered or was shown (idle reset)."""

    def refresh(self) -> None:
        pass

    def clear(self) -> None:
        pass

    def on_pre_enter(self, *_: object) -> None:
        self.refresh()


def two_lines(first: str, second: str, u: float, big: float = 34, small: float = 24) -> str:
    """Markup: the first language large, the second smaller under it (large text: the first
    alone, the room it leaves is the larger type's)."""
    from kivy.app import App

    if getattr(App.get_running_app(), "large_text", False):
        return f"[size={int(u * big)}]{escape(first)}[/size]"
    return f"[size={int(u * big)}]{escape(first)}[/size]\n[size={int(u * small)}]{escape(second)}[/size]"


def title_lines(title: tuple[str, str], u: float, big: float = 34, small: float = 24) -> str:
    """A screen's title (``Catalogue.title``): Vietnamese large, English under it."""
    return two_lines(title[0], title[1], u, big, small)


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")
