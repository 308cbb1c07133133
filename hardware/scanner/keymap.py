"""Sans-I/O keyboard decoding: Linux key events in, text out.

A keyboard-wedge scanner (and a USB rating pad) is a keyboard: it sends key presses, not
characters. :class:`KeymapDecoder` follows Shift and Caps Lock and turns each key press into
the character a US keyboard would type; :class:`KeyboardLineParser` collects them into codes,
one per Enter, through the same checks as a serial scanner (:class:`~hardware.scanner.lines.LineParser`).

Key codes are the Linux input event codes (``linux/input-event-codes.h``, the numbers
``evdev.ecodes`` gives), so this module needs no evdev and is tested with synthetic events.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
from collections.abc import Iterable, Mapping

from hardware.scanner.lines import DiscardReason, LineParser, LineSettings, ScannedCode, Terminator

__all__ = [
    "KEY",
    "US_KEYMAP",
    "KeyEvent",
    "KeyState",
    "Keymap",
    "KeymapDecoder",
    "KeyboardLineParser",
    "Special",
    "key_events_for_text",
]


class KeyState(enum.IntEnum):
    """``value`` of an ``EV_KEY`` event."""

    UP = 0
    DOWN = 1
    HOLD = 2  # autorepeat


@dataclasses.dataclass(frozen=True)
class KeyEvent:
    code: int
    state: KeyState


class Special(enum.Enum):
    """Key presses that type no character."""

    ENTER = "enter"
    TAB = "tab"
    #: A key the keymap does not know, or a key pressed with Ctrl or Alt held.
    UNKNOWN = "unknown"


#: Linux key codes used here (``KEY_*`` from ``linux/input-event-codes.h``).
KEY: Mapping[str, int] = {
    "ESC": 1, "MINUS": 12, "EQUAL": 13, "BACKSPACE": 14, "TAB": 15,
    "LEFTBRACE": 26, "RIGHTBRACE": 27, "ENTER": 28, "LEFTCTRL": 29, "SEMICOLON": 39,
    "APOSTROPHE": 40, "GRAVE": 41, "LEFTSHIFT": 42, "BACKSLASH": 43, "COMMA": 51, "DOT": 52,
    "SLASH": 53, "RIGHTSHIFT": 54, "KPASTERISK": 55, "LEFTALT": 56, "SPACE": 57,
    "CAPSLOCK": 58, "NUMLOCK": 69, "KP7": 71, "KP8": 72, "KP9": 73, "KPMINUS": 74, "KP4": 75,
    "KP5": 76, "KP6": 77, "KPPLUS": 78, "KP1": 79, "KP2": 80, "KP3": 81, "KP0": 82,
    "KPDOT": 83, "KPENTER": 96, "RIGHTCTRL": 97, "KPSLASH": 98, "RIGHTALT": 100,
    **{f"{digit}": code for digit, code in zip("1234567890", range(2, 12))},
    **{letter: code for letter, code in zip("QWERTYUIOP", range(16, 26))},
    **{letter: code for letter, code in zip("ASDFGHJKL", range(30, 39))},
    **{letter: code for letter, code in zip("ZXCVBNM", range(44, 51))},
}  # fmt: skip

_SHIFT = frozenset({KEY["LEFTSHIFT"], KEY["RIGHTSHIFT"]})
_CTRL_ALT = frozenset({KEY["LEFTCTRL"], KEY["RIGHTCTRL"], KEY["LEFTALT"]})
_ALTGR = KEY["RIGHTALT"]
_IGNORED = frozenset({KEY["NUMLOCK"]})


@dataclasses.dataclass(frozen=True)
class Keymap:
    """What each key types, without and with Shift."""

    plain: Mapping[int, str]
    shifted: Mapping[int, str]

    @property
    def letters(self) -> frozenset[int]:
        """Keys whose case Caps Lock flips."""
        return frozenset(code for code, char in self.plain.items() if char.isalpha())


def _us_keymap() -> Keymap:
    plain: dict[int, str] = {}
    shifted: dict[int, str] = {}
    for digit, shift in zip("1234567890", "!@#$%^&*()"):
        plain[KEY[digit]], shifted[KEY[digit]] = digit, shift
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        plain[KEY[letter]], shifted[KEY[letter]] = letter.lower(), letter
    pairs = {
        "MINUS": "-_", "EQUAL": "=+", "LEFTBRACE": "[{", "RIGHTBRACE": "]}",
        "SEMICOLON": ";:", "APOSTROPHE": "'\"", "GRAVE": "`~", "BACKSLASH": "\\|",
        "COMMA": ",<", "DOT": ".>", "SLASH": "/?", "SPACE": "  ",
    }  # fmt: skip
    for name, (normal, shift) in pairs.items():
        plain[KEY[name]], shifted[KEY[name]] = normal, shift
    # The keypad types the same with or without Shift (Num Lock is taken as on).
    keypad = {
        "KP0": "0", "KP1": "1", "KP2": "2", "KP3": "3", "KP4": "4", "KP5": "5", "KP6": "6",
        "KP7": "7", "KP8": "8", "KP9": "9", "KPDOT": ".", "KPMINUS": "-", "KPPLUS": "+",
        "KPASTERISK": "*", "KPSLASH": "/",
    }  # fmt: skip
    for name, char in keypad.items():
        plain[KEY[name]] = shifted[KEY[name]] = char
    return Keymap(plain=plain, shifted=shifted)


US_KEYMAP = _us_keymap()


class KeymapDecoder:
    """Turns key events into typed characters, following Shift and Caps Lock."""

    def __init__(self, keymap: Keymap = US_KEYMAP, *, accept_repeats: bool = False) -> None:
        self.keymap = keymap
        self.accept_repeats = accept_repeats
        self.ignored_repeats = 0
        self._letters = keymap.letters
        self._held: set[int] = set()
        self._caps_lock = False

    def feed(self, event: KeyEvent) -> str | Special | None:
        """The character or special key typed by ``event``; ``None`` when nothing is typed."""
        code = event.code
        if event.state is KeyState.UP:
            self._held.discard(code)
            return None
        if event.state is KeyState.HOLD and not self.accept_repeats:
            self.ignored_repeats += 1
            return None
        if code in _SHIFT or code in _CTRL_ALT or code == _ALTGR or code in _IGNORED:
            self._held.add(code)
            return None
        if code == KEY["CAPSLOCK"]:
            if event.state is KeyState.DOWN:
                self._caps_lock = not self._caps_lock
            return None
        if code in (KEY["ENTER"], KEY["KPENTER"]):
            return Special.ENTER
        if code == KEY["TAB"]:
            return Special.TAB
        if self._held & _CTRL_ALT or _ALTGR in self._held:
            return Special.UNKNOWN
        shift = bool(self._held & _SHIFT)
        if self._caps_lock and code in self._letters:
            shift = not shift
        table = self.keymap.shifted if shift else self.keymap.plain
        char = table.get(code)
        return Special.UNKNOWN if char is None else char

    def reset(self) -> None:
        self._held.clear()
        self._caps_lock = False


class KeyboardLineParser:
    """Codes typed by a keyboard-wedge scanner, one per Enter (or Tab, if asked).

    The typed text goes through a :class:`LineParser`, so prefix and suffix stripping, the
    length limit and the discard counts work as for a serial scanner. An unknown key in a
    code makes the whole code unusable (counted as a control character).
    """

    def __init__(
        self,
        settings: LineSettings | None = None,
        *,
        keymap: Keymap = US_KEYMAP,
        tab_ends_code: bool = False,
    ) -> None:
        settings = dataclasses.replace(settings or LineSettings(), terminator=Terminator.CR)
        self.decoder = KeymapDecoder(keymap)
        self.lines = LineParser(settings)
        self.tab_ends_code = tab_ends_code
        self.unknown_keys = 0

    @property
    def discards(self) -> collections.Counter[DiscardReason]:
        return self.lines.discards

    def receive_events(self, events: Iterable[KeyEvent]) -> None:
        for event in events:
            typed = self.decoder.feed(event)
            if typed is None:
                continue
            if typed is Special.ENTER or (typed is Special.TAB and self.tab_ends_code):
                self.lines.receive_data(b"\r")
            elif isinstance(typed, Special):
                self.unknown_keys += 1
                self.lines.receive_data(b"\x00")
            else:
                self.lines.receive_data(typed.encode("ascii"))

    def codes_received(self) -> list[ScannedCode]:
        return self.lines.codes_received()


def key_events_for_text(text: str, keymap: Keymap = US_KEYMAP, *, enter: bool = True) -> list[KeyEvent]:
    """The key events a US keyboard-wedge scanner sends to type ``text`` (for tests and demos)."""
    plain = {char: code for code, char in keymap.plain.items() if code not in _keypad_codes()}
    shifted = {char: code for code, char in keymap.shifted.items() if code not in _keypad_codes()}
    shift = KEY["LEFTSHIFT"]
    events: list[KeyEvent] = []
    for char in text:
        if char in plain:
            code = plain[char]
            events += [KeyEvent(code, KeyState.DOWN), KeyEvent(code, KeyState.UP)]
        elif char in shifted:
            code = shifted[char]
            events += [
                KeyEvent(shift, KeyState.DOWN),
                KeyEvent(code, KeyState.DOWN),
                KeyEvent(code, KeyState.UP),
                KeyEvent(shift, KeyState.UP),
            ]
        else:
            raise ValueError(f"{char!r} cannot be typed on this keymap")
    if enter:
        events += [KeyEvent(KEY["ENTER"], KeyState.DOWN), KeyEvent(KEY["ENTER"], KeyState.UP)]
    return events


def _keypad_codes() -> frozenset[int]:
    return frozenset(code for name, code in KEY.items() if name.startswith("KP"))
