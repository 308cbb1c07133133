"""The pure parts of the outreach: phone numbers, signatures, and the gateways' requests and
answers, byte for byte, without a server."""

from __future__ import annotations

import json

import pytest

from queue_server.config.settings_outreach import NotificationSettings, OutreachSettings, SmsGateway, Webhook
from queue_server.outreach import adapters, signing
from queue_server.outreach.adapters import Outcome
from queue_server.store.outbox import Pending


def test_a_signature_verifies_and_anything_else_is_refused() -> None:
    body = b'{"site":"s","seq":1}'
    header = signing.sign("secret-0123456789abcd", 1_700_000_000, body)
    assert signing.verify("secret-0123456789abcd", header, body, now=1_700_000_100) == 1_700_000_000
    for wrong, message in [
        (("other-secret-0123456789", header, body, 1_700_000_000), "does not match"),
        (("secret-0123456789abcd", header, body + b" ", 1_700_000_000), "does not match"),
        (("secret-0123456789abcd", header, body, 1_700_000_301), "old"),
        (("secret-0123456789abcd", "v1=abc", body, 1_700_000_000), "t=<seconds>"),
    ]:
        with pytest.raises(signing.BadSignature, match=message):
            signing.verify(*wrong)


def row(channel: str = "sms", **over) -> Pending:
    values = dict(
        id=1, key="site:near:7", channel=channel, target="citizen", seq=5, kind="near", phone="84912345678",
        payload={"text": "Một Cửa: số A007 còn 2 người nữa đến lượt bạn.", "params": {"ticket": "A007", "people_ahead": 2}},
        attempts=0,
    )
    return Pending(**{**values, **over})


def settings(sms: SmsGateway | None = None, hooks=()) -> OutreachSettings:
    return OutreachSettings(notifications=NotificationSettings(sms=sms), webhooks=tuple(hooks))


def test_an_sms_by_get_puts_everything_url_encoded_in_the_url() -> None:
    sms = SmsGateway(url="http://gw/send?to={phone_local}&msg={text}&ref={key}", method="GET", headers={"X-Key": "k"})
    request = adapters.request_for(row(), settings(sms), now=0)
    assert request.method == "GET" and request.body is None
    assert request.url.startswith("http://gw/send?to=0912345678&msg=M%E1%BB%99t%20C%E1%BB%ADa")
    assert request.url.endswith("&ref=site%3Anear%3A7")
    assert request.headers["X-Key"] == "k" and request.headers["Idempotency-Key"] == "site:near:7"


def test_an_sms_body_is_json_escaped_or_form_encoded() -> None:
    quoted = row(payload={"text": 'say "hi"\n', "params": {}})
    as_json = adapters.request_for(quoted, settings(SmsGateway(url="http://gw")), now=0)
    assert json.loads(as_json.body) == {"to": "84912345678", "text": 'say "hi"\n', "id": "site:near:7"}
    form = SmsGateway(url="http://gw", body="to={phone}&text={text}", content_type="application/x-www-form-urlencoded")
    as_form = adapters.request_for(quoted, settings(form), now=0)
    assert as_form.body == b"to=84912345678&text=say%20%22hi%22%0A"


def test_rows_that_cannot_be_sent_any_more_are_not_deliverable() -> None:
    with pytest.raises(adapters.NotDeliverable, match="purged"):
        adapters.request_for(row(phone=None), settings(SmsGateway(url="http://gw")), now=0)
    with pytest.raises(adapters.NotDeliverable, match="SMS gateway"):
        adapters.request_for(row(), OutreachSettings(), now=0)
    with pytest.raises(adapters.NotDeliverable, match="Zalo"):
        adapters.request_for(row("zalo"), settings(SmsGateway(url="http://gw")), now=0)
    hooks = [Webhook("p", "http://x", "s" * 16)]
    with pytest.raises(adapters.NotDeliverable, match="no webhook named"):
        adapters.request_for(row("webhook", target="gone", phone=None), settings(hooks=hooks), now=0)


@pytest.mark.parametrize(
    ("channel", "status", "body", "outcome"),
    [
        ("sms", 200, b"", Outcome.SENT),
        ("sms", 204, b"", Outcome.SENT),
        ("sms", 400, b"", Outcome.DEAD),
        ("sms", 404, b"", Outcome.DEAD),
        ("sms", 408, b"", Outcome.RETRY),
        ("sms", 429, b"", Outcome.RETRY),
        ("sms", 500, b"", Outcome.RETRY),
        ("sms", 503, b"", Outcome.RETRY),
        ("zalo", 200, b'{"error": 0}', Outcome.SENT),
        ("zalo", 200, b'{"error": -108}', Outcome.DEAD),
        ("zalo", 200, b'{"error": -124}', Outcome.RETRY),
        ("zalo", 200, b"<html>", Outcome.RETRY),
        ("webhook", 201, b"", Outcome.SENT),
        ("webhook", 410, b"", Outcome.DEAD),
    ],
)
def test_answers_mean_sent_retry_or_dead(channel: str, status: int, body: bytes, outcome: Outcome) -> None:
    assert adapters.outcome_of(row(channel), status, body)[0] is outcome
