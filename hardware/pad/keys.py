"""USB rating pads that type keys: key events in, presses out (pure).

The pad is a keyboard; :class:`~hardware.scanner.keymap.KeymapDecoder` turns its key
events into characters and a configurable map turns characters into keys 1–N (by default
the digits: the top row and the keypad both work). Auto-repeat is ignored; everything else
is counted in :attr:`HidPadDecoder.unmapped`.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Mapping

from hardware.pad.events import KeyPress
from hardware.scanner.keymap import KeyEvent, KeymapDecoder

__all__ = ["DEFAULT_KEYS", "HidPadDecoder", "parse_key_map"]

DEFAULT_KEYS: Mapping[str, int] = {str(n): n for n in range(1, 10)}


def parse_key_map(text: str) -> dict[str, int]:
    """``"a:1,b:2"`` → ``{"a": 1, "b": 2}`` (characters as typed; letters in lower case)."""
    mapping: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        char, sep, number = item.rpartition(":")
        if not sep or len(char) != 1:
            raise ValueError(f"{item!r} is not CHARACTER:NUMBER")
        mapping[char.lower()] = int(number)
    if not mapping:
        raise ValueError("the key map is empty")
    return mapping


class HidPadDecoder:
    def __init__(self, address: int = 1, keys: Mapping[str, int] = DEFAULT_KEYS) -> None:
        self.address = address
        self.keys = {char.lower(): key for char, key in keys.items()}
        self.decoder = KeymapDecoder()
        self.unmapped: collections.Counter[str] = collections.Counter()

    def receive_events(self, events: Iterable[KeyEvent]) -> list[KeyPress]:
        presses = []
        for event in events:
            typed = self.decoder.feed(event)
            if typed is None:
                continue
            key = self.keys.get(typed.lower()) if isinstance(typed, str) else None
            if key is None:
                self.unmapped[typed if isinstance(typed, str) else typed.value] += 1
            else:
                presses.append(KeyPress(self.address, key))
        return presses
