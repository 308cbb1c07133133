"""A site server SIGKILLed while it ships: after restarts the central copy is its log exactly,
and its /metrics say how far the shipping got."""

from __future__ import annotations

import asyncio
import re
import signal
import time
import urllib.request
from pathlib import Path

from tests.integration.test_crash import SITE, _issue_until_killed, _start
from tests.shipping.sites import central_log, central_tickets, site_log, site_tickets
from tests.support.ports import free_port


def metric(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    found = re.search(rf"^{name} (\S+)$", text, re.M)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


def test_a_site_killed_mid_batch_resumes_exactly(tmp_path: Path, central_dsn: str) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        SITE + f'\n[central]\ndsn = "{central_dsn}"\nbatch_events = 7\npoll_seconds = 0.02\nretry_max_seconds = 1\n',
        encoding="utf-8",
    )
    db = tmp_path / "lobby.db"
    for kill_after in (30, 45, 20):
        port, process = _start(config, db)
        asyncio.run(_issue_until_killed(port, process, kill_after))
        process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL

    port, process = _start(config, db)
    try:
        deadline = time.monotonic() + 30
        while metric(port, "motcua_central_lag_events") > 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert metric(port, "motcua_central_lag_events") == 0
        assert metric(port, "motcua_central_shipped_seq") == metric(port, "motcua_event_seq") > 95
        assert metric(port, "motcua_central_up") == 1
        assert metric(port, "motcua_central_lag_seconds") == 0
        assert time.time() - metric(port, "motcua_central_last_success_seconds") < 5
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    assert central_log(central_dsn, "crash-test") == site_log(db)
    assert central_tickets(central_dsn, "crash-test") == site_tickets(db)


def test_a_site_whose_central_side_is_away_reports_the_lag(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    unreachable = f"postgresql://motcua@127.0.0.1:{free_port()}/nowhere"
    config.write_text(SITE + f'\n[central]\ndsn = "{unreachable}"\nretry_max_seconds = 0.2\n', encoding="utf-8")
    port, process = _start(config, tmp_path / "lobby.db")
    try:

        async def issue() -> None:
            from tests.integration.client import Client

            client = await Client.open(f"ws://127.0.0.1:{port}")
            await client.ok("hello", token="crash-test-kiosk-token")
            for _ in range(3):
                await client.ok("ticket.issue", service="HT")  # the site works alone
            await client.close()

        asyncio.run(issue())
        deadline = time.monotonic() + 10  # the shipper has tried and failed, and the oldest event has aged
        while time.monotonic() < deadline and not (
            metric(port, "motcua_central_failures_total") >= 1 and metric(port, "motcua_central_lag_seconds") > 0.4
        ):
            time.sleep(0.05)
        assert metric(port, "motcua_central_up") == 0
        assert metric(port, "motcua_central_lag_events") == metric(port, "motcua_event_seq") >= 4
        assert metric(port, "motcua_central_failures_total") >= 1
        assert metric(port, "motcua_central_last_success_seconds") == 0
        assert 0.4 < metric(port, "motcua_central_lag_seconds") < 60, "the oldest unshipped event's age"
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
