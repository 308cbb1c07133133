"""A soak: a steady mixed load with thousands of connections coming and going, the server's
memory sampled from /proc each second. Memory must stay flat: whatever a connection costs is
let go when it goes. The CI version runs 30 s; ``python -m bench --soak-minutes 60`` runs an
hour by hand."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.server import ServerProcess
from bench.site import BenchSite
from bench.soak import soak

SITE = BenchSite(counters=5, boards=3, kiosks=1, site_id="soak")
FLAT_MB_PER_MINUTE = 1.5  # one leaked kilobyte per connection would be ~20 MB a minute here


def test_thirty_seconds_of_churn_leave_the_memory_flat(tmp_path: Path) -> None:
    config = SITE.write(tmp_path / "site.toml")
    with ServerProcess(config, tmp_path / "lobby.db") as server:
        figures = asyncio.run(soak(server, SITE, minutes=0.4, warm_up_minutes=0.35, issue_rate=2.0))
        assert server.health()[0] == 200
    assert figures["phones"] > 1000 and figures["board_reconnects"] > 20 and figures["garbage"] > 500, figures
    assert figures["issued"] > 20 and figures["called"] > 10, figures
    assert figures["rss_slope_mb_per_minute"] < FLAT_MB_PER_MINUTE, figures
