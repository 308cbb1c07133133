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
    voice_output = "speaker"     where "Nghe hướng dẫn" speaks: "speaker", "headphones" (the jack), "off"
    voice_device = "plughw:1,0"  the output's ALSA device (default: the system's); read at start
    voice_volume = 0.8           0.0–1.0 (default: 1.0 on the speaker, 0.6 in headphones)

Every problem names its key: ``options.idle_seconds: must be a whole number from 5 to 3600, not 2``.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping

from queue_server.core import pins

PRINTER_WIDTHS = (384, 512, 576)
VOICE_OUTPUTS = ("speaker", "headphones", "off")
DEFAULT_VOLUME = {"speaker": 1.0, "headphones": 0.6, "off": 0.0}
_ALSA_DEVICE = re.compile(r"[A-Za-z0-9_:,.=-]{1,64}")
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
    voice_output: str = "speaker"  # one of VOICE_OUTPUTS
    voice_device: str | None = None  # an ALSA device name; None: the system's default output
    voice_volume: float = 1.0


KNOWN = tuple(f.name for f in dataclasses.fields(KioskOptions))


def parse_options(values: Mapping[str, object]) -> KioskOptions:
    """Check ``values`` (a device's options); raises :class:`KioskOptionError` on the first problem."""
    for key in values:
        if key not in KNOWN:
            close = difflib.get_close_matches(key, KNOWN, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(KNOWN)})"
            raise KioskOptionError(key, f"unknown option{hint}")
    d = KioskOptions()
    output, device, volume = _voice(values)
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
        voice_output=output,
        voice_device=device,
        voice_volume=volume,
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


def _voice(values: Mapping[str, object]) -> tuple[str, str | None, float]:
    """The listening mode's output: where it speaks, through which ALSA device, how loud."""
    output = values.get("voice_output", "speaker")
    if not isinstance(output, str) or output.lower() not in VOICE_OUTPUTS:
        raise KioskOptionError("voice_output", f"must be one of {', '.join(map(repr, VOICE_OUTPUTS))}, not {output!r}")
    output = output.lower()
    device = _text(values, "voice_device")
    if device is not None and not _ALSA_DEVICE.fullmatch(device):
        raise KioskOptionError("voice_device", f"must be an ALSA device name like 'plughw:1,0' or 'default', not {device!r}")
    volume = values.get("voice_volume", DEFAULT_VOLUME[output])
    if isinstance(volume, bool) or not isinstance(volume, int | float) or not 0.0 <= volume <= 1.0:
        raise KioskOptionError("voice_volume", f"must be a number from 0.0 to 1.0, not {volume!r}")
    return output, device, float(volume)


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
