"""The thread that ships a site's event log to the central PostgreSQL.

    shipper = Shipper(db_path, "tay-ninh", settings, describe_site(config))
    shipper.start()          # ... shipper.status.lag_events, shipper.status.lines()
    shipper.stop()

It reads the log through a read-only connection of its own (the site's writer never waits
for it), at most ``batch_events`` events at a time (bounded memory), and appends each batch
centrally (:func:`.central.append`). On any failure — the central side down, slow, or
refusing — it closes the connection, waits (:func:`.backoff.delay`) and starts again from
what the central side says it has (:class:`.link.LinkThread`: the thread, the loop, and the
start's spread, shared with the request reader). When it has caught up it looks again every
``poll_seconds``, and at least every ``heartbeat_seconds`` tells the central side it is there
(:func:`.central.heartbeat`: ``sites.last_contact``, which a batch moves too), so that the
province tells a stopped site from a quiet one.

Everything it does centrally is a transaction of its own with its statement timeout set in
it (``SET LOCAL``), on a connection without prepared statements: between two transactions it
holds nothing of the server's, so that through PgBouncer's transaction pooling (docs/province.md,
"Connections") its connection to the pooler costs no server connection while it waits.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Any

import orjson
import psycopg

from central import schema as central
from queue_server.config.settings import CentralSettings, DossierSettings
from queue_server.dossiers.lookup import stored_dossiers
from queue_server.shipping import link
from queue_server.shipping.dossier_alarms import dossier_summary
from queue_server.shipping.redact import central_json, central_ticket, ticket_ids
from queue_server.shipping.status import ShippingStatus
from queue_server.store.database import connect as connect_site

log = logging.getLogger(__name__)

DOSSIER_SECONDS = 30.0  # how often the site's late-dossier alarms are counted again and sent


class Shipper(link.LinkThread):
    def __init__(
        self,
        db_path: Path,
        site: str,
        settings: CentralSettings,
        site_record: dict[str, Any] | None = None,
        dossiers: DossierSettings | None = None,
        tz: dt.tzinfo = dt.UTC,
    ) -> None:
        super().__init__(f"shipper-{site}", settings)
        self.db_path = db_path
        self.site = site
        self.site_record = site_record
        self.dossiers = dossiers  # None: the site's dossier alarms are not sent
        self.tz = tz
        self._dossiers_at = -DOSSIER_SECONDS  # monotonic time the alarms were last sent
        self._contact_at = -float("inf")  # monotonic time the central side last heard from it
        self.status = ShippingStatus()
        self._central: psycopg.Connection[Any] | None = None
        self._position: int | None = None  # the central copy's last seq, as last heard
        self._months: set[dt.date] = set()
        self._log = None  # the site's database, opened in the thread

    # --- life -----------------------------------------------------------------------------

    def _run(self) -> None:
        self._log = connect_site(self.db_path, readonly=True)
        try:
            super()._run()  # the central connection closed first, then the site's log
        finally:
            self._log.close()

    def _step(self) -> float:
        """One batch; how long to wait before the next (none while there is more to ship)."""
        try:
            shipped = self.ship_once()
        except central.Gap as gap:
            log.warning("%s; resending from there", gap)
            self._position = gap.last_seq
            return 0.0
        return 0.0 if shipped else self.settings.poll_seconds

    def _failed(self, exc: Exception, wait: float) -> None:
        self._disconnect()
        self.status.failed(_describe(exc))
        self._observe_site()
        log.warning("shipping to the central database failed (%s); again in %.1f s", _describe(exc), wait)

    # --- one step -------------------------------------------------------------------------

    def ship_once(self) -> int:
        """Ship the next batch; returns how many events it carried (0: caught up)."""
        conn = self._connection()
        timeout = self.settings.timeout_seconds
        if self._position is None:
            self._position = central.last_seq(conn, self.site, timeout)
        site_last = self._observe_site()
        rows, raw = self._read(self._position)
        if rows:
            tickets = self._tickets({i for seq, type_, data in raw for i in ticket_ids(type_, data)})
            self._position = central.append(
                conn, self.site, self._position, rows, self._months, tickets, site_last, timeout
            )
            self._contact_at = time.monotonic()
        elif time.monotonic() - self._contact_at >= self.settings.heartbeat_seconds:
            central.heartbeat(conn, self.site, site_last, timeout)
            self._contact_at = time.monotonic()
        self.status.shipped(self._position)
        self._observe_site()
        self._send_dossiers(conn)
        return len(rows)

    def _send_dossiers(self, conn: psycopg.Connection[Any]) -> None:
        """Every ``DOSSIER_SECONDS``: the late-dossier alarms as the site counts them now."""
        if self.dossiers is None or time.monotonic() - self._dossiers_at < DOSSIER_SECONDS:
            return
        assert self._log is not None
        today = dt.datetime.now(self.tz).date()
        summary = dossier_summary(stored_dossiers(self._log), today, self.dossiers)
        central.record_dossiers(conn, self.site, summary, self.settings.timeout_seconds)
        self._dossiers_at = time.monotonic()

    def _observe_site(self) -> int:
        """The site's side of the lag: its last seq and the oldest event not known central."""
        assert self._log is not None
        position = self._position if self._position is not None else self.status.shipped_seq
        site_last = self._log.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
        oldest = self._log.execute("SELECT at FROM events WHERE seq > ? ORDER BY seq LIMIT 1", [position]).fetchone()
        self.status.observed(site_last, oldest[0] if oldest else None)
        return int(site_last)

    def _read(self, after: int) -> tuple[list[central.Row], list[tuple[int, str, dict[str, Any]]]]:
        """The next events as they leave the site, and as the site has them."""
        assert self._log is not None
        cursor = self._log.execute(
            "SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
            [after, self.settings.batch_events],
        )
        personal_data = self.settings.personal_data
        rows, raw = [], []
        for seq, type_, at, text in cursor:
            data = orjson.loads(text)
            rows.append(central.Row(seq, type_, at, central_json(type_, text, data, personal_data, self.settings.free_text)))
            raw.append((seq, type_, data))
        return rows, raw

    def _tickets(self, ids: set[int]) -> list[dict[str, Any]]:
        """The current rows of these tickets in the site's table (the reports' rows)."""
        assert self._log is not None
        rows: list[dict[str, Any]] = []
        ordered = sorted(ids)
        columns = ", ".join(central.TICKET_COLUMNS)
        for start in range(0, len(ordered), 500):  # SQLite's limit on bound values
            chunk = ordered[start : start + 500]
            cursor = self._log.execute(
                f"SELECT {columns} FROM tickets WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            rows += [central_ticket(dict(zip(central.TICKET_COLUMNS, row, strict=True)), self.settings.personal_data) for row in cursor]
        return rows

    def _connection(self) -> psycopg.Connection[Any]:
        if self._central is None:
            conn = link.connect(self.settings, self.site, first=self.status.last_success is None)
            central.migrate(conn)
            if self.site_record is not None:
                central.record_config(conn, self.site, self.site_record, self.settings.timeout_seconds)
            self._central = conn
            self._position = None  # ask the central side again where it stands
            self._dossiers_at = -DOSSIER_SECONDS  # and tell it the dossiers' alarms at once
            self.status.connected()
            log.info("shipping %s's log to the central database", self.site)
        return self._central

    def _disconnect(self) -> None:
        link.close(self._central)
        self._central = None


def _describe(exc: BaseException) -> str:
    """A failure's message without the DSN's password (psycopg quotes the DSN in some)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def wait_caught_up(shipper: Shipper, timeout: float = 30.0) -> bool:
    """For tests and tools: True once the central copy holds the whole log as read now."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if shipper.status.lag_events == 0 and shipper.status.last_success is not None:
            return True
        time.sleep(0.05)
    return False
