"""Device URLs: how the configuration names a device and its transport.

    usb://0x0416:0x5011          serial:///dev/ttyUSB0?baudrate=19200
    tcp://192.0.2.10:9100        file:///dev/usb/lp0
    cups://Kiosk_Printer         sim://var/sim/printer?paper=out

The URL is parsed once into a :class:`DeviceURL`; each device kind decides which schemes it
accepts and what the query parameters mean.
"""

from __future__ import annotations

import dataclasses
import urllib.parse
from collections.abc import Mapping

__all__ = ["PAD_SCHEMES", "PRINTER_SCHEMES", "SCANNER_SCHEMES", "DeviceURL", "InvalidDeviceURL", "parse_device_url"]

# The schemes each kind of device opens (hardware.printer.connect, hardware.pad.open,
# hardware.scanner.open), here so that a site's configuration checks a URL without loading
# the drivers (Pillow's fonts, pyserial, CUPS: ~4 MB of a queue server's memory).
PRINTER_SCHEMES = ("usb", "serial", "tcp", "file", "cups", "sim")
PAD_SCHEMES = ("serial", "hid", "sim")
SCANNER_SCHEMES = ("serial", "hid", "sim")


class InvalidDeviceURL(ValueError):
    """A device URL that cannot be understood, with the reason."""


@dataclasses.dataclass(frozen=True)
class DeviceURL:
    """A parsed device URL.

    ``target`` is what follows ``scheme://`` without the query: a path for ``serial``,
    ``file`` and ``sim``, ``host:port`` for ``tcp``, ``VID:PID`` for ``usb``, a queue name
    for ``cups``. ``params`` holds the query parameters, last value wins.
    """

    scheme: str
    target: str
    params: Mapping[str, str] = dataclasses.field(default_factory=dict)
    raw: str = ""

    def param(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)

    def int_param(self, name: str, default: int) -> int:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return int(value, 0)
        except ValueError:
            raise InvalidDeviceURL(
                f"{self.raw}: parameter {name!r} must be a whole number, not {value!r}"
            ) from None

    def float_param(self, name: str, default: float) -> float:
        value = self.params.get(name)
        if value is None:
            return default
        try:
            return float(value)
        except ValueError:
            raise InvalidDeviceURL(
                f"{self.raw}: parameter {name!r} must be a number, not {value!r}"
            ) from None

    def host_port(self, default_port: int) -> tuple[str, int]:
        """``host`` and ``port`` of a network target (``[::1]:9100`` works too)."""
        split = urllib.parse.urlsplit(f"//{self.target}")
        if not split.hostname:
            raise InvalidDeviceURL(f"{self.raw}: no host name")
        try:
            port = split.port or default_port
        except ValueError:
            raise InvalidDeviceURL(f"{self.raw}: the port is not a number from 1 to 65535") from None
        return split.hostname, port


def parse_device_url(url: str, schemes: tuple[str, ...] | None = None) -> DeviceURL:
    """Parse ``url``; when ``schemes`` is given, only those schemes are accepted."""
    if not isinstance(url, str) or "://" not in url:
        raise InvalidDeviceURL(f"{url!r} is not a device URL (expected scheme://target)")
    scheme, _, rest = url.partition("://")
    scheme = scheme.lower()
    if schemes is not None and scheme not in schemes:
        raise InvalidDeviceURL(
            f"{url}: scheme {scheme!r} is not supported here (use one of: {', '.join(schemes)})"
        )
    target, _, query = rest.partition("?")
    target = urllib.parse.unquote(target)
    if not target:
        raise InvalidDeviceURL(f"{url}: nothing after {scheme}://")
    params = dict(urllib.parse.parse_qsl(query, keep_blank_values=True, strict_parsing=False))
    return DeviceURL(scheme=scheme, target=target, params=params, raw=url)
