"""The province benchmark's generated month (``python -m bench.province`` runs it at full
size): every site gets its own id, however many sites, against a real PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.province import GENERATE, month_parameters, month_sites
from central import schema as central

FIRST = dt.date(2026, 3, 1)


@pytest.mark.parametrize("sites", [101, 1000])
def test_every_generated_site_has_its_own_id(central_dsn: str, sites: int) -> None:
    with central.connect(central_dsn) as conn:
        central.migrate(conn)
        central.ensure_partitions(conn, {FIRST}, set())
        conn.execute(GENERATE, month_parameters(sites, days=1, tickets=1, first=FIRST))
        made = [site for (site,) in conn.execute("SELECT site FROM tickets ORDER BY id, site")]
    assert len(set(made)) == sites
    assert sorted(made) == sorted(month_sites(sites))  # the ids the report is then asked for
