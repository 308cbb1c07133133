"""The nation's benchmark (``python -m bench.national`` runs it at the country's size) run tiny
against a real PostgreSQL, so that it cannot rot: 2 provinces × 3 real sites × 2 days."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import psycopg
import pytest

from bench import national
from bench.province_live import country_sites
from national import reports
from province.cluster import Cluster

PROVINCES = ("01", "79")


@pytest.fixture
def databases(pg_cluster: Cluster) -> Iterator[tuple[str, str]]:
    if not pg_cluster.running():
        pg_cluster.start()
    names = ("bench_national_province", "bench_national")
    yield pg_cluster.create_database(names[0]), pg_cluster.create_database(names[1])
    with psycopg.connect(pg_cluster.dsn(), autocommit=True) as conn:
        for name in names:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_a_tiny_nation_is_filled_timed_and_explained(databases: tuple[str, str]) -> None:
    sites = [site for code in PROVINCES for site in [s for s in country_sites() if s.province_code == code][:3]]
    found = national.measure(*databases, sites, days=2, template_sites=4, template_days=2, tickets=20, runs=1, province="79")

    assert found["template"]["site_days"] == 8  # 4 sites × 2 days summed by the province's code
    assert found["nation"] | {"seconds": 0, "database_mb": 0} == {
        "provinces": 2, "sites": 6, "days": 2, "site_days": 12, "rows": found["nation"]["rows"],
        "five_level_sites": 2, "database_mb": 0, "seconds": 0,
    }  # fmt: skip
    assert found["country_total_checked"] and found["issued"] > 0
    rows = {by: figures["rows"] for by, figures in found["country"].items()}
    assert rows == {"province": 2, "site": 6, "field": 4, "day": 2}
    assert found["province"]["code"] == "79" and found["province"]["site"]["rows"] == 3
    assert 0 < found["province"]["province"]["issued"] < found["issued"]
    whole, *statements = found["by_province_explained"]
    assert statements and all("Query Text:" in s["plan"] and "actual time=" in s["plan"] for s in statements)
    assert whole["whole_ms"] >= whole["sql_ms"] > 0

    # every site-day of the nation is one of the summed site-days, not all the same: each site has both days, its
    # name and its own scale; the scales mixed, so the country's ratings are an index
    with psycopg.connect(databases[1], autocommit=True) as conn:
        days, kinds = conn.execute(
            "SELECT count(DISTINCT (province, site, day)), count(DISTINCT (issued, wait_sum)) FROM report_days WHERE dim = 'site'"
        ).fetchone()  # type: ignore[misc]
        report = reports.build(conn, PROVINCES, national.FIRST, national.FIRST + dt.timedelta(days=1), reports.By.SITE)
        named = {(s["province"], s["site"]): s for s in reports.sites(conn, PROVINCES)}
    assert days == 12 and kinds > 2  # not one site-day copied everywhere
    assert report.total.average_rating is None and report.total.satisfaction_index is not None
    assert {len(s["rating_scale"]) for s in named.values()} == {4, 5}
    assert named[("79", sites[3].site)]["name"] == sites[3].name and "Hồ Chí Minh" in sites[3].name
    assert set(named[("01", sites[0].site)]["fields"].values()) == set(national.FIELDS.values())
