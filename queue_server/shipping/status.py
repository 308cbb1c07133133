"""How far the site's log has reached the central copy, for ``/metrics`` and the logs.

Written by the shipper thread, read by the server's event loop: each field is one attribute
assignment, so a reader sees a value that was true a moment ago.
"""

from __future__ import annotations

import datetime as dt
import time


class ShippingStatus:
    def __init__(self) -> None:
        self.connected_now = False
        self.shipped_seq = 0
        self.site_seq = 0
        self.oldest_unshipped_at: dt.datetime | None = None
        self.last_success: float | None = None  # Unix time
        self.failures = 0
        self.last_error = ""

    @property
    def lag_events(self) -> int:
        return max(0, self.site_seq - self.shipped_seq)

    def lag_seconds(self, now: float | None = None) -> float:
        """How long the oldest event not yet central has waited (0 when all is there)."""
        if self.oldest_unshipped_at is None:
            return 0.0
        now = time.time() if now is None else now
        return max(0.0, now - self.oldest_unshipped_at.timestamp())

    def connected(self) -> None:
        self.connected_now = True

    def shipped(self, shipped_seq: int) -> None:
        self.shipped_seq = shipped_seq
        self.last_success = time.time()

    def observed(self, site_seq: int, oldest_unshipped_at: str | None) -> None:
        self.site_seq = max(site_seq, self.shipped_seq)
        self.oldest_unshipped_at = dt.datetime.fromisoformat(oldest_unshipped_at) if oldest_unshipped_at else None

    def failed(self, error: str) -> None:
        self.connected_now = False
        self.failures += 1
        self.last_error = error

    def lines(self, site_seq: int | None = None, now: float | None = None) -> list[str]:
        """Prometheus text lines; ``site_seq`` is the server's own last seq when it knows it."""
        if site_seq is not None:
            self.site_seq = max(self.site_seq, site_seq)
        return [
            "# HELP motcua_central_up 1 while the connection to the central database works.",
            "# TYPE motcua_central_up gauge",
            f"motcua_central_up {int(self.connected_now)}",
            "# HELP motcua_central_shipped_seq The last event sequence number the central copy has.",
            "# TYPE motcua_central_shipped_seq gauge",
            f"motcua_central_shipped_seq {self.shipped_seq}",
            "# HELP motcua_central_lag_events Events of the site's log not yet in the central copy.",
            "# TYPE motcua_central_lag_events gauge",
            f"motcua_central_lag_events {self.lag_events}",
            "# HELP motcua_central_lag_seconds How long the oldest event not yet central has waited.",
            "# TYPE motcua_central_lag_seconds gauge",
            f"motcua_central_lag_seconds {self.lag_seconds(now):.3f}",
            "# HELP motcua_central_last_success_seconds Unix time of the last batch the central side took.",
            "# TYPE motcua_central_last_success_seconds gauge",
            f"motcua_central_last_success_seconds {self.last_success or 0:.3f}",
            "# HELP motcua_central_failures_total Failed tries to reach or write the central database.",
            "# TYPE motcua_central_failures_total counter",
            f"motcua_central_failures_total {self.failures}",
        ]
