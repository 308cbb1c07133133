"""From an outbox row to an HTTP request, and from the answer to an outcome (no I/O).

- **SMS**: a generic HTTP gateway; ``url`` and ``body`` are templates (``{phone}``,
  ``{phone_local}``, ``{text}``, ``{key}``).
- **Zalo ZNS**: ``POST`` of ``{"phone", "template_id", "template_data", "tracking_id"}`` with the
  ``access_token`` header; Zalo answers 200 with ``{"error": 0}`` on success.
- **Webhook**: ``POST`` of the event as JSON, signed (``signing.py``).
- **Evaluation** (``[evaluation_sync]``): ``POST`` (or ``PUT``) to ``url_template`` with the
  dossier's ``{code}``, a JSON body made by ``fields`` (our field → their dotted path, as the
  dossier look-up maps its answers) and ``scores``, with the configured ``headers`` (auth). A 409
  answer means the system has this evaluation already (it saw the key): sent.

Every request carries ``Idempotency-Key``: the row's key (a webhook's is ``site:seq``).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import urllib.parse
from collections.abc import Mapping

from queue_server.config.settings_outreach import Channel, OutreachSettings
from queue_server.core import phones
from queue_server.dossiers.http_source import place
from queue_server.outreach import signing
from queue_server.store.outbox import Pending

USER_AGENT = "motcua-queue/outbox"
# Zalo ZNS errors that no retry mends: the phone number is not valid (-108), it has no Zalo
# account (-118). Any other non-zero error is tried again, then dead after max_attempts.
ZALO_PERMANENT = frozenset({-108, -118})


class Outcome(enum.Enum):
    SENT = "sent"
    RETRY = "retry"  # try again later (5xx, 408, 429, a timeout, no connection)
    DEAD = "dead"  # no retry mends it (another 4xx, a permanent Zalo error, no gateway)


@dataclasses.dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    headers: Mapping[str, str]
    body: bytes | None


class NotDeliverable(Exception):
    """A row the configuration cannot send any more (its gateway or subscription is gone)."""


def request_for(row: Pending, settings: OutreachSettings, now: float) -> HttpRequest:
    headers = {"Idempotency-Key": row.key, "User-Agent": USER_AGENT}
    if row.channel == Channel.WEBHOOK:
        hook = next((h for h in settings.webhooks if h.name == row.target), None)
        if hook is None:
            raise NotDeliverable(f"no webhook named {row.target!r} in the configuration any more")
        body = json.dumps(row.payload, ensure_ascii=False, separators=(",", ":")).encode()
        headers |= {
            "Content-Type": "application/json",
            signing.HEADER: signing.sign(hook.secret, int(now), body),
            "X-Motcua-Event": str(row.payload.get("ev", "")),
        }
        return HttpRequest("POST", hook.url, headers, body)
    if row.channel == Channel.EVALUATION:
        return evaluation_request(row, settings, headers)
    notifications = settings.notifications
    if row.phone is None:
        raise NotDeliverable("the phone number was purged (past the retention period)")
    if row.channel == Channel.ZALO:
        if notifications is None or notifications.zalo is None:
            raise NotDeliverable("Zalo ZNS is not configured any more")
        zalo = notifications.zalo
        template = {"near": zalo.template_near, "reentry": zalo.template_reentry}.get(row.kind, zalo.template_called)
        if template is None:
            raise NotDeliverable("no Zalo ZNS template for re-entry codes (template_reentry) in the configuration")
        data = {k: str(v) for k, v in row.payload["params"].items()}
        body = json.dumps(
            {"phone": row.phone, "template_id": template, "template_data": data, "tracking_id": row.key},
            ensure_ascii=False,
        ).encode()
        headers |= {"Content-Type": "application/json", "access_token": zalo.access_token}
        return HttpRequest("POST", zalo.url, headers, body)
    if notifications is None or notifications.sms is None:
        raise NotDeliverable("the SMS gateway is not configured any more")
    sms = notifications.sms
    values = {"phone": row.phone, "phone_local": phones.local(row.phone), "text": row.payload["text"], "key": row.key}
    url = _fill(sms.url, {k: urllib.parse.quote(v, safe="") for k, v in values.items()})
    body_bytes = None
    if sms.method != "GET" and sms.body:
        escape = (lambda v: json.dumps(v, ensure_ascii=False)[1:-1]) if "json" in sms.content_type else (
            lambda v: urllib.parse.quote(v, safe="")
        )
        body_bytes = _fill(sms.body, {k: escape(v) for k, v in values.items()}).encode()
        headers["Content-Type"] = sms.content_type
    return HttpRequest(sms.method, url, {**headers, **sms.headers}, body_bytes)


def evaluation_request(row: Pending, settings: OutreachSettings, headers: dict[str, str]) -> HttpRequest:
    """One dossier's evaluation as the procedures system takes it (``[evaluation_sync]``)."""
    sync = settings.evaluation_sync
    if sync is None:
        raise NotDeliverable("[evaluation_sync] is not configured any more")
    values = dict(row.payload)
    values["score"] = sync.scores.get(values["score"], values["score"])
    body: dict[str, object] = {}
    for ours, path in sync.fields.items():
        place(body, path, values.get(ours))
    url = sync.url_template.replace("{code}", urllib.parse.quote(str(values["dossier"]), safe=""))
    headers = {**headers, "Content-Type": "application/json", **sync.headers}
    return HttpRequest(sync.method, url, headers, json.dumps(body, ensure_ascii=False).encode())


def _fill(template: str, values: Mapping[str, str]) -> str:
    """``{name}`` replaced by its value; other braces (JSON's) left alone."""
    for name, value in values.items():
        template = template.replace("{" + name + "}", value)
    return template


def outcome_of(row: Pending, status: int, body: bytes) -> tuple[Outcome, str]:
    """What an answer means for the row; the second item is a short reason for the log."""
    if row.channel == Channel.EVALUATION and status == 409:  # "I have it": a retry whose first try got there
        return Outcome.SENT, "HTTP 409, the evaluation was there already"
    if 200 <= status < 300:
        if row.channel == Channel.ZALO:
            try:
                error = int(json.loads(body or b"{}").get("error", 0))
            except (ValueError, AttributeError, TypeError):
                return Outcome.RETRY, f"HTTP {status}, an answer that is not Zalo's JSON"
            if error != 0:
                kind = Outcome.DEAD if error in ZALO_PERMANENT else Outcome.RETRY
                return kind, f"Zalo error {error}"
        return Outcome.SENT, f"HTTP {status}"
    if status in (408, 425, 429) or status >= 500:
        return Outcome.RETRY, f"HTTP {status}"
    return Outcome.DEAD, f"HTTP {status}"
