"""A role's budget of requests is a setting of the site file (``[limits.<role>]``): an
integration given more is not refused where the default refuses, other roles keep the
default, and a bad value is refused by ``motcua-server check`` with its file, line and key."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from queue_server.cli import main
from queue_server.config.site import parse_config
from queue_server.server.app import Limits
from tests.faults.conftest import serving
from tests.integration.client import Client
from tests.integration.conftest import run
from tests.support.clock import MonotonicClock
from tests.support.demo import DEMO, DEMO_TOKENS

INTEGRATION = """
[[device]]
id = "bus"
role = "integration"
token = "demo-integration-bus-token"
"""
RAISED = """
[limits.integration]
rate = 200
burst = 1000
"""


async def _flood(url: str, token: str, count: int) -> list[dict]:  # type: ignore[type-arg]
    client = await Client.open(url)
    await client.ok("hello", token=token)
    for n in range(count):
        await client.connection.send(json.dumps({"id": n + 10, "op": "services.list"}))
    replies = [await asyncio.wait_for(client._unmatched.get(), 10) for _ in range(count)]
    await client.close()
    return replies


def test_an_integration_with_a_raised_limit_is_not_refused_where_the_default_refuses(tmp_path: Path) -> None:
    text = DEMO.read_text(encoding="utf-8") + INTEGRATION
    default, raised = parse_config(text), parse_config(text + RAISED)
    count = int(Limits().device_burst) + 300  # 500 at once: over the default burst of 200, under 1000

    async def scenario() -> None:
        clock = MonotonicClock()  # stands still: each budget is exactly its burst
        async with serving(tmp_path / "default.db", config=default, clock=clock) as (_, url):
            replies = await _flood(url, "demo-integration-bus-token", count)
            assert sum(r["ok"] for r in replies) == Limits().device_burst
            assert {r["error"]["code"] for r in replies if not r["ok"]} == {"rate_limited"}
        async with serving(tmp_path / "raised.db", config=raised, clock=clock) as (_, url):
            assert all(r["ok"] for r in await _flood(url, "demo-integration-bus-token", count))
            kiosk = await _flood(url, DEMO_TOKENS["kiosk-1"], count)  # another role keeps the default
            assert sum(r["ok"] for r in kiosk) == Limits().device_burst
            over = await _flood(url, "demo-integration-bus-token", 1100)  # the raised burst is a limit too
            assert sum(r["ok"] for r in over) == 1000

    run(scenario())


@pytest.mark.parametrize(
    ("table", "key", "message"),
    [
        ("[limits.integration]\nrate = 0\n", "limits.integration.rate", "must be"),
        ("[limits.integration]\nburst = \"many\"\n", "limits.integration.burst", "must be"),
        ("[limits.integration]\nrate = 1e9\n", "limits.integration.rate", "at most"),
        ("[limits.integration]\nburst = 0.5\n", "limits.integration.burst", "at least 1"),
        ("[limits.integration]\nspeed = 5\n", "limits.integration.speed", "unknown key"),
        ("[limits.public]\nrate = 5\n", "limits.public", "unknown key"),
    ],
)
def test_a_bad_limit_is_refused_by_check_with_its_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, key: str, message: str
) -> None:
    site = tmp_path / "site.toml"
    text = DEMO.read_text(encoding="utf-8") + INTEGRATION + "\n" + table
    site.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(site)]) == 1
    err = capsys.readouterr().err
    last = table.strip().splitlines()[-1].split("=")[0].strip()
    line = len(text.splitlines()) - (0 if key.endswith(last) else 1)
    assert f"{site}:{line}: {key}:" in err and message in err, err
