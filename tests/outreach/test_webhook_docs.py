"""A webhook receiver written from docs/notifications.md alone: the document's own Python
verifier (run as printed) checks real deliveries from the server, and refuses tampered,
re-signed and stale ones. Nothing here imports the server's signing code."""

from __future__ import annotations

import asyncio
import re
import subprocess
from pathlib import Path

from bench.gateways import Gateway
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
