"""The kiosk before the server has configured it: the first run (scan the enrolment QR, or
type the code) and the full screen of a refusal (revoked, unknown, another protocol)."""

from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from kiosk.core.first_run import REENROL
from kiosk.screens.checkin import CodeEntryScreen
from kiosk.screens.widgets import KioskScreen
from queue_server.core.codes import ALPHABET
from queue_server.core.enrolment_qr import CODE_LENGTH

ERROR_COLOUR = (0.70, 0.10, 0.05, 1)
INFO_COLOUR = (0.04, 0.24, 0.57, 1)


class FirstRunScreen(CodeEntryScreen):
    """Ki-ốt chưa được đăng ký: what the kiosk says stays until the next scan or code."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.keys = ALPHABET
        self.max_length = CODE_LENGTH

    def shown_code(self) -> str:
        half = CODE_LENGTH // 2
        return f"{self.code[:half]}-{self.code[half:]}" if len(self.code) > half else self.code

    def key(self, key: str) -> None:
        super().key(key)
        self.ids.second_error.text = ""

    def clear(self) -> None:
        self.code = ""

    def refresh(self) -> None:
        app = App.get_running_app()
        texts = app.texts
        self.ids.title.text, self.ids.second_title.text = texts.title("firstrun.title")
        self.ids.prompt.text = texts("firstrun.prompt")
        self.ids.second_prompt.text = texts.other("firstrun.prompt")
        server = app.known_server
        self.ids.server.text = texts("firstrun.server", url=server) if server else texts("firstrun.server_unknown")
        self.ids.submit.text = texts("firstrun.submit")
        self.ids.code.text = self.shown_code() or "_"

    def say(self, first: str, second: str, error: bool) -> None:
        self.ids.error.text, self.ids.second_error.text = first, second
        self.ids.error.color = ERROR_COLOUR if error else INFO_COLOUR

    def submit(self) -> None:
        App.get_running_app().enrol_typed(self.code)


class RefusedScreen(KioskScreen):
    """The server refuses this kiosk: its words, and what a citizen and staff do."""

    code = StringProperty("")
    words = StringProperty("")

    def show(self, code: str, words: str) -> None:
        self.code, self.words = code, words
        self.refresh()

    def refresh(self) -> None:
        if not self.code:
            return
        texts = App.get_running_app().texts
        self.ids.title.text, self.ids.second_title.text = texts.title(f"refused.{self.code}")
        self.ids.words.text = self.words
        staff = "refused.staff_reenrol" if self.code in REENROL else "refused.staff_update"
        self.ids.staff.text, self.ids.second_staff.text = texts.title(staff)
