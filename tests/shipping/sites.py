"""Sites whose logs are shipped, and the two sides' copies of a log to compare."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg

from central.schema import TICKET_COLUMNS
from queue_server.config.settings import CentralSettings, SiteConfig
from queue_server.shipping.redact import central_data, central_ticket
from queue_server.shipping.shipper import Shipper
from tests.integration.sites import site_config


def named_site(site_id: str) -> SiteConfig:
    config = site_config()
    return dataclasses.replace(config, site=dataclasses.replace(config.site, site_id=site_id))


def quick(dsn: str, **changes: Any) -> CentralSettings:
    """Settings for tests: small batches, short waits."""
    return CentralSettings(dsn=dsn, batch_events=25, poll_seconds=0.05, retry_max_seconds=0.5, timeout_seconds=5, start_spread_seconds=0) if not changes else dataclasses.replace(quick(dsn), **changes)


def failing(shipper: Shipper, times: int = 2, timeout: float = 20) -> str:
    """Run the shipper until it has failed ``times`` times (or ``timeout`` passed); its last error."""
    shipper.start()
    try:
        deadline = time.monotonic() + timeout
        while shipper.status.failures < times and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        shipper.stop()
    assert shipper.status.failures >= times, (shipper.status.failures, shipper.status.last_error)
    return shipper.status.last_error or ""


def site_log(db_path: Path, personal_data: bool = False) -> list[tuple[int, str, dt.datetime, dict[str, Any]]]:
    """The site's log as the central copy should hold it."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT seq, type, at, data FROM events ORDER BY seq").fetchall()
    return [
        (seq, type_, dt.datetime.fromisoformat(at), central_data(type_, json.loads(data), personal_data))
        for seq, type_, at, data in rows
    ]


def central_log(dsn: str, site: str) -> list[tuple[int, str, dt.datetime, dict[str, Any]]]:
    with psycopg.connect(dsn) as conn:
        return [
            tuple(row)  # type: ignore[misc]
            for row in conn.execute("SELECT seq, type, at, data FROM events WHERE site = %s ORDER BY seq", [site])
        ]


def site_tickets(db_path: Path, personal_data: bool = False) -> list[dict[str, Any]]:
    """The site's tickets as the central copy should hold them."""
    with sqlite3.connect(db_path) as db:
        rows = db.execute(f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets ORDER BY id").fetchall()
    return [central_ticket(dict(zip(TICKET_COLUMNS, row, strict=True)), personal_data) for row in rows]


def central_tickets(dsn: str, site: str) -> list[dict[str, Any]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets WHERE site = %s ORDER BY id", [site]
        ).fetchall()
    return [
        {c: (v.isoformat() if c == "day" else v) for c, v in zip(TICKET_COLUMNS, row, strict=True)} for row in rows
    ]
