"""Listening mode and large text as plain state (no Kivy): what a touch does, which tiles a
page shows. Both last one citizen's visit: :meth:`Access.reset` at the idle return.

    access = Access()
    access.listening = True
    access.touch("tile:HT")   # -> Touch.READ: the tile is read aloud, nothing is taken
    access.touch("tile:HT")   # -> Touch.TAKE: the second touch on the same button takes it
    access.touch("tile:DD")   # -> Touch.READ: another button is read first
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

TILES_PER_PAGE = 4  # large text: two rows of two tiles, the last one "next page" when there are more


class Touch(enum.Enum):
    READ = "read"  # listening mode's first touch: say what the button is
    TAKE = "take"  # do what the button does


@dataclasses.dataclass
class Access:
    listening: bool = False
    large: bool = False
    page: int = 0  # large text: the home screen's page of tiles
    armed: str | None = None  # listening mode: the button read last, that a second touch takes

    def touch(self, target: str) -> Touch:
        """A touch on the button named ``target``."""
        if not self.listening or self.armed == target:
            self.armed = None
            return Touch.TAKE
        self.armed = target
        return Touch.READ

    def reset(self) -> bool:
        """Back to the normal kiosk (the idle return, a visit's end); True if anything changed."""
        changed = self.listening or self.large or self.page != 0 or self.armed is not None
        self.listening = self.large = False
        self.page, self.armed = 0, None
        return changed

    def tiles(self, tiles: Sequence[T]) -> tuple[list[T], bool]:
        """The tiles to show, and whether a "next page" tile follows them. Normal text: all of
        them; large text: ``TILES_PER_PAGE`` a page, the last place taken by "next page" when
        there are more (the pages go round)."""
        if not self.large or len(tiles) <= TILES_PER_PAGE:
            return list(tiles), False
        per_page = TILES_PER_PAGE - 1
        pages = -(-len(tiles) // per_page)
        self.page %= pages
        start = self.page * per_page
        return list(tiles[start : start + per_page]), True

    def pages(self, count: int) -> int:
        if not self.large or count <= TILES_PER_PAGE:
            return 1
        return -(-count // (TILES_PER_PAGE - 1))

    def next_page(self) -> None:
        self.page += 1
