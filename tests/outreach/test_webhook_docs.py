"""A webhook receiver written from docs/notifications.md alone: the document's own Python
verifier (run as printed) checks real deliveries from the server, and refuses tampered,
re-signed and stale ones. Nothing here imports the server's signing code."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
from pathlib import Path

import pytest

from bench.gateways import Gateway
from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL
from tests.integration.conftest import Clock, run, running_lobby
from tests.outreach.test_webhooks import SECRET, Webhook, hook_site

DOC = (Path(__file__).resolve().parents[2] / "docs" / "notifications.md").read_text("utf-8")


def documented_verifier():
    [code] = [block for block in re.findall(r"```python\n(.*?)```", DOC, re.S) if "def verify_delivery" in block]
    namespace: dict = {}
    exec(compile(code, "docs/notifications.md", "exec"), namespace)
    return namespace["verify_delivery"]


def test_deliveries_verify_with_the_documented_receiver(db_path, clock: Clock, gateways) -> None:
    receiver = Gateway()
    gateways.append(receiver)
    verify = documented_verifier()
    config = hook_site(Webhook("portal", receiver.url + "/hook", SECRET, frozenset({"ticket.issued"})))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            [delivery] = await asyncio.to_thread(receiver.wait_accepted, 1)
            headers = {"X-Motcua-Signature": delivery.headers["x-motcua-signature"]}
            assert verify(SECRET, headers, delivery.body)
            assert delivery.headers["idempotency-key"] == f"test-site:{delivery.json['seq']}"
            assert not verify("another-secret-0123456789", headers, delivery.body)
            assert not verify(SECRET, headers, delivery.body.replace(b"A001", b"A999"))
            t = int(headers["X-Motcua-Signature"].split(",")[0].removeprefix("t="))
            assert not verify(SECRET, headers, delivery.body, now=t + 301)  # a replay, too old
            # the shell recipe gives the same signature
            [sh] = [b for b in re.findall(r"```sh\n(.*?)```", DOC, re.S) if "openssl" in b]
            out = subprocess.run(
                ["bash", "-c", sh.split("#")[0].replace("$(cat body.json)", "$BODY")],
                env={"T": str(t), "SECRET": SECRET, "BODY": delivery.body.decode(), "PATH": "/usr/bin:/bin"},
                capture_output=True, text=True, check=True,
            )
            assert out.stdout.strip() == headers["X-Motcua-Signature"].split("v1=")[1]

    run(scenario())


def test_the_documented_receiver_reads_the_signature_header_in_any_case(db_path, clock: Clock, gateways) -> None:
    receiver = Gateway()
    gateways.append(receiver)
    verify = documented_verifier()
    config = hook_site(Webhook("portal", receiver.url + "/hook", SECRET, frozenset({"ticket.issued"})))

    async def scenario() -> None:
        async with running_lobby(db_path, config, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            [delivery] = await asyncio.to_thread(receiver.wait_accepted, 1)
            assert verify(SECRET, dict(delivery.headers), delivery.body)  # as the server sent them: lower case
            # `at` as the document shows it: ISO 8601 in the site's offset, with microseconds
            [example] = [b for b in re.findall(r"```json\n(.*?)```", DOC, re.S) if '"ev":"ticket.called"' in b]
            shape = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+07:00")
            assert shape.fullmatch(json.loads(example)["at"]) and shape.fullmatch(delivery.json["at"])

    clock.advance(seconds=2, microseconds=137204)
    run(scenario())


def test_the_webhook_rules_are_written_down_and_the_site_file_says_the_same() -> None:
    """docs/notifications.md: a secret is 16–256 of `!`–`~`: an accented letter or a space is
    refused, and the message says so as the document does."""
    assert "no space and no accented letter" in DOC and "lower-case letters, digits, `-` and `_`" in DOC
    for secret in ("mật-khẩu-bí-mật-0123456789", "with a space 0123456789"):
        site = f'[[webhook]]\nname = "portal"\nurl = "https://portal.example.vn/h"\nsecret = "{secret}"\n'
        with pytest.raises(ConfigError) as info:
            parse_config(MINIMAL + site, "site.toml")
        assert "letters, digits or punctuation, no space" in str(info.value)
