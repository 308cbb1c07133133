"""The other sites of the province, live, as the central database has them (issue 22).

    view = ProvinceView(site_id, config.central, ("HT", "DD"))     # our fields' codes
    task = loop.create_task(keep_current(view, offers))           # every province_seconds: ours sent, theirs read
    view.others()                                                 # → their figures, or None: "không có dữ liệu"

(The server starts it: :func:`queue_server.server.province_link.start`.)

Every ``province_seconds`` (15 s: as often as ``motcua-central`` computes the figures, not
more) the site, over its own outgoing link and a connection it keeps (autocommit, no prepared
statements, no session state: through PgBouncer as the shipper; its site key with it), in one
transaction sends what its booking book offers — each field's next free slot
(``site_offers``, its own row) — and reads the other sites' public live figures for the
fields it serves itself (``province_live``, written by ``motcua-central`` every 15 s: ~0.3 KB
a site and field). The figures are cached here; :meth:`ProvinceView.others`
gives them only while the last read that found fresh figures (computed within ``province_stale_seconds``, 120 s, by the database's own clock) is
itself that recent: with the WAN down, or ``motcua-central`` stopped, the site shows nothing
of the others rather than stale figures.

Its own task and connection, apart from the shipper's (:mod:`.shipper`): a slow central side
delays neither.
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import Any

import orjson

from queue_server.config.settings import CentralSettings
from queue_server.core import appointments
from queue_server.core.lobby import Lobby
from queue_server.core.model import AppointmentState

log = logging.getLogger(__name__)

_SEND_OFFERS = (  # (no new row version while they are the same)
    "INSERT INTO site_offers (site, offers) VALUES (%s, %s)"
    " ON CONFLICT (site) DO UPDATE SET offers = excluded.offers, taken_at = now()"
    " WHERE site_offers.offers IS DISTINCT FROM excluded.offers"
)
_READ = """
SELECT p.site, extract(epoch FROM now() - p.computed_at)::float8, p.offline,
       CASE WHEN common.fields IS NOT NULL THEN p.place END, common.fields
FROM province_live p, LATERAL (
    SELECT jsonb_agg(f) AS fields FROM jsonb_array_elements(p.fields) f WHERE f->>'code' = ANY(%s::text[])
) common
ORDER BY p.site
"""  # every site's age (how fresh the figures are); the place and fields of those that serve a field of ours


@dataclasses.dataclass(frozen=True)
class Read:
    at: float  # monotonic time of the read
    centres: tuple[dict[str, Any], ...]  # the other sites: site, place, offline, fields, age_seconds


class ProvinceView:
    def __init__(
        self,
        site: str,
        settings: CentralSettings,
        services: tuple[str, ...] = (),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.site = site
        self.services = services  # our fields' codes: only these are read of the others
        self.settings = settings
        self.monotonic = monotonic
        self.last: Read | None = None  # the last read that found fresh figures
        self.reads = 0  # reads that found fresh figures
        self.failures = 0
        self.last_error = ""
        self._conn: Any = None  # the kept connection (central.SiteConnection), made at the first exchange

    @property
    def every(self) -> float:
        return self.settings.province_seconds

    def others(self) -> tuple[dict[str, Any], ...] | None:
        """The other sites' public figures; None while none were read fresh within
        ``province_stale_seconds`` ("không có dữ liệu")."""
        last = self.last
        if last is None or self.monotonic() - last.at > self.settings.province_stale_seconds:
            return None
        return last.centres

    def exchange(self, offers: dict[str, Any]) -> None:
        """One round trip (blocking: run in a worker thread): ours sent, theirs read, in one
        transaction on the view's kept connection (made again after a failure)."""
        from central import schema as central
        from queue_server.shipping import link  # (psycopg: loaded only by a site that ships)

        if self._conn is None:
            self._conn = link.connect(self.settings, self.site, first=self.reads == 0)
        conn = self._conn
        try:
            with central.transaction(conn, self.settings.timeout_seconds):
                conn.execute(_SEND_OFFERS, [self.site, orjson.dumps(offers).decode()])
                rows = conn.execute(_READ, [list(self.services)]).fetchall()
        except Exception:
            self.close()
            raise
        stale = self.settings.province_stale_seconds
        fresh = [row for row in rows if row[1] <= stale]
        if not fresh:  # motcua-central has not computed them lately: as good as no link
            raise ProvinceStale(f"the province's live figures are older than {stale:g} s (is motcua-central running?)")
        centres = tuple(
            {"site": site, **place, "offline": offline, "age_seconds": round(age, 1), "fields": fields}
            for site, age, offline, place, fields in fresh
            if site != self.site and fields  # (another site that serves a field of ours)
        )
        self.last = Read(self.monotonic(), centres)
        self.reads += 1

    def close(self) -> None:
        from queue_server.shipping import link

        link.close(self._conn)
        self._conn = None

    def failed(self, error: str) -> None:
        self.failures += 1
        self.last_error = error


class ProvinceStale(Exception):
    """The central database answers, but its live figures are old."""


def next_free_slots(lobby: Lobby, now: dt.datetime) -> dict[str, str]:
    """Each field's first bookable slot with a place free, from now to ``booking_days_ahead``
    (as ``appointment.slots`` counts them; the bookings counted once, not once a slot)."""
    site = lobby.site
    today = site.local(now).date()
    booked = collections.Counter(
        (a.service, a.slot_start) for a in lobby.state.appointments.values() if a.state is not AppointmentState.CANCELLED
    )
    out: dict[str, str] = {}
    for service in site.services:
        if service.slot_capacity <= 0:
            continue
        for days in range(site.policy.booking_days_ahead + 1):
            free = next(
                (
                    start for start in appointments.slots(service, today + dt.timedelta(days=days), site.tz)
                    if start > now and booked[service.code, start] < service.slot_capacity
                ),
                None,
            )  # fmt: skip
            if free is not None:
                out[service.code] = free.isoformat()
                break
    return out


async def keep_current(view: ProvinceView, offers: Callable[[], dict[str, Any]]) -> None:
    """Send ``offers()`` and read the others every ``view.every`` seconds, for as long as the
    server runs (the first time after the start's spread: :func:`.link.start_wait`)."""
    from queue_server.shipping import link

    try:
        await asyncio.sleep(link.start_wait(view.settings))
        while True:
            try:
                await asyncio.to_thread(view.exchange, offers())
            except Exception as exc:  # the link down, the central side slow or refusing: all end here
                view.failed(_describe(exc))
                log.warning("the province's live waits could not be read (%s)", _describe(exc))
            await asyncio.sleep(view.every)
    finally:
        view.close()


def _describe(exc: BaseException) -> str:
    """A failure's message without the DSN's password (psycopg quotes the DSN in some)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]
