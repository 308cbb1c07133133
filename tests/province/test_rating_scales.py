"""Ratings in the province's reports are on each site's own scale (the one in its
configuration snapshot): a five-level site's figures here are its own, and a total across
scales is the mean of every rating placed on 0–100 on its own site's scale — against a real
PostgreSQL, from tickets and from summed days."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
import pytest

from central import schema as central
from central import summaries
from central.schema import Row
from province import exports, live
from province.reports import By, build
from queue_server.config.settings import SiteConfig
from queue_server.core.site import DEFAULT_RATING_SCALE, RatingLevel
from queue_server.shipping.site_record import describe_site
from queue_server.store.reports import figures
from tests.shipping.sites import named_site

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DAY = dt.date(2026, 11, 2)
FIVE_LEVELS = (
    RatingLevel(5, "Rất hài lòng", "Very satisfied"),
    RatingLevel(4, "Hài lòng", "Satisfied"),
    RatingLevel(3, "Bình thường", "Neutral"),
    RatingLevel(2, "Không hài lòng", "Dissatisfied"),
    RatingLevel(1, "Rất không hài lòng", "Very dissatisfied"),
)


def site_with(site: str, scale: tuple[RatingLevel, ...]) -> SiteConfig:
    config = named_site(site)
    policy = dataclasses.replace(config.site.policy, rating_scale=scale)
    return dataclasses.replace(config, site=dataclasses.replace(config.site, policy=policy))


def rated(site: str, scores: list[int]) -> list[dict[str, Any]]:
    """A site's tickets of the day, served and rated ``scores``."""
    rows = []
    for n, score in enumerate(scores, start=1):
        at = dt.datetime.combine(DAY, dt.time(8, n), TZ)
        row: dict[str, Any] = {column: None for column in central.TICKET_COLUMNS}
        row.update(
            id=n, label=f"A{n:03d}", day=DAY.isoformat(), service="HT", state="done", counter=1, officer="lan",
            issued_at=at.isoformat(), arrival_at=at.isoformat(), called_at=(at + dt.timedelta(minutes=3)).isoformat(),
            done_at=(at + dt.timedelta(minutes=9)).isoformat(), recalls=0, returns=0, rating=score,
        )  # fmt: skip
        rows.append(row)
    return rows


def ship(conn: psycopg.Connection[Any], config: SiteConfig, rows: list[dict[str, Any]]) -> None:
    """The site's configuration snapshot and its tickets, as its shipper sends them."""
    site = config.site.site_id
    central.record_config(conn, site, describe_site(config))
    events = [Row(n, "ticket.issued", r["issued_at"], {"ticket": r["id"]}) for n, r in enumerate(rows, start=1)]
    central.append(conn, site, 0, events, set(), rows, len(rows))


@pytest.fixture
def conn(central_dsn: str) -> Iterator[psycopg.Connection[Any]]:
    with central.connect(central_dsn) as connection:
        central.migrate(connection)
        yield connection


def test_a_five_level_sites_figures_in_the_province_are_its_own(conn) -> None:  # type: ignore[no-untyped-def]
    rows = rated("xa-nam-muc", [5, 5, 3])
    ship(conn, site_with("xa-nam-muc", FIVE_LEVELS), rows)
    own = figures(rows, scale=(1, 2, 3, 4, 5))  # the site's own report
    assert own.satisfaction_index == 83.3
    for summed in (False, True):  # from its tickets, then from the day's summary
        if summed:
            assert summaries.summarize_all(conn, TZ, DAY + dt.timedelta(days=1)) > 0
        for by in By:
            made = build(conn, ["xa-nam-muc"], DAY, DAY, by, TZ)
            assert made.total == own, (by, summed)
            assert [row.figures for row in made.rows] == [own], (by, summed)


def test_a_total_across_scales_places_each_rating_on_its_own_sites_scale(conn) -> None:  # type: ignore[no-untyped-def]
    ship(conn, site_with("xa-nam-muc", FIVE_LEVELS), rated("xa-nam-muc", [5, 5, 3]))  # 100, 100, 50
    ship(conn, site_with("phuong-1", DEFAULT_RATING_SCALE), rated("phuong-1", [4, 1]))  # 100, 0
    for by in (By.SITE, By.DAY):
        made = build(conn, ["xa-nam-muc", "phuong-1"], DAY, DAY, by, TZ)
        for found in (made.total, *(() if by is By.SITE else [row.figures for row in made.rows])):
            assert (found.satisfaction_index, found.rating_count, found.average_rating) == (70.0, 5, None)
            assert found.ratings == {1: 1, 2: 0, 3: 1, 4: 1, 5: 2}
    by_site = {row.site: row.figures for row in build(conn, ["xa-nam-muc", "phuong-1"], DAY, DAY, By.SITE, TZ).rows}
    assert (by_site["xa-nam-muc"].satisfaction_index, by_site["xa-nam-muc"].average_rating) == (83.3, 4.33)
    assert (by_site["phuong-1"].satisfaction_index, by_site["phuong-1"].average_rating) == (50.0, 2.5)


def test_a_file_across_scales_has_a_column_for_every_score(conn) -> None:  # type: ignore[no-untyped-def]
    ship(conn, site_with("xa-nam-muc", FIVE_LEVELS), rated("xa-nam-muc", [5, 5, 3]))
    ship(conn, site_with("phuong-1", DEFAULT_RATING_SCALE), rated("phuong-1", [4, 1]))
    sites = ["xa-nam-muc", "phuong-1"]
    made = exports.table(build(conn, sites, DAY, DAY, By.SITE, TZ), exports.Namer(live.configs(conn, sites)), "Tỉnh Tuyên Quang")
    scores = [heading for heading in made.headings if heading.startswith("Mức")]
    assert scores == ["Mức 5 (5)", "Mức 4 (4)", "Mức 3 (3)", "Mức 2 (2)", "Mức 1 (1)"]
    total = dict(zip(made.headings, made.rows[-1], strict=True))
    assert total["Mức 5 (5)"] == 2 and total["Chỉ số hài lòng 0–100 (Satisfaction index)"] == 70.0
