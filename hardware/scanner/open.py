"""Scanner sources from device URLs (the only place scanner URLs are read).

    serial:///dev/ttyACM0?baudrate=9600&terminator=crlf&prefix=%02&suffix=%03
    hid:///dev/input/by-id/usb-Honeywell_Scanner-event-kbd?grab=1
    sim://kiosk-1?dir=var/sim                    (a simulated serial scanner)
    sim://var/sim/camera-1?kind=camera           (a folder of images: a simulated camera)

Serial and ``sim://`` scanners take ``terminator`` (``cr``, ``lf``, ``crlf``, ``any``;
default ``any``), ``prefix``, ``suffix`` (percent-encoded bytes), ``max_length``, ``aim``
(``1`` strips AIM symbology identifiers), ``reconnect_initial`` and ``reconnect_max``
(seconds); serial ones also ``baudrate`` (default 9600), ``bytesize``, ``parity``,
``stopbits``. HID scanners take ``grab`` (default ``1``), ``tab`` (``1``: Tab ends a code),
``prefix``, ``suffix``, ``max_length``, ``aim``.
"""

from __future__ import annotations

from pathlib import Path

from hardware.scanner.folder import FolderCamera
from hardware.scanner.hid import HidScanner
from hardware.scanner.lines import DEFAULT_MAX_LENGTH, LineSettings, Terminator
from hardware.scanner.sources import ScanSource, SerialScanner
from hardware.serial_link import Backoff, SerialSettings
from hardware.simulators.paths import SimPaths
from hardware.urls import SCANNER_SCHEMES, DeviceURL, InvalidDeviceURL, parse_device_url

__all__ = ["SCANNER_SCHEMES", "line_settings_from_url", "open_scanner"]

DEFAULT_BAUDRATE = 9600


def open_scanner(url: str, *, name: str | None = None) -> ScanSource:
    """The scan source ``url`` names; nothing is opened until the source runs."""
    parsed = parse_device_url(url, SCANNER_SCHEMES)
    name = name or url.partition("?")[0]
    if parsed.scheme == "serial":
        return SerialScanner(
            SerialSettings.from_url(parsed, parsed.target, default_baudrate=DEFAULT_BAUDRATE),
            line_settings_from_url(parsed),
            name=name,
            backoff=Backoff.from_url(parsed),
        )
    if parsed.scheme == "hid":
        return HidScanner(
            parsed.target,
            line_settings_from_url(parsed),
            name=name,
            grab=_flag(parsed, "grab", True),
            tab_ends_code=_flag(parsed, "tab", False),
            backoff=Backoff.from_url(parsed),
        )
    kind = parsed.param("kind", "serial")
    if kind == "camera":
        return FolderCamera(
            Path(parsed.target), name=name, poll_interval=parsed.float_param("poll", 0.1)
        )
    if kind != "serial":
        raise InvalidDeviceURL(f"{url}: kind must be 'serial' or 'camera', not {kind!r}")
    paths = SimPaths.from_url(parsed)
    return SerialScanner(
        SerialSettings.from_url(parsed, str(paths.tty), default_baudrate=DEFAULT_BAUDRATE),
        line_settings_from_url(parsed),
        name=name,
        backoff=Backoff.from_url(parsed),
    )


def line_settings_from_url(url: DeviceURL) -> LineSettings:
    terminator_name = (url.param("terminator", "any") or "any").lower()
    try:
        terminator = Terminator(terminator_name)
    except ValueError:
        raise InvalidDeviceURL(
            f"{url.raw}: terminator must be one of cr, lf, crlf, any, not {terminator_name!r}"
        ) from None
    max_length = url.int_param("max_length", DEFAULT_MAX_LENGTH)
    if max_length < 1:
        raise InvalidDeviceURL(f"{url.raw}: max_length must be at least 1")
    return LineSettings(
        terminator=terminator,
        prefix=_bytes_param(url, "prefix"),
        suffix=_bytes_param(url, "suffix"),
        max_length=max_length,
        aim=_flag(url, "aim", False),
    )


def _bytes_param(url: DeviceURL, name: str) -> bytes:
    value = url.param(name, "") or ""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        raise InvalidDeviceURL(f"{url.raw}: {name} must be bytes (percent-encode them)") from None


def _flag(url: DeviceURL, name: str, default: bool) -> bool:
    value = url.param(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise InvalidDeviceURL(f"{url.raw}: {name} must be 1 or 0, not {value!r}")
