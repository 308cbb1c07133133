"""``[outbox]``, ``[notifications]`` and ``[[webhook]]``: what leaves the lobby (optional).

    [notifications]
    channel = "sms"                 # or "zalo"
    near_people = 3
    [notifications.sms]
    url = "https://sms.example.vn/api/send"
    body = '{"to": "{phone}", "text": "{text}", "id": "{key}"}'
    headers = { Authorization = "Bearer …" }

    [[webhook]]
    name = "portal"
    url = "https://portal.example.vn/hooks/motcua"
    secret = "at least 16 characters"
    events = ["ticket.called", "ticket.completed"]
"""

from __future__ import annotations

import re
import urllib.parse

from queue_server.config.checks import Table, nfc
from queue_server.config.evaluation_sync import read_evaluation_sync
from queue_server.config.secrets import given_key, read_headers, read_secret, secret_keys
from queue_server.config.settings_outreach import (
    Channel,
    NotificationSettings,
    OutboxSettings,
    OutreachSettings,
    PhoneQueueSettings,
    SmsGateway,
    Webhook,
    ZaloGateway,
)
from queue_server.core.events import EventType

OUTBOX_KEYS = ("max_attempts", "retry_first_seconds", "retry_max_seconds", "timeout_seconds", "workers")
NOTIFICATION_KEYS = ("channel", "near_people", "sms", "zalo")
SMS_KEYS = ("url", "method", "body", "content_type", "headers")
ZALO_KEYS = ("url", *secret_keys("access_token"), "template_near", "template_called", "template_reentry")
WEBHOOK_KEYS = ("name", "url", *secret_keys("secret"), "events")
PHONE_QUEUE_KEYS = (
    "per_device_per_day", "per_phone_per_day", "share_percent", "confirm_minutes", "rejoin_minutes", "services",
)  # fmt: skip
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_SECRET = re.compile(r"[!-~]{16,256}")


def read_outreach(root: Table, service_codes: set[str] = frozenset()) -> OutreachSettings:  # type: ignore[assignment]  # an empty frozenset default: the codes are only read
    return OutreachSettings(
        outbox=_read_outbox(root),
        notifications=_read_notifications(root),
        webhooks=_read_webhooks(root),
        phone_queue=_read_phone_queue(root, service_codes),
        evaluation_sync=read_evaluation_sync(root),
    )


def _read_phone_queue(root: Table, service_codes: set[str]) -> PhoneQueueSettings | None:
    table = root.table("phone_queue", PHONE_QUEUE_KEYS)
    if table is None:
        return None
    d = PhoneQueueSettings()
    services = []
    for key, code in table.texts("services"):
        if code not in service_codes:
            table.problems.add(key, f"no service has the code {code!r}")
        else:
            services.append(code)
    return PhoneQueueSettings(
        per_device_per_day=table.integer("per_device_per_day", d.per_device_per_day, low=1, high=20),
        per_phone_per_day=table.integer("per_phone_per_day", d.per_phone_per_day, low=1, high=20),
        share_percent=table.integer("share_percent", d.share_percent, low=1, high=100),
        confirm_minutes=table.integer("confirm_minutes", d.confirm_minutes, low=1, high=120),
        rejoin_minutes=table.integer("rejoin_minutes", d.rejoin_minutes, low=1, high=240),
        services=frozenset(services),
    )


def _url(table: Table, name: str, default: str | None = None) -> str:
    value = table.text(name, default, required=default is None)
    if value is None:
        return ""
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        table.report(name, f"must be an http:// or https:// URL, not {value!r}")
    return value


def _read_outbox(root: Table) -> OutboxSettings:
    table = root.table("outbox", OUTBOX_KEYS)
    d = OutboxSettings()
    if table is None:
        return d
    return OutboxSettings(
        max_attempts=table.integer("max_attempts", d.max_attempts, low=1, high=100),
        retry_first_seconds=table.number("retry_first_seconds", d.retry_first_seconds, high=3600.0),
        retry_max_seconds=table.number("retry_max_seconds", d.retry_max_seconds, high=86400.0),
        timeout_seconds=table.number("timeout_seconds", d.timeout_seconds, high=120.0),
        workers=table.integer("workers", d.workers, low=1, high=64),
    )


def _read_notifications(root: Table) -> NotificationSettings | None:
    table = root.table("notifications", NOTIFICATION_KEYS)
    if table is None:
        return None
    channel = table.text("channel", "sms")
    if channel not in (Channel.SMS, Channel.ZALO):
        table.report("channel", f"must be sms or zalo, not {channel!r}")
        channel = "sms"
    sms = zalo = None
    sms_table = table.table("sms", SMS_KEYS)
    if sms_table is not None:
        d = SmsGateway(url="")
        method = sms_table.text("method", d.method).upper()
        if method not in ("POST", "GET", "PUT"):
            sms_table.report("method", f"must be POST, GET or PUT, not {method!r}")
        sms = SmsGateway(
            url=_url(sms_table, "url"),
            method=method,
            body=sms_table.text("body", d.body, empty=True),
            content_type=sms_table.text("content_type", d.content_type),
            headers=read_headers(sms_table),
        )
    zalo_table = table.table("zalo", ZALO_KEYS)
    if zalo_table is not None:
        zalo = ZaloGateway(
            access_token=read_secret(zalo_table, "access_token", required=True) or "",
            template_near=zalo_table.text("template_near", required=True) or "",
            template_called=zalo_table.text("template_called", required=True) or "",
            url=_url(zalo_table, "url", ZaloGateway("", "", "").url),
            template_reentry=zalo_table.text("template_reentry"),
        )
    if channel == Channel.SMS and sms is None:
        table.report("sms", "missing: channel = \"sms\" needs a [notifications.sms] table (the gateway)")
    if channel == Channel.ZALO and zalo is None:
        table.report("zalo", "missing: channel = \"zalo\" needs a [notifications.zalo] table")
    return NotificationSettings(
        channel=Channel(channel),
        near_people=table.integer("near_people", 3, low=1, high=50),
        sms=sms,
        zalo=zalo,
    )


def _read_webhooks(root: Table) -> tuple[Webhook, ...]:
    hooks: list[Webhook] = []
    known = {e.value for e in EventType}
    for table in root.tables("webhook", WEBHOOK_KEYS) or ():
        name = table.code("name", _NAME, "lower-case letters, digits, '-' and '_'")
        if name and any(h.name == name for h in hooks):
            table.report("name", f"another webhook is named {name!r}")
        secret = read_secret(table, "secret", required=True) or ""
        if secret and not _SECRET.fullmatch(secret):
            table.report(
                given_key(table, "secret"), "must be 16 to 256 ASCII letters, digits or punctuation, no space (make one at random)"
            )
        events = []
        for key, value in table.texts("events"):
            if value not in known:
                table.problems.add(key, f"no event is called {value!r}")
            else:
                events.append(nfc(value))
        hooks.append(Webhook(name=name, url=_url(table, "url"), secret=secret, events=frozenset(events)))
    return tuple(hooks)
