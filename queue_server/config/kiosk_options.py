"""The kiosk's own settings, from its device's ``[device.options]`` table: checked here, by
``motcua-server check`` (through :mod:`.devices`) and by the kiosk at start, the same way.

    idle_seconds = 30            back home after this long without a touch (5–3600)
    result_seconds = 10          how long a ticket stays on screen (3–120)
    admin_pin_hash = "scrypt$…"  the admin page's PIN (motcua-server hash-pin); none: no admin page
    printer_width = 576          dots: 384 (58 mm), 512, 576 (80 mm); default: the printer URL's
    language = "vi"              the first language ("vi" or "en"); default: the site's
    fullscreen = true            kiosk mode: full screen, no cursor, Escape does nothing
    window_size = "1920x1080"    when not full screen
    camera = "sim://…?kind=camera"   a second scan source (a camera), as a scanner URL
    services = "HT,DD"           the fields this kiosk offers (default: all)

Every problem names its key: ``options.idle_seconds: must be a whole number from 5 to 3600, not 2``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping

from queue_server.core import pins

PRINTER_WIDTHS = (384, 512, 576)
_SIZE = re.compile(r"(\d{3,4})x(\d{3,4})")


class KioskOptionError(ValueError):
    """A kiosk option that cannot be used; ``key`` names it (``options.idle_seconds``)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"options.{key}: {message}")
        self.key = f"options.{key}"
        self.option = key
        self.reason = message


@dataclasses.dataclass(frozen=True)
class KioskOptions:
    idle_seconds: int = 30
    result_seconds: int = 10
    admin_pin_hash: str | None = None
    printer_width: int | None = None
    language: str | None = None  # "vi" or "en"
    fullscreen: bool = True
    window_size: tuple[int, int] = (1920, 1080)
    camera: str | None = None
    services: tuple[str, ...] = ()


KNOWN = tuple(f.name for f in dataclasses.fields(KioskOptions))


def parse_options(values: Mapping[str, object]) -> KioskOptions:
    """Check ``values`` (a device's options); raises :class:`KioskOptionError` on the first problem."""
    for key in values:
        if key not in KNOWN:
            close = difflib.get_close_matches(key, KNOWN, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(KNOWN)})"
            raise KioskOptionError(key, f"unknown option{hint}")
    d = KioskOptions()
    return KioskOptions(
        idle_seconds=_whole(values, "idle_seconds", d.idle_seconds, 5, 3600),
        result_seconds=_whole(values, "result_seconds", d.result_seconds, 3, 120),
        admin_pin_hash=_pin_hash(values),
        printer_width=_printer_width(values),
        language=_language(values),
        fullscreen=_flag(values, "fullscreen", d.fullscreen),
        window_size=_size(values, d.window_size),
        camera=_text(values, "camera"),
        services=tuple(s.strip() for s in (_text(values, "services") or "").split(",") if s.strip()),
    )


def _whole(values: Mapping[str, object], key: str, default: int, low: int, high: int) -> int:
    value = values.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise KioskOptionError(key, f"must be a whole number from {low} to {high}, not {value!r}")
    return value


def _flag(values: Mapping[str, object], key: str, default: bool) -> bool:
    value = values.get(key, default)
    if not isinstance(value, bool):
        raise KioskOptionError(key, f"must be true or false, not {value!r}")
    return value


def _text(values: Mapping[str, object], key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise KioskOptionError(key, f"must be a non-empty text, not {value!r}")
    return value.strip()


def _pin_hash(values: Mapping[str, object]) -> str | None:
    value = _text(values, "admin_pin_hash")
    if value is not None:
        try:
            pins.parse_pin_hash(value)
        except pins.InvalidPinHash as exc:
            raise KioskOptionError("admin_pin_hash", f"{exc} (make one with: motcua-server hash-pin)") from None
    return value


def _printer_width(values: Mapping[str, object]) -> int | None:
    value = values.get("printer_width")
    if value is None:
        return None
    if isinstance(value, bool) or value not in PRINTER_WIDTHS:
        raise KioskOptionError("printer_width", f"must be 384, 512 or 576 (dots), not {value!r}")
    return int(value)


LANGUAGES = ("vi", "en")


def _language(values: Mapping[str, object]) -> str | None:
    value = _text(values, "language")
    if value is None:
        return None
    if value.lower() not in LANGUAGES:
        raise KioskOptionError("language", f"must be 'vi' or 'en', not {value!r}")
    return value.lower()


def _size(values: Mapping[str, object], default: tuple[int, int]) -> tuple[int, int]:
    value = _text(values, "window_size")
    if value is None:
        return default
    size = parse_window_size(value)
    if size is None:
        raise KioskOptionError("window_size", f"must be WIDTHxHEIGHT like '1920x1080', not {value!r}")
    return size


def parse_window_size(text: str) -> tuple[int, int] | None:
    """``"960x540"`` → ``(960, 540)``: from 480x270 (a quarter of a 1920x1080 screen, where
    ``motcua-lobby`` puts the kiosk beside the board) to 7680x4320; None for anything else."""
    match = _SIZE.fullmatch(text)
    if not match or not (480 <= int(match[1]) <= 7680 and 270 <= int(match[2]) <= 4320):
        return None
    return int(match[1]), int(match[2])
