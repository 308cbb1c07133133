"""Pad buses from device URLs (the only place pad URLs are read).

    serial:///dev/ttyUSB0?protocol=qsystem            (57600 8N1 by default)
    serial:///dev/ttyUSB1?protocol=motcua&baudrate=9600
    hid:///dev/input/by-id/usb-Rating_Pad-event-kbd?address=7&keys=a:4,b:3,c:2,d:1
    sim://counter-bus?protocol=motcua                 (a simulated bus, see motcua-hw sim-pad)

Serial and ``sim://`` buses take ``protocol`` (``motcua``, the default, or ``qsystem``),
``baudrate``, ``bytesize``, ``parity``, ``stopbits``, ``reconnect_initial``,
``reconnect_max``. All take ``scores`` (key → score, e.g. ``1:4,2:3,3:2,4:1``; default:
the key is the score). HID pads take ``address`` (default 1, what the counter map uses),
``keys`` (character → key, default the digits) and ``grab`` (default 1).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

from hardware.pad.arming import ArmingSettings
from hardware.pad.bank import PadBank
from hardware.pad.bus import PadBus
from hardware.pad.events import KeyPress
from hardware.pad.keys import DEFAULT_KEYS, HidPadDecoder, parse_key_map
from hardware.pad.transports import HidPadTransport, PadTransport, SerialPadTransport
from hardware.pad.wire import PadProtocol
from hardware.serial_link import Backoff, SerialSettings
from hardware.simulators.paths import SimPaths
from hardware.urls import PAD_SCHEMES, DeviceURL, InvalidDeviceURL, parse_device_url

__all__ = ["PAD_SCHEMES", "open_pad_bus", "open_pad_transport", "parse_scores"]


def open_pad_bus(
    url: str,
    *,
    counters: Mapping[int, str] | None = None,
    arming: ArmingSettings = ArmingSettings(),
    timeouts: Mapping[int, float] | None = None,
    name: str | None = None,
    on_press: Callable[[KeyPress], None] | None = None,
) -> PadBus:
    """The pad bus ``url`` names, its pads mapped to counters; nothing opens until it starts.

    ``counters`` maps pad addresses to counter ids; ``None`` accepts every address.
    ``timeouts`` maps pad addresses to their own arming timeout (others: ``arming.timeout``).
    """
    parsed = parse_device_url(url, PAD_SCHEMES)
    scores = parsed.param("scores")
    if scores:
        try:
            arming = dataclasses.replace(arming, scores=parse_scores(scores))
        except ValueError as exc:
            raise InvalidDeviceURL(f"{url}: scores: {exc}") from None
    transport = open_pad_transport(parsed, name=name or url.partition("?")[0])
    return PadBus(transport, PadBank(counters, arming, timeouts), on_press=on_press)


def open_pad_transport(url: DeviceURL, *, name: str) -> PadTransport:
    if url.scheme == "hid":
        try:
            keys = parse_key_map(url.param("keys") or "") if url.param("keys") else DEFAULT_KEYS
        except ValueError as exc:
            raise InvalidDeviceURL(f"{url.raw}: keys: {exc}") from None
        grab = (url.param("grab", "1") or "1").lower() not in ("0", "false", "no", "off")
        decoder = HidPadDecoder(url.int_param("address", 1), keys)
        return HidPadTransport(url.target, decoder, name=name, grab=grab, backoff=Backoff.from_url(url))
    protocol_name = (url.param("protocol", "motcua") or "motcua").lower()
    try:
        protocol = PadProtocol(protocol_name)
    except ValueError:
        raise InvalidDeviceURL(f"{url.raw}: protocol must be motcua or qsystem, not {protocol_name!r}") from None
    path = str(SimPaths.from_url(url).tty) if url.scheme == "sim" else url.target
    settings = SerialSettings.from_url(url, path, default_baudrate=protocol.default_baudrate)
    return SerialPadTransport(settings, protocol, name=name, backoff=Backoff.from_url(url))


def parse_scores(text: str) -> dict[int, int]:
    """``"1:4,2:3"`` → ``{1: 4, 2: 3}``."""
    scores: dict[int, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        key, sep, score = item.partition(":")
        if not sep:
            raise ValueError(f"{item!r} is not KEY:SCORE")
        scores[int(key)] = int(score)
    return scores
