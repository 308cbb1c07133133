"""A soak: a steady mixed load with thousands of connections coming and going, the server's
memory sampled from /proc each second. Memory must stay flat: whatever a connection costs is
let go when it goes. The CI version runs two minutes, as issue 7 asks (a warm-up, then the
slope is fitted over the rest); ``python -m bench --soak-minutes 60`` runs an hour by hand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.server import ServerProcess
from bench.site import BenchSite
from bench.soak import soak

SITE = BenchSite(counters=5, boards=3, kiosks=1, site_id="soak")
FLAT_MB_PER_MINUTE = 1.5  # one leaked kilobyte per connection would be ~20 MB a minute here


def test_two_minutes_of_churn_leave_the_memory_flat(tmp_path: Path) -> None:
    config = SITE.write(tmp_path / "site.toml")
    with ServerProcess(config, tmp_path / "lobby.db") as server:
        figures = asyncio.run(soak(server, SITE, minutes=1.4, warm_up_minutes=0.6, issue_rate=2.0))
        assert server.health()[0] == 200
    assert figures["phones"] > 2500 and figures["board_reconnects"] > 50 and figures["garbage"] > 1200, figures
    assert figures["issued"] > 50 and figures["called"] > 25, figures
    assert figures["rss_slope_mb_per_minute"] < FLAT_MB_PER_MINUTE, figures
