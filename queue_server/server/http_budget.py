"""The budget of the public HTTP routes that do work for each request: a dossier's
``/d/CODE/status.json`` (a look-up, maybe a request to the one-stop system), a booking's
``/b/CODE/qr.svg`` and a fee's ``/t/CODE/vietqr.svg`` (drawn QR codes).

Each address (an IPv4 address, an IPv6 /64: :func:`queue_server.protocol.ratelimit.address_key`)
may make ``burst`` such requests at once, then ``rate`` a second; every address together
``total_burst``, then ``total_rate`` a second. Plain HTTP has one connection per request, so the
budget is kept per address, not per connection: reconnecting gets nothing back. Past it the
answer is 429 with ``Retry-After`` (docs/protocol.md "Limits", docs/web.md). The files served
from memory (pages, scripts, styles), ``/healthz`` (coalesced) and ``/metrics`` are not counted.

The time comes from the caller's monotonic clock (the request loop's), so a test can drive it.
"""

from __future__ import annotations

import collections
import dataclasses
import math
from collections.abc import Callable

from queue_server.core import codes
from queue_server.core.dossiers.model import DOSSIER_PATH
from queue_server.protocol.ratelimit import TokenBucket, address_key

QR_SUFFIXES = ("/qr.svg", "/vietqr.svg")


@dataclasses.dataclass(frozen=True)
class HttpLimits:
    rate: float = 2.0  # requests a second from one address, after…
    burst: float = 20.0  # …this many at once
    total_rate: float = 50.0  # from every address together, after…
    total_burst: float = 200.0  # …this many at once
    remembered: int = 10_000  # addresses kept (the one seen longest ago forgotten first)


DEFAULT_HTTP_LIMITS = HttpLimits()


def budgeted(path: str) -> bool:
    """Whether a request for ``path`` (no query string) is counted against the budget."""
    if path.startswith(DOSSIER_PATH) and path.endswith("/status.json"):
        return True
    return path.startswith((codes.BOOKING_PATH, codes.TICKET_PATH, codes.REENTRY_PATH)) and path.endswith(QR_SUFFIXES)


class HttpBudget:
    def __init__(self, limits: HttpLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self._total = TokenBucket(limits.total_rate, limits.total_burst)
        self._addresses: collections.OrderedDict[str, TokenBucket] = collections.OrderedDict()
        self.refused: collections.Counter[str] = collections.Counter()  # "address" or "site" → requests

    def take(self, host: str) -> int:
        """0 if a request from ``host`` may go now (and it is counted), else the whole seconds
        (≥ 1) to wait: the ``Retry-After``."""
        now = self.clock()
        key = address_key(host)
        bucket = self._addresses.pop(key, None) or TokenBucket(self.limits.rate, self.limits.burst)
        self._addresses[key] = bucket  # the newest last
        if len(self._addresses) > self.limits.remembered:
            self._addresses.popitem(last=False)
        for scope, which in (("address", bucket), ("site", self._total)):
            wait = which.wait(now)
            if wait > 0:
                self.refused[scope] += 1
                return max(1, math.ceil(wait))
        bucket.take(now)
        self._total.take(now)
        return 0

    def lines(self) -> list[str]:
        return [
            "# HELP motcua_http_refused_total Public HTTP requests refused (429): over an address's budget or the site's.",
            "# TYPE motcua_http_refused_total counter",
            *(f'motcua_http_refused_total{{budget="{scope}"}} {self.refused[scope]}' for scope in ("address", "site")),
        ]
