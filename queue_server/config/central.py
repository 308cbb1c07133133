"""The ``[central]`` table: shipping the site's log to the province's PostgreSQL (optional).

    [central]
    dsn = "postgresql://site_tay_ninh@central.example.vn:5432/motcua?sslmode=verify-full"
    personal_data = false

psycopg (libpq's DSN parser) is imported only when a site file has a ``dsn`` to check, so that
a kiosk or a board reading a site file without one does not load it (~140 ms at start).
"""

from __future__ import annotations

from queue_server.config.checks import Table
from queue_server.config.secrets import given_key, read_secret, secret_keys
from queue_server.config.settings import CentralSettings

FREE_TEXT_CHOICES = ("dropped", "scrubbed")  # queue_server/shipping/redact.py does what they say

CENTRAL_KEYS = (*secret_keys("dsn"), "personal_data", "free_text", "batch_events", "poll_seconds", "retry_max_seconds", "timeout_seconds",
                "heartbeat_seconds")
CENTRAL_KEYS += ("province_seconds", "province_stale_seconds")  # the province's live waits (shipping/province_view.py)
CENTRAL_KEYS += (*secret_keys("site_key"), "start_spread_seconds", "requests_idle_seconds")  # issue 21: 3,400 sites


def read_central(root: Table) -> CentralSettings | None:
    table = root.table("central", CENTRAL_KEYS)
    if table is None:
        return None
    dsn = read_secret(table, "dsn", required=True)
    if dsn is not None:
        import psycopg.conninfo

        try:
            psycopg.conninfo.conninfo_to_dict(dsn)
        except psycopg.ProgrammingError:
            # libpq's message may quote the string, password and all: say only what is wrong
            table.report(given_key(table, "dsn"), "must be a PostgreSQL connection string or postgresql:// URI")
    d = CentralSettings(dsn="")
    return CentralSettings(
        dsn=dsn or "",
        personal_data=table.flag("personal_data", d.personal_data),
        free_text=_free_text(table, d.free_text),
        batch_events=table.integer("batch_events", d.batch_events, low=1, high=100_000),
        poll_seconds=table.number("poll_seconds", d.poll_seconds, high=60.0),
        retry_max_seconds=table.number("retry_max_seconds", d.retry_max_seconds, high=3600.0),
        timeout_seconds=table.number("timeout_seconds", d.timeout_seconds, high=600.0),
        heartbeat_seconds=table.number("heartbeat_seconds", d.heartbeat_seconds, high=3600.0),
        province_seconds=table.number("province_seconds", d.province_seconds, high=300.0),
        province_stale_seconds=table.number("province_stale_seconds", d.province_stale_seconds, high=3600.0),
        site_key=_site_key(table),
        start_spread_seconds=table.number("start_spread_seconds", d.start_spread_seconds, high=600.0, zero=True),
        requests_idle_seconds=table.number("requests_idle_seconds", d.requests_idle_seconds, high=600.0),
    )


def _site_key(table: Table) -> str:
    """``site_key``: the site's key for the pooled role (docs/province.md, "Deployment"), at
    least 32 characters (``openssl rand -base64 32`` makes 44)."""
    key = read_secret(table, "site_key")
    if key is None:
        return ""
    if len(key) < 32 or not key.isprintable():
        table.report(given_key(table, "site_key"), "must be at least 32 printable characters (openssl rand -base64 32)")
        return ""
    return key


def _free_text(table: Table, default: str) -> str:
    """``free_text``: officers' notes, reasons and device details "dropped" (default) or "scrubbed"."""
    value = table.text("free_text", default)
    if value not in FREE_TEXT_CHOICES:
        table.report("free_text", f'must be one of {", ".join(FREE_TEXT_CHOICES)}, not {value!r}')
        return default
    return value
