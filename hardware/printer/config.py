"""How one printer is set up: paper width, model quirks, cutting and status checks.

Read from the printer's URL query (``tcp://10.0.0.5:9100?width=512&profile=TM-T88V``):

    width     paper width in dots: 384 (58 mm), 512 (TM-T88-class), 576 (80 mm)
    profile   a python-escpos capability profile (``TM-T88V``, ``POS-5890``…); gives the
              width when ``width`` is not set, and whether the printer has a cutter
    cut       full | partial | none
    status    auto (ask when the link can answer) | required (no answer = error) | off
    status_timeout, timeout   seconds to wait for a status answer / for a write
"""

from __future__ import annotations

import dataclasses
import enum
import logging
from typing import TypeVar

from hardware.printer.profiles import profile_width
from hardware.urls import DeviceURL, InvalidDeviceURL

__all__ = ["DEFAULT_WIDTH", "KNOWN_WIDTHS", "CutMode", "PrinterConfig", "StatusPolicy"]

logger = logging.getLogger(__name__)

DEFAULT_WIDTH = 576
KNOWN_WIDTHS = {384: "58 mm paper", 512: "80 mm paper, TM-T88 class", 576: "80 mm paper"}


class CutMode(enum.Enum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class StatusPolicy(enum.Enum):
    AUTO = "auto"  # ask before each job where the link can answer; no answer = unknown
    REQUIRED = "required"  # a printer that does not answer is an error (PrinterTimeout)
    OFF = "off"  # never ask (printers that print DLE EOT as garbage)


_E = TypeVar("_E", bound=enum.Enum)


def _choice(url: DeviceURL, name: str, kind: type[_E], default: _E) -> _E:
    value = url.param(name)
    if value is None:
        return default
    try:
        return kind(value.lower())
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise InvalidDeviceURL(f"{url.raw}: {name}={value!r} is not one of: {allowed}") from None


@dataclasses.dataclass(frozen=True)
class PrinterConfig:
    width: int = DEFAULT_WIDTH
    profile: str | None = None
    cut: CutMode = CutMode.FULL
    status: StatusPolicy = StatusPolicy.AUTO
    status_timeout: float = 0.5
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.width < 128 or self.width % 8:
            raise ValueError(f"paper width must be a multiple of 8 dots, at least 128 (got {self.width})")

    @classmethod
    def from_url(cls, url: DeviceURL, width: int | None = None) -> PrinterConfig:
        """Settings from ``url``'s query; ``width`` (e.g. from the command line) wins."""
        profile = url.param("profile")
        if profile is not None:
            try:
                from_profile = profile_width(profile)
            except KeyError:
                raise InvalidDeviceURL(f"{url.raw}: unknown printer profile {profile!r}") from None
        else:
            from_profile = None
        if width is None:
            width = url.int_param("width", from_profile or DEFAULT_WIDTH)
        if width < 128 or width % 8:
            raise InvalidDeviceURL(
                f"{url.raw}: width={width} is not a paper width in dots "
                f"(a multiple of 8, e.g. {', '.join(map(str, KNOWN_WIDTHS))})"
            )
        if width not in KNOWN_WIDTHS:
            logger.info("%s: unusual paper width of %d dots", url.raw, width)
        return cls(
            width=width,
            profile=profile,
            cut=_choice(url, "cut", CutMode, CutMode.FULL),
            status=_choice(url, "status", StatusPolicy, StatusPolicy.AUTO),
            status_timeout=url.float_param("status_timeout", 0.5),
            timeout=url.float_param("timeout", 10.0),
        )
