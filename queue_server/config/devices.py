"""Read the ``[[device]]`` and ``[[officer]]`` tables of a site's configuration.

Part of :mod:`queue_server.config.site`: each reader records its problems and returns what it could
read, so that one pass reports everything wrong with the file.
"""

from __future__ import annotations

import re

from hardware.urls import PAD_SCHEMES, PRINTER_SCHEMES, SCANNER_SCHEMES, InvalidDeviceURL, parse_device_url
from queue_server.config.board_options import BoardOptionError
from queue_server.config.board_options import parse_options as parse_board_options
from queue_server.config.checks import (
    MAX_COUNTER,
    Table,
    keyed,
    kind_of,
    known_service,
    nfc,
    report_duplicates,
    suggest,
)
from queue_server.config.kiosk_options import KioskOptionError
from queue_server.config.kiosk_options import parse_options as parse_kiosk_options
from queue_server.config.settings import PAD_TIMEOUT_OPTION, Device, Officer, Role
from queue_server.core import pins
from queue_server.core.site import Site

__all__ = ["DEVICE_KEYS", "OFFICER_KEYS", "read_devices", "read_officers"]

DEVICE_KEYS = (
    "id", "role", "token", "name", "counter", "services", "counters", "printer", "scanner", "pad",
    "pad_address", "options",
)  # fmt: skip
OFFICER_KEYS = ("user", "name", "pin_hash", "counters", "manager")
PAD_OPTIONS = (PAD_TIMEOUT_OPTION,)  # a pad device's [device.options]
MAX_PAD_TIMEOUT_SECONDS = 600.0

_NAME_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_TOKEN = re.compile(r"[!-~]{16,256}")
_DEVICE_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def read_devices(root: Table, site: Site) -> tuple[Device, ...]:
    tables = root.tables("device", DEVICE_KEYS) or []
    devices = [_read_device(t, site) for t in tables]
    problems = root.problems
    report_duplicates(problems, keyed(tables, "id", [d and d.id for d in devices]), "device id")
    tokens = [t.data.get("token") if isinstance(t.data.get("token"), str) else None for t in tables]
    report_duplicates(problems, keyed(tables, "token", tokens), "token", show=False)
    pads = [(d.pad, d.pad_address) if d and d.pad_address is not None else None for d in devices]
    report_duplicates(problems, keyed(tables, "pad_address", pads), "pad address on this pad bus")
    return tuple(d for d in devices if d is not None)


def _read_device(t: Table, site: Site) -> Device | None:
    device_id = t.code("id", _NAME_ID, "letters, digits, '.', '-' and '_' (e.g. 'kiosk-1')")
    role = _read_role(t)
    token = _read_token(t)
    counter = _read_device_counter(t, role, site)
    known_services = {s.code for s in site.services}
    services = t.texts("services")
    for key, code in services:
        known_service(t, key, code, known_services)
    known_counters = {c.number for c in site.counters}
    counters = t.integers("counters", low=1, high=MAX_COUNTER)
    for key, number in counters:
        if number not in known_counters:
            t.problems.add(key, f"no [[counter]] has the number {number}")
    urls = {name: _read_device_url(t, name) for name in ("printer", "scanner", "pad")}
    pad_address = t.integer("pad_address", low=1, high=247)
    if pad_address is not None and urls["pad"] is None:
        t.report("pad_address", "needs a pad URL (pad = 'serial:///dev/ttyUSB0' or 'sim://…')")
    if role is None or not device_id or (t.has("token") and not token):
        return None
    return Device(
        id=device_id,
        role=role,
        token=token,
        name=t.text("name", "", empty=True),
        counter=counter,
        services=tuple(code for _, code in services),
        counters=tuple(number for _, number in counters),
        printer=urls["printer"],
        scanner=urls["scanner"],
        pad=urls["pad"],
        pad_address=pad_address,
        options=_read_options(t, role, device_id),
    )


def _read_options(t: Table, role: Role, device_id: str) -> dict[str, str | int | float | bool]:
    """A device's own settings (``[device.options]``), read by its app: plain values, each
    role's checked here by the very function its app checks them with at start (a kiosk's by
    :mod:`.kiosk_options`, a board's by :mod:`.board_options`), so that ``check`` refuses
    what would stop the app. A pad's are checked here alone: both the pad agent and the
    ``/rate`` tablet (through the server) read them.
    """
    data = t.data.get("options", {})
    if not isinstance(data, dict):
        t.report("options", f"must be a table ([device.options]), not {kind_of(data)}")
        return {}
    options: dict[str, str | int | float | bool] = {}
    for name, value in data.items():
        if isinstance(value, str | int | float | bool):
            options[name] = nfc(value) if isinstance(value, str) else value
        else:
            t.problems.add(t.at("options") + (name,), f"must be a text, number or true/false, not {kind_of(value)}")
    if role is Role.PAD:
        pad = Table(options, t.at("options"), t.problems, PAD_OPTIONS)
        if pad.has(PAD_TIMEOUT_OPTION):
            seconds = pad.number(PAD_TIMEOUT_OPTION, 0.0, high=MAX_PAD_TIMEOUT_SECONDS)
            if seconds:
                options[PAD_TIMEOUT_OPTION] = seconds
            else:
                del options[PAD_TIMEOUT_OPTION]
    elif role is Role.KIOSK:
        try:
            kiosk = parse_kiosk_options(options)
        except KioskOptionError as exc:
            t.problems.add(t.at("options") + (exc.option,), exc.reason)
        else:
            if kiosk.camera is not None:
                _check_url(t, ("options", "camera"), kiosk.camera, SCANNER_SCHEMES)
    elif role is Role.DISPLAY:
        try:
            parse_board_options(device_id, options)
        except BoardOptionError as exc:
            t.problems.add(t.at("options") + (exc.option,), exc.reason)
    return options


def _read_role(t: Table) -> Role | None:
    value = t.text("role", required=True)
    if value is None:
        return None
    try:
        return Role(value.lower())
    except ValueError:
        t.report("role", f"unknown role {value!r}{suggest(value.lower(), [r.value for r in Role])}")
        return None


def _read_token(t: Table) -> str:
    value = t.text("token")  # none: the device is enrolled by the server (or sent its view, device_view)
    if value is None:
        return ""
    if len(value) < 16:
        t.report("token", f"must be at least 16 characters long (it has {len(value)})")
    elif not _TOKEN.fullmatch(value):
        t.report("token", "must be at most 256 printable ASCII characters with no spaces")
    else:
        return value
    return ""


def _read_device_counter(t: Table, role: Role | None, site: Site) -> int | None:
    counter = t.integer("counter", low=1, high=MAX_COUNTER)
    needs_counter = role in (Role.COUNTER, Role.PAD)
    if counter is None and needs_counter and not t.has("counter"):
        t.report("counter", f"missing (required): a {role} device belongs to a counter")
    elif counter is not None and role is not None and not needs_counter:
        t.report("counter", f"only counter and pad devices belong to a counter, not a {role}")
    elif counter is not None and site.counter(counter) is None:
        t.report("counter", f"no [[counter]] has the number {counter}")
    return counter


_SCHEMES = {"printer": PRINTER_SCHEMES, "scanner": SCANNER_SCHEMES, "pad": PAD_SCHEMES}


def _read_device_url(t: Table, name: str) -> str | None:
    url = t.text(name)
    if url is not None and not _DEVICE_URL.fullmatch(url):
        t.report(
            name,
            f"must be a device URL like 'serial:///dev/ttyUSB0' or 'sim://{name}', not {url!r}",
        )
        return None
    if url is not None and not _check_url(t, (name,), url, _SCHEMES[name]):
        return None
    return url


def _check_url(t: Table, key: tuple[str, ...], url: str, schemes: tuple[str, ...]) -> bool:
    """The URL as the device's driver reads it (``hardware.urls``): its scheme one the driver
    opens, its parameters well formed."""
    try:
        parse_device_url(url, schemes)
    except InvalidDeviceURL as exc:
        t.problems.add(t.key + key, str(exc))
        return False
    return True


def read_officers(root: Table, counter_numbers: set[int]) -> tuple[Officer, ...]:
    tables = root.tables("officer", OFFICER_KEYS) or []
    officers = [_read_officer(t, counter_numbers) for t in tables]
    users = [o.user.casefold() if o.user else None for o in officers]
    report_duplicates(root.problems, keyed(tables, "user", users), "officer user")
    return tuple(officers)


def _read_officer(t: Table, counter_numbers: set[int]) -> Officer:
    pin_hash = t.text("pin_hash", "", required=True)
    if pin_hash:
        try:
            pins.parse_pin_hash(pin_hash)
        except pins.InvalidPinHash as exc:
            t.report("pin_hash", str(exc))
    counters = t.integers("counters", low=1, high=MAX_COUNTER)
    for key, number in counters:
        if number not in counter_numbers:
            t.problems.add(key, f"no [[counter]] has the number {number}")
    return Officer(
        user=t.code("user", _NAME_ID, "letters, digits, '.', '-' and '_' (e.g. 'lan.nguyen')"),
        name=t.text("name", "", required=True),
        pin_hash=pin_hash,
        counters=tuple(number for _, number in counters),
        manager=t.flag("manager", False),
    )
