""""Nghe hướng dẫn", "Chữ lớn" and "Cần hỗ trợ" on every citizen's screen of the kiosk: the bar
above the screens and the screens' place under it, the kiosk's window (kiosk mode, fonts, the
size unit ``app.u``), the touch rule of listening mode, large text, and their end with the
citizen's visit.

- Listening: the button reads the screen (:func:`kiosk.core.spoken.screen_speech`); then a
  first touch on any button reads it and a second one takes it (:class:`kiosk.core.access.Access`),
  each new screen is read, and an issued ticket says its number, field, counters, people ahead
  and where to wait (:func:`kiosk.core.spoken.ticket_speech`).
- Large text: every size ×1.2 (``app.text_scale``), the second language's small lines left out
  (their room is the larger type's), a white page and darker buttons (:mod:`kiosk.theme`), four
  tiles a page on the home screen ("Trang sau" for the others).
- Both end with the citizen's visit: at the idle return (on any screen, the home screen too),
  and when the kiosk goes home from the issued ticket; "Quay lại" keeps them.
- Help: "Cần hỗ trợ" asks for a volunteer (:mod:`kiosk.help`); while the request is open the
  button's own text is where it stands ("Đã gọi người hỗ trợ, xin chờ trong giây lát" and how
  many asked before, then "Tình nguyện viên đang đến"), on two lines sized to the bar, and the
  button takes more of the bar's width. In listening mode it is read like the screens' buttons
  (first touch reads, second takes) and each new state is said. Not on the screens that are
  not the citizen's (offline, first run, refused, admin).

The screens are not changed for this: the bar sits above the screen manager in the window
(one bar, so one place decides the screens' height: :data:`BAR`), and listening mode takes the
window's touches before the screens see them.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.access import Access, Touch
from kiosk.core.help import HelpShown, HelpStage
from kiosk.core.spoken import plain, screen_speech, sentence, ticket_speech, tile_speech
from kiosk.core.texts import Language
from kiosk.help import KioskHelp
from kiosk.listening import KioskVoice, audio_environment
from kiosk.screens.widgets import KioskButton, escape
from kiosk.theme import DANGER, LISTEN, NEUTRAL, paper
from queue_server.config.kiosk_options import KioskOptions

log = logging.getLogger(__name__)

FONT_DIRS = (Path(__file__).resolve().parents[1] / "assets" / "fonts", Path("/usr/share/fonts/truetype/noto"))
BAR = 0.072  # of the window's height: 15 mm on the screens of docs/kiosk.md
BAR_FONT = 30  # the bar's buttons' text, × app.u
HELP_OPEN_WIDTH = 3  # an open request's button, against 1 for each of the others
LARGE_SCALE = 1.2
SILENT_SCREENS = ("offline", "first_run", "refused", "admin")  # not the citizen's: no reading, no help


# --- the window -------------------------------------------------------------------------------


def configure_kivy(options: KioskOptions) -> None:
    """Kiosk mode; must run before the window is made."""
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")  # no red multitouch dots
    Config.set("graphics", "fullscreen", "auto" if options.fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if options.fullscreen else "1")
    Config.set("graphics", "width", str(options.window_size[0]))
    Config.set("graphics", "height", str(options.window_size[1]))
    Config.set("graphics", "resizable", "0")
    audio_environment(options)  # the voice's output (speaker or headphone jack), before SDL opens it


def register_fonts() -> None:
    """Noto Sans (every Vietnamese letter and tone mark) as the default font."""
    from kivy.core.text import DEFAULT_FONT, LabelBase

    for folder in FONT_DIRS:
        regular, bold = folder / "NotoSans-Regular.ttf", folder / "NotoSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            LabelBase.register(DEFAULT_FONT, str(regular), fn_bold=str(bold))
            return
    log.warning("Noto Sans not found in %s: Vietnamese may show with missing marks", FONT_DIRS)


def set_up_window(app: Any) -> None:
    """Kiosk mode's window (no screensaver, closing and Escape do nothing, every touch counts
    as the citizen's), the fonts, and the size unit ``app.u``: the window's height / 1080 ×
    ``app.text_scale``. Before the screens are made."""
    from kivy.core.window import Window

    register_fonts()
    Window.allow_screensaver = False
    Window.bind(on_request_close=lambda *_: True, on_keyboard=_on_key, on_touch_down=lambda *_: app.idle.touch(time.monotonic()))
    Window.bind(size=lambda *_: _scale(app))
    app.bind(text_scale=lambda *_: _scale(app))
    _scale(app)


def _scale(app: Any) -> None:
    from kivy.core.window import Window

    app.u = Window.height / 1080 * app.text_scale


def _on_key(_window: Any, key: int, *_: Any) -> bool:
    return key == 27  # Escape (and Android's back) does nothing on a kiosk


def bar_over_screens(app: Any) -> AccessControls:
    """The bar with the voice of the options, put above the screens once the screen manager is
    the window's root (the app's ``build`` returns it)."""
    folder = (app.state_dir / "voice") if app.state_dir is not None else Path("var/voice/kiosk")
    controls = AccessControls(app, KioskVoice.for_options(app.kiosk_options, folder))
    Clock.schedule_once(lambda _dt: controls.install(), 0)
    return controls


class AccessBar(BoxLayout):
    """Above the screens (the screens keep their own origin: a screen is a RelativeLayout that
    draws its page at its own position, which a move would shift)."""

    def __init__(self, controls: AccessControls, **kwargs: Any) -> None:
        super().__init__(size_hint=(1, BAR), pos_hint={"x": 0, "top": 1}, **kwargs)
        app = controls.app
        self.padding = [app.u * 24, app.u * 6, app.u * 24, 0]
        self.spacing = app.u * 18
        with self.canvas.before:
            self._colour = Color(*paper(False))
            self._page = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._draw, size=self._draw)
        app.bind(large_text=lambda _app, large: setattr(self._colour, "rgba", paper(large)))
        self.listen = KioskButton(target="access:listen", colour=list(LISTEN))
        self.listen.bind(on_release=lambda *_: controls.toggle_listening())
        self.large = KioskButton(target="access:large", colour=list(NEUTRAL))
        self.large.bind(on_release=lambda *_: controls.toggle_large())
        self.help = KioskButton(target="access:help", colour=list(DANGER))
        self.help.bind(on_release=lambda *_: controls.help.touched())
        if controls.voice is not None:
            self.add_widget(self.listen)
        self.add_widget(self.large)
        self.add_widget(self.help)

    def show_help(self, shown: bool) -> None:
        """The help button on the citizen's screens; none (nothing to touch) on the others."""
        if shown and self.help.parent is None:
            self.add_widget(self.help, index=0)
        elif not shown and self.help.parent is self:
            self.remove_widget(self.help)

    def _draw(self, *_: Any) -> None:
        self._page.pos, self._page.size = self.pos, self.size


class AccessControls:
    def __init__(self, app: Any, voice: KioskVoice | None) -> None:
        self.app = app
        self.voice = voice
        self.state = Access()
        self.help = KioskHelp(app, self.help_shown)
        self.bar = AccessBar(self)
        self._last_ticket: tuple[Any, ...] | None = None
        self._help_said = ""
        if voice is not None:  # a citizen listening is not away: the idle time counts from the end of a text
            voice.on_speaking = lambda seconds: app.idle.touch(time.monotonic() + seconds)

    # --- set-up ----------------------------------------------------------------------------

    def install(self) -> None:
        """Above the screens, in the window; called once the screens are made."""
        from kivy.core.window import Window

        root = self.app.root
        root.size_hint = (1, 1 - BAR)
        root.pos_hint = {"x": 0, "y": 0}
        Window.add_widget(self.bar)
        Window.update_childsize([root])
        Window.bind(on_touch_down=self._touch_down)  # bound after the app's: asked first
        root.bind(current=lambda *_: Clock.schedule_once(lambda _dt: self._screen_changed(), 0))
        root.bind(current=lambda *_: self.bar.show_help(root.current not in SILENT_SCREENS))
        self.bar.show_help(root.current not in SILENT_SCREENS)
        self.app.screen("ticket").bind(ticket=lambda *_: self._ticket_changed())
        self.app.bind(u=lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """The bar's texts in the citizen's language (a language switch, a mode, a help state)."""
        texts = self.app.texts
        self.bar.listen.text = texts("access.listen_off" if self.state.listening else "access.listen")
        self.bar.large.text = texts("access.large_off" if self.state.large else "access.large")
        size = self.app.u * BAR_FONT
        self.bar.listen.font_size = self.bar.large.font_size = size
        lines = self.help.lines()
        self.bar.help.text = "\n".join(escape(line) for line in lines) if lines else escape(texts("help.button"))
        self.bar.help.size_hint_x = HELP_OPEN_WIDTH if lines else 1
        two = len(lines) > 1 or self.help.shown.stage is HelpStage.FAILED  # a long reason wraps
        self.bar.help.font_size = min(size, self._two_lines_font()) if two else size

    def _two_lines_font(self) -> float:
        """The largest text of which two lines fit the bar's height (Noto Sans: 1.36 em a line)."""
        from kivy.core.window import Window

        return (Window.height * BAR - self.bar.padding[1]) / 2.9

    # --- listening and large text ----------------------------------------------------------

    def toggle_listening(self) -> None:
        self.state.listening = not self.state.listening
        self.state.armed = None
        self.refresh()
        log.info("listening mode %s", "on" if self.state.listening else "off")
        if self.state.listening:
            self.say(f"{self.app.texts('access.listening_on')} {self.screen_text()}")
        else:
            self.say(self.app.texts("access.listening_off"))

    def toggle_large(self) -> None:
        self.set_large(not self.state.large)
        if self.state.listening and self.state.large:
            self.say(self.app.texts("access.large_on"))

    def set_large(self, large: bool) -> None:
        self.state.large = large
        self.state.page = 0
        self.app.large_text = large
        self.app.text_scale = LARGE_SCALE if large else 1.0
        self.refresh()
        log.info("large text %s", "on" if large else "off")
        self._redraw()

    def next_page(self) -> None:
        self.state.next_page()
        self._redraw()

    def _redraw(self) -> None:
        self.app.screen("home").refresh()
        if self.app.root.current != "home":
            self.app.root.current_screen.refresh()

    def reset(self, *, silence: bool = True) -> None:
        """The visit is over: the normal, silent kiosk again (``silence`` False: the text being
        said, the ticket's, is said to its end)."""
        was_large = self.state.large
        if self.state.reset():
            log.info("listening mode and large text reset")
            if self.voice is not None and silence:
                self.voice.stop()
            if was_large:
                self.set_large(False)
            self.refresh()

    def going_home(self, screen: str) -> None:
        """The kiosk goes home from ``screen``: from the ticket, the citizen's visit is over;
        from another screen ("Quay lại") it goes on, in the same modes. An open help request
        stays open (only a volunteer closes it); a failed touch is forgotten."""
        if screen == "ticket":
            self.reset(silence=False)  # the ticket's number, counters and place are said to the end
        self.help.reset()

    # --- "Cần hỗ trợ" -----------------------------------------------------------------------

    def help_shown(self, shown: HelpShown) -> None:
        """The request's new state: on the button, and said in listening mode (the stages a
        citizen waits in; "Đang gọi…" is too short to say, and a closed request says nothing:
        the volunteer is there)."""
        self.refresh()
        said = " ".join(sentence(line) for line in self.help.lines())
        if shown.stage in (HelpStage.WAITING, HelpStage.COMING, HelpStage.FAILED) and said != self._help_said:
            self._help_said = said
            if self.state.listening:
                self.say(said)
        elif shown.stage is HelpStage.NONE:
            self._help_said = ""

    # --- home's tiles in large text ------------------------------------------------------------

    def home_tiles(self, tiles: list[Any]) -> tuple[list[Any], int]:
        """The tiles the home screen shows, and its columns."""
        shown, more = self.state.tiles(tiles)
        self._more = more
        if self.state.large:
            return shown, 2
        return shown, 3 if len(tiles) > 4 else 2

    def more_button(self) -> KioskButton | None:
        """"Trang sau" after a large-text page of tiles, when there are more."""
        if not getattr(self, "_more", False):
            return None
        texts = self.app.texts
        count = len(self.app.screen("home").tiles)
        page = texts("access.page", page=self.state.page + 1, pages=self.state.pages(count))
        button = KioskButton(target="access:more", text=f"{texts('access.more')}\n{page}", colour=list(NEUTRAL))
        button.bind(on_release=lambda *_: self.next_page())
        return button

    # --- speaking ---------------------------------------------------------------------------

    @property
    def language(self) -> Language:
        return self.app.texts.language

    def say(self, text: str) -> None:
        if self.voice is not None and text.strip():
            self.voice.say(text, self.language.value)

    def screen_text(self) -> str:
        screen = self.app.root.current_screen
        if screen.name == "ticket" and screen.ticket:
            return self._ticket_text(screen.ticket)
        other = "en" if self.language is Language.VI else "vi"
        names = [tile.name(other) for tile in self.app.home_tiles()]
        return screen_speech(_shown_texts(screen), self.language, skip=names)

    def button_text(self, button: Any) -> str:
        target = button.target
        if target.startswith("tile:"):
            tile = next((t for t in self.app.home_tiles() if f"tile:{t.code}" == target), None)
            if tile is not None:
                return f"{tile_speech(tile, self.app.texts)} {sentence(self.app.texts('access.again'))}"
        words = " ".join(sentence(line) for line in plain(button.text).splitlines() if line.strip())
        return f"{words} {self.app.texts('access.again')}"

    def _ticket_text(self, ticket: dict[str, Any]) -> str:
        return ticket_speech(ticket, self.app.texts, self.app.wait_line(ticket))

    def _screen_changed(self) -> None:
        screen = self.app.root.current
        if self.state.listening and screen not in SILENT_SCREENS and screen != "ticket":
            self.say(self.screen_text())

    def _ticket_changed(self) -> None:
        ticket = self.app.screen("ticket").ticket
        key = (ticket.get("id"), ticket.get("state"), ticket.get("counter")) if ticket else None
        if key is None or key == self._last_ticket:
            self._last_ticket = key
            return
        self._last_ticket = key
        if self.state.listening:
            self.say(self._ticket_text(ticket))

    # --- listening mode's touches ----------------------------------------------------------------

    def _touch_down(self, _window: Any, touch: Any) -> bool | None:
        if not self.state.listening:
            return None
        screen = self.app.root.current_screen
        if screen.name in SILENT_SCREENS:
            return None
        if self.bar.collide_point(*touch.pos):  # the bar's own buttons act at once, but for help
            button = _button_at(self.bar, touch.pos) if self.bar.help.parent is not None else None
            if button is not self.bar.help:
                return None
        else:
            button = _button_at(screen, touch.pos)
        if button is None or self.state.touch(button.target) is Touch.TAKE:
            return None
        self.app.idle.touch(time.monotonic())
        log.info("listening: read %s", button.target)
        self.say(self.button_text(button))
        return True  # the first touch reads; the button is not pressed


def _button_at(widget: Any, pos: tuple[float, float]) -> Any:
    for child in widget.children:
        if child.opacity == 0 or child.disabled:
            continue
        if isinstance(child, KioskButton) and child.target and child.collide_point(*child.to_widget(*pos)):
            return child
        found = _button_at(child, pos)
        if found is not None:
            return found
    return None


def _shown_texts(widget: Any) -> list[str]:
    """The texts a screen shows, top to bottom as the layouts add them."""
    from kivy.uix.label import Label

    out: list[str] = []

    def walk(w: Any) -> None:
        if w.opacity == 0:
            return
        if isinstance(w, Label) and w.text.strip():
            out.append(w.text)
        for child in reversed(w.children):
            walk(child)

    walk(widget)
    return out
