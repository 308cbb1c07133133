"""A site's configuration as values: the core's :class:`Site` plus what only the edges need
(devices and their tokens, officers and their PIN hashes, server settings).

Built by :mod:`queue_server.config.site` from the site's TOML file; see ``docs/configuration.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from queue_server.config.place import SitePlace
from queue_server.config.settings_outreach import OutreachSettings
from queue_server.core.site import Site


class Role(enum.StrEnum):
    """Who a connection is; it decides what it may do and see (``docs/protocol.md``)."""

    KIOSK = "kiosk"
    DISPLAY = "display"
    COUNTER = "counter"
    PAD = "pad"
    MANAGER = "manager"
    INTEGRATION = "integration"
    PUBLIC = "public"
    VOLUNTEER = "volunteer"  # a volunteer's or floor staff's phone: help requests, numbers for citizens


PAD_TIMEOUT_OPTION = "timeout_seconds"  # a pad's option: seconds it waits for a press


@dataclasses.dataclass(frozen=True)
class Device:
    """A kiosk, display board, counter PC, rating pad, manager screen or integration client."""

    id: str
    role: Role
    token: str  # written in the site file (kept for one release), or "": the device is enrolled
    name: str = ""
    counter: int | None = None  # the counter of a counter PC or a rating pad
    services: tuple[str, ...] = ()  # a display limited to these services (empty: all)
    counters: tuple[int, ...] = ()  # a display limited to these counters (empty: all)
    printer: str | None = None  # hardware URLs (hardware/urls.py)
    scanner: str | None = None
    pad: str | None = None
    pad_address: int | None = None
    options: Mapping[str, str | int | float | bool] = dataclasses.field(default_factory=dict)  # the app's own

    @property
    def pad_timeout(self) -> float | None:
        """A pad's own seconds to wait for a press (option ``timeout_seconds``), if it sets one."""
        value = self.options.get(PAD_TIMEOUT_OPTION) if self.role is Role.PAD else None
        return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


class DeviceNotFound(LookupError):
    """The configuration has no device of that id, or it is a device of another role."""


_ROLE_NAMES = {Role.DISPLAY: "display board", Role.PAD: "rating pad", Role.COUNTER: "counter PC", Role.VOLUNTEER: "volunteer's phone"}


@dataclasses.dataclass(frozen=True)
class Officer:
    user: str
    name: str
    pin_hash: str  # queue_server.core.pins format
    counters: tuple[int, ...] = ()  # counters the officer may sign in at (empty: any)
    manager: bool = False


@dataclasses.dataclass(frozen=True)
class ServerSettings:
    public_url: str = "http://127.0.0.1:8765"  # what phones open: printed in ticket QR codes
    server_url: str = "ws://127.0.0.1:8765/"  # where the kiosks, boards and pads connect
    retention_days: int = 90  # personal data (appointment contacts) purged after this
    session_minutes: int | None = None  # an officer's sign-in lasts at most this long; None: the working day (op_counters.sign_in_ends)
    pin_attempts: int = 5  # wrong PINs before a pause…
    pin_lockout_seconds: int = 60  # …of this long
    max_message_bytes: int = 65536
    synchronous: str = "FULL"  # SQLite PRAGMA synchronous: FULL (default) or NORMAL
    language: str = "vi"
    origins: tuple[str, ...] = ()  # web pages' origins taken besides public_url's and the server's address
    silent_minutes: int = 5  # a device not connected and silent this long raises an alarm on the dashboard's fleet


@dataclasses.dataclass(frozen=True)
class RateLimit:
    """One connection's budget of requests: ``rate`` a second after ``burst`` at once
    (``[limits.<role>]``; the defaults are a device's, docs/protocol.md "Limits")."""

    rate: float = 50.0
    burst: float = 200.0


@dataclasses.dataclass(frozen=True)
class DossierLookupSettings:
    """``[dossier_lookup]``: the HTTP adapter to the centre's one-stop system (none when
    ``url_template`` is None: only dossiers pushed to the queue server are found)."""

    url_template: str | None = None  # http(s)://…/{code}
    timeout_seconds: float = 5.0
    fields: Mapping[str, str] = dataclasses.field(default_factory=dict)  # our field → dotted JSON path
    statuses: Mapping[str, str] = dataclasses.field(default_factory=dict)  # their status → ours
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)  # e.g. an API key


@dataclasses.dataclass(frozen=True)
class DossierSettings:
    """``[dossiers]``: the working-day calendar due dates are counted in, the alarm threshold,
    and the field (service) where results are collected."""

    warn_working_days: int = 1  # alarm "due soon" this many working days before the due date
    weekend: frozenset[int] = frozenset({5, 6})  # date.weekday() numbers: Saturday, Sunday
    holidays: frozenset[dt.date] = frozenset()
    make_up_days: frozenset[dt.date] = frozenset()  # weekend days worked (ngày làm bù)
    pickup_service: str | None = None  # the service code of "trả kết quả"; None: no pick-up tickets


@dataclasses.dataclass(frozen=True)
class DossierPullSettings:
    """``[dossier_pull]``: the one-stop system's list of changed dossiers, read on a schedule."""

    url_template: str  # http(s)://…{since}…{page}…
    items: str  # dotted JSON path of a page's list of dossiers
    fields: Mapping[str, str]  # our field → dotted path inside one item (code and status required)
    next_page: str | None = None  # dotted path of "there is another page" (true / a number); None: a page shorter than page_size is the last
    page_size: int = 100
    first_page: int = 1
    max_pages: int = 100
    every_seconds: float = 300.0
    timeout_seconds: float = 10.0
    statuses: Mapping[str, str] = dataclasses.field(default_factory=dict)
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class CentralSettings:
    """Where and how the site ships its event log to the province's central PostgreSQL."""

    dsn: str  # a libpq connection string or URI (postgresql://user:password@host:5432/db?sslmode=verify-full)
    personal_data: bool = False  # ship ticket/booking codes and personal values as they are
    free_text: str = "dropped"  # officers' notes, reasons, device details: "dropped", or "scrubbed" of numbers
    batch_events: int = 2000  # at most this many events a batch (bounds the shipper's memory)
    poll_seconds: float = 0.25  # when caught up, look for new events this often
    retry_max_seconds: float = 60.0  # the longest wait between tries while the central side fails
    timeout_seconds: float = 10.0  # connecting and each statement
    heartbeat_seconds: float = 30.0  # with nothing to ship, tell the central side the site is there this often
    province_seconds: float = 15.0  # the other sites' live waits read this often (shipping/province_view.py)
    province_stale_seconds: float = 120.0  # no fresh read for this long: nothing of the others is shown
    site_key: str = ""  # the site's key, for the pooled role every site shares ("": the DSN's role is the site's own)
    start_spread_seconds: float = 3.0  # the first connection to the central side after a random wait up to this
    requests_idle_seconds: float = 15.0  # the province's requests looked for every 1 s after one, up to this when none came

    def __repr__(self) -> str:  # the DSN may hold a password, and the site key is a secret
        return f"CentralSettings(dsn='***', personal_data={self.personal_data}, batch_events={self.batch_events})"


@dataclasses.dataclass(frozen=True)
class PaymentSettings:
    """``[payment]``: the centre's account for fees paid by VietQR, and each field's fee."""

    bank_bin: str  # the bank's 6-digit BIN (NAPAS)
    account: str
    account_name: str = ""
    fees: Mapping[str, int] = dataclasses.field(default_factory=dict)  # field code → đồng


@dataclasses.dataclass(frozen=True)
class SiteConfig:
    site: Site
    devices: tuple[Device, ...]
    officers: tuple[Officer, ...]
    settings: ServerSettings = ServerSettings()
    path: Path | None = None
    dossier_lookup: DossierLookupSettings = DossierLookupSettings()
    central: CentralSettings | None = None  # None: the site ships its log nowhere
    dossiers: DossierSettings = DossierSettings()
    dossier_pull: DossierPullSettings | None = None  # None: dossiers are only pushed or looked up
    payment: PaymentSettings | None = None  # None: no fee is paid by VietQR here
    outreach: OutreachSettings = OutreachSettings()  # notifications, webhooks, their outbox
    limits: Mapping[Role, RateLimit] = dataclasses.field(default_factory=dict)  # [limits.<role>]; absent: the defaults
    place: SitePlace = SitePlace()  # [site] kind and commune: its group in the province
    # the file's tables as read (tomllib), from which each device's view is cut (device_view)
    raw: Mapping[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    # what check says but does not refuse (file:line: key: message), e.g. a secret file readable by all
    warnings: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    def device_by_token(self, token: str) -> Device | None:
        return next((d for d in self.devices if d.token and d.token == token), None) if token else None

    def device(self, device_id: str) -> Device | None:
        return next((d for d in self.devices if d.id == device_id), None)

    def require_device(self, device_id: str, role: Role) -> Device:
        """The device an app runs as, checked to be of the app's role."""
        name = _ROLE_NAMES.get(role, role.value)
        device = self.device(device_id)
        if device is None:
            others = ", ".join(d.id for d in self.devices if d.role is role) or "none"
            raise DeviceNotFound(f"no device '{device_id}' ({name}s there: {others})")
        if device.role is not role:
            raise DeviceNotFound(f"device '{device_id}' is a {_ROLE_NAMES.get(device.role, device.role.value)}, not a {name}")
        return device

    def officer(self, user: str) -> Officer | None:
        return next((o for o in self.officers if o.user == user), None)
