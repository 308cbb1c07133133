"""A board's own settings, from its device's ``[device.options]`` in the site's TOML file.

    [[device]]
    id = "board-hall"
    role = "display"
    token = "…"
    options = { layout = "landscape", voice_repeat = 2, english_voice = true, highlight_seconds = 10 }

Every key is checked here, by ``motcua-server check`` (through :mod:`.devices`) and by the
board at start; a wrong one stops the board with a message naming the device and
the key (and the file's line when it can be found). docs/display.md lists them.
"""

from __future__ import annotations

import dataclasses
import difflib
import enum
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class Layout(enum.StrEnum):
    AUTO = "auto"  # by the screen's shape
    LANDSCAPE = "landscape"
    PORTRAIT = "portrait"


class NumberStyle(enum.StrEnum):
    NORTH = "north"  # linh, nghìn
    SOUTH = "south"  # lẻ, ngàn


class BoardOptionError(Exception):
    """A board option with a wrong name or value; the message names the device and the key,
    ``option`` the key alone and ``reason`` what is wrong with it."""

    def __init__(self, where: str, option: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.option = option
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class BoardOptions:
    layout: Layout = Layout.AUTO
    fullscreen: bool = True
    voice: bool = True
    voice_repeat: int = 2
    english_voice: bool = False
    voice_pack: str = ""  # a folder with a manifest.toml; empty: the espeak-ng pack in var/voice
    number_style: NumberStyle = NumberStyle.NORTH
    volume: float = 1.0
    highlight_seconds: float = 10.0
    flash_seconds: float = 10.0  # the called number's row flashes this long; 0: never
    offline_after_seconds: float = 5.0
    catch_up_seconds: float = 20.0
    last_calls: int = 8


_Rule = tuple[str, Any]
_RULES: dict[str, _Rule] = {
    "layout": ("choice", Layout),
    "fullscreen": ("bool", None),
    "voice": ("bool", None),
    "voice_repeat": ("int", (1, 5)),
    "english_voice": ("bool", None),
    "voice_pack": ("text", None),
    "number_style": ("choice", NumberStyle),
    "volume": ("number", (0.0, 1.0)),
    "highlight_seconds": ("number", (1.0, 120.0)),
    "flash_seconds": ("number", (0.0, 120.0)),
    "offline_after_seconds": ("number", (1.0, 120.0)),
    "catch_up_seconds": ("number", (0.0, 600.0)),
    "last_calls": ("int", (1, 20)),
}


def parse_options(device_id: str, options: Mapping[str, Any], config_path: Path | None = None) -> BoardOptions:
    values: dict[str, Any] = {}
    for key, value in options.items():
        where = _where(device_id, key, config_path)
        if key not in _RULES:
            close = difflib.get_close_matches(key, _RULES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(sorted(_RULES))}"
            raise BoardOptionError(where, key, f"unknown board option{hint}")
        kind, arg = _RULES[key]
        values[key] = _check(where, key, kind, arg, value)
    return BoardOptions(**values)


def _check(where: str, key: str, kind: str, arg: Any, value: Any) -> Any:
    if kind == "bool":
        if not isinstance(value, bool):
            raise BoardOptionError(where, key, f"must be true or false, not {value!r}")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise BoardOptionError(where, key, f"must be a text, not {value!r}")
        return value
    if kind == "choice":
        choices = [member.value for member in arg]
        if not isinstance(value, str) or value not in choices:
            raise BoardOptionError(where, key, f"must be one of {', '.join(map(repr, choices))}, not {value!r}")
        return arg(value)
    low, high = arg
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise BoardOptionError(where, key, f"must be a whole number from {low} to {high}, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise BoardOptionError(where, key, f"must be a number from {low:g} to {high:g}, not {value!r}")
    return float(value)


def _where(device_id: str, key: str, config_path: Path | None) -> str:
    line = _line_of(config_path, device_id, key) if config_path is not None else None
    place = f"{config_path}:{line}: " if line else (f"{config_path}: " if config_path else "")
    return f"{place}device '{device_id}': options.{key}"


def _line_of(path: Path, device_id: str, key: str) -> int | None:
    """The line of ``key`` in the device's block of the TOML file (best effort, for the message)."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError:
        return None
    start = next((i for i, line in enumerate(lines) if re.match(rf'\s*id\s*=\s*"{re.escape(device_id)}"', line)), None)
    if start is None:
        return None
    pattern = re.compile(rf'(^|[\s{{,])"?{re.escape(key)}"?\s*=')
    for number in range(start, len(lines)):
        if number > start and lines[number].lstrip().startswith("[[device]]"):
            return None
        if pattern.search(lines[number]):
            return number + 1
    return None
