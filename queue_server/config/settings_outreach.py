"""Settings of what leaves the lobby: notifications to citizens' phones (SMS, Zalo ZNS),
webhooks to integrators, ratings to the procedures system (``[evaluation_sync]``), and the
outbox that delivers them (``docs/notifications.md``)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping


class Channel(enum.StrEnum):
    SMS = "sms"
    ZALO = "zalo"
    WEBHOOK = "webhook"
    EVALUATION = "evaluation"  # a dossier-linked rating to the province's procedures system


@dataclasses.dataclass(frozen=True)
class OutboxSettings:
    """``[outbox]``: how deliveries are tried again and given up."""

    max_attempts: int = 8  # then the delivery is a dead letter (shown on the dashboard)
    retry_first_seconds: float = 1.0  # back-off: up to first · 2^(failures-1), with jitter…
    retry_max_seconds: float = 300.0  # …and never more than this
    timeout_seconds: float = 10.0  # one HTTP request, connect to last byte
    workers: int = 8  # requests in flight at once (webhooks: one per subscription)


@dataclasses.dataclass(frozen=True)
class SmsGateway:
    """``[notifications.sms]``: a generic HTTP SMS gateway. ``{phone}`` (84…),
    ``{phone_local}`` (0…), ``{text}`` and ``{key}`` are put into ``url`` (URL-encoded) and
    ``body`` (JSON-escaped when the body is JSON)."""

    url: str
    method: str = "POST"
    body: str = '{"to": "{phone}", "text": "{text}", "id": "{key}"}'
    content_type: str = "application/json"
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __repr__(self) -> str:  # headers may hold a key
        return f"SmsGateway(url={self.url!r})"


@dataclasses.dataclass(frozen=True)
class ZaloGateway:
    """``[notifications.zalo]``: Zalo ZNS, a template message by its id and params."""

    access_token: str
    template_near: str
    template_called: str
    url: str = "https://business.openapi.zalo.me/message/template"
    template_reentry: str | None = None  # a re-entry code ("cần bổ sung"); none: not sent by Zalo

    def __repr__(self) -> str:
        return f"ZaloGateway(url={self.url!r}, access_token='***')"


@dataclasses.dataclass(frozen=True)
class NotificationSettings:
    """``[notifications]``: "your turn is near" and "please come to counter N"."""

    channel: Channel = Channel.SMS
    near_people: int = 3  # "còn N người nữa đến lượt bạn" when this many or fewer are ahead
    sms: SmsGateway | None = None
    zalo: ZaloGateway | None = None


@dataclasses.dataclass(frozen=True)
class Webhook:
    """``[[webhook]]``: an integrator's subscription, signed with its ``secret``."""

    name: str
    url: str
    secret: str
    events: frozenset[str] = frozenset()  # event types; empty: every event

    def __repr__(self) -> str:
        return f"Webhook(name={self.name!r}, url={self.url!r}, secret='***')"

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events


@dataclasses.dataclass(frozen=True)
class PhoneQueueSettings:
    """``[phone_queue]``: taking a number from the phone (``/q``) and its limits."""

    per_device_per_day: int = 1  # numbers one browser may take in a day
    per_phone_per_day: int = 1  # numbers one phone number may take in a day
    share_percent: int = 20  # at most this share of a field's daily_cap is taken from phones
    confirm_minutes: int = 5  # not confirmed this long after being called: a no-show
    rejoin_minutes: int = 15  # a no-show may put itself back once within this
    services: frozenset[str] = frozenset()  # the fields offered (empty: every field)

    def offers(self, service: str) -> bool:
        return not self.services or service in self.services


# what [evaluation_sync.fields] may map: the values of one evaluation (a rating, for one dossier)
EVALUATION_FIELDS = ("dossier", "score", "level", "rated_at", "ticket", "service", "counter", "officer", "site")


@dataclasses.dataclass(frozen=True)
class EvaluationSync:
    """``[evaluation_sync]``: each rating linked to dossiers, sent once per dossier to the
    province's procedures system, shaped as the dossier look-up's ``[dossier_lookup]`` is:
    ``url_template`` with ``{code}`` (the dossier's code), ``fields`` (our field → a dotted
    path in the JSON body), ``scores`` (our score → their value) and ``headers`` (auth)."""

    url_template: str
    fields: Mapping[str, str]
    method: str = "POST"
    scores: Mapping[int, str] = dataclasses.field(default_factory=dict)
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def __repr__(self) -> str:  # headers hold the credentials
        return f"EvaluationSync(url_template={self.url_template!r})"


@dataclasses.dataclass(frozen=True)
class OutreachSettings:
    outbox: OutboxSettings = OutboxSettings()
    notifications: NotificationSettings | None = None  # None: no phone is ever told anything
    webhooks: tuple[Webhook, ...] = ()
    phone_queue: PhoneQueueSettings | None = None  # None: no number is taken from a phone
    evaluation_sync: EvaluationSync | None = None  # None: ratings stay in the lobby

    @property
    def delivers(self) -> bool:
        """Something to deliver: the outbox's thread is needed."""
        return self.notifications is not None or bool(self.webhooks) or self.evaluation_sync is not None
