"""Two provinces and the nation on this machine: three real PostgreSQL clusters with
``wal_level = logical``, each province's sites' days shipped and summed the province's own
way (:func:`central.schema.append`, :func:`central.summaries.summarize_all`), published and
subscribed by ``motcua-national``'s own commands."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import random
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import psycopg

from central import schema as central
from central import summaries
from central.schema import Row
from province.cluster import Cluster
from queue_server.config.place import SiteKind
from queue_server.config.settings import SiteConfig
from queue_server.core.site import RatingLevel
from queue_server.shipping.site_record import describe_site
from tests.shipping.sites import named_site

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAYS = tuple(dt.date(2026, 11, 2) + dt.timedelta(days=n) for n in range(3))
TODAY = dt.date(2026, 11, 10)  # every day above is closed and summed
# Each province has a ``phuong-1``: the same site id in two provinces, told apart nationally.
PROVINCES = {
    "80": {"xa-an-binh": "UBND xã An Bình", "phuong-1": "UBND phường 1 (Tây Ninh)"},
    "82": {"phuong-1": "UBND phường 1 (Đồng Tháp)", "xa-tan-my": "UBND xã Tân Mỹ"},
}
FIVE_LEVELS = (
    RatingLevel(5, "Rất hài lòng", "Very satisfied"),
    RatingLevel(4, "Hài lòng", "Satisfied"),
    RatingLevel(3, "Bình thường", "Neutral"),
    RatingLevel(2, "Không hài lòng", "Dissatisfied"),
    RatingLevel(1, "Rất không hài lòng", "Very dissatisfied"),
)
FIVE_LEVEL_SITE = ("82", "xa-tan-my")  # rated on 1–5; every other site on 1–4
MAPPED_SITE, MAPPED_WARD = ("80", "phuong-1"), "25459"  # [site] ward_code: Phường Tân Ninh on the 2025 map
T = TypeVar("T")


def logical_cluster() -> Cluster:
    """A throwaway cluster that publishes or subscribes: ``wal_level = logical`` (a restart)."""
    cluster = Cluster.create()
    cluster.start()
    with psycopg.connect(cluster.dsn(), autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET wal_level = logical")
    cluster.stop()
    cluster.start()
    return cluster


def site_config(province: str, site: str) -> SiteConfig:
    config = named_site(site)
    policy = config.site.policy
    if (province, site) == FIVE_LEVEL_SITE:
        policy = dataclasses.replace(policy, rating_scale=FIVE_LEVELS)
    place = config.place
    if (province, site) == MAPPED_SITE:
        place = dataclasses.replace(place, kind=SiteKind.WARD, province_code="80", ward_code=MAPPED_WARD)
    return dataclasses.replace(
        config, site=dataclasses.replace(config.site, name=PROVINCES[province][site], policy=policy), place=place
    )


def tickets(seed: int, top_score: int, count: int = 30) -> list[dict[str, Any]]:
    """A site's tickets over :data:`DAYS`: served, rated, not shown, still waiting, transferred."""
    rng = random.Random(seed)
    rows = []
    for n in range(1, count + 1):
        day = DAYS[n % len(DAYS)]
        arrival = dt.datetime.combine(day, dt.time(7, 30), TZ) + dt.timedelta(seconds=rng.randrange(8 * 3600))
        state = rng.choice(("done", "done", "done", "no_show", "waiting", "transferred"))
        called = arrival + dt.timedelta(seconds=rng.randrange(1, 3600)) if state != "waiting" else None
        done = called + dt.timedelta(seconds=rng.randrange(60, 1200)) if state == "done" and called else None
        row: dict[str, Any] = {column: None for column in central.TICKET_COLUMNS}
        row.update(
            id=n, label=f"A{n:03d}", day=day.isoformat(), service=rng.choice(("HT", "DD")), state=state,
            counter=rng.choice((1, 2)) if called else None, officer=rng.choice(("lan", "minh")) if called else None,
            issued_at=arrival.isoformat(), arrival_at=arrival.isoformat(),
            called_at=called.isoformat() if called else None, done_at=done.isoformat() if done else None,
            recalls=0, returns=0, rating=rng.randint(1, top_score) if done and rng.random() < 0.7 else None,
        )  # fmt: skip
        rows.append(row)
    return rows


def ship(conn: psycopg.Connection[Any], config: SiteConfig, rows: list[dict[str, Any]]) -> None:
    """The site's configuration snapshot and its tickets, as its shipper sends them."""
    site = config.site.site_id
    central.record_config(conn, site, describe_site(config))
    after = central.last_seq(conn, site)
    events = [Row(after + n, "ticket.issued", r["issued_at"], {"ticket": r["id"]}) for n, r in enumerate(rows, start=1)]
    central.append(conn, site, after, events, set(), rows, after + len(rows))


def fill_province(dsn: str, province: str) -> dict[str, list[dict[str, Any]]]:
    """The province's sites' days shipped and summed as the province sums them."""
    shipped = {}
    with central.connect(dsn) as conn:
        central.migrate(conn)
        for number, site in enumerate(PROVINCES[province]):
            config = site_config(province, site)
            top = max(level.score for level in config.site.policy.rating_scale)
            shipped[site] = tickets(seed=int(province) * 10 + number, top_score=top)
            ship(conn, config, shipped[site])
        summaries.summarize_all(conn, TZ, TODAY)
    return shipped


def eventually(read: Callable[[], T], done: Callable[[T], bool], seconds: float = 60.0, what: str = "") -> T:
    """``read()`` again until ``done`` says yes, within ``seconds`` (replication is not instant)."""
    deadline = time.monotonic() + seconds
    while True:
        value = read()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what or read}; last {value!r}")
        time.sleep(0.1)


def rows_of(dsn: str, query: str, params: Any = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


@dataclasses.dataclass
class Country:
    clusters: dict[str, Cluster]  # "80", "82", "national"
    provinces: dict[str, str]  # code → the province's central DSN
    national: str  # the national DSN
    shipped: dict[str, dict[str, list[dict[str, Any]]]]

    def publisher_dsn(self, province: str) -> str:
        """The province as the nation connects to it: its replication role, no superuser."""
        cluster = self.clusters[province]
        return cluster.dsn("central", user="motcua_national")


@contextlib.contextmanager
def make_country() -> Iterator[Country]:
    clusters = {name: logical_cluster() for name in ("80", "82", "national")}
    try:
        provinces = {code: clusters[code].create_database("central") for code in PROVINCES}
        national = clusters["national"].create_database("national")
        shipped = {code: fill_province(dsn, code) for code, dsn in provinces.items()}
        yield Country(clusters, provinces, national, shipped)
    finally:
        for cluster in clusters.values():
            cluster.destroy()
