"""Budgets of requests: a token bucket per connection, and one per address for failed hellos.

Both take the time (``now``, in seconds of a monotonic clock) from their caller, so that the
request loop owns the one clock and a test can drive it.
"""

from __future__ import annotations

import collections
import dataclasses
import ipaddress


@dataclasses.dataclass
class TokenBucket:
    """A connection may send ``rate`` requests a second, ``burst`` at once."""

    rate: float
    burst: float
    tokens: float = -1.0
    updated: float = 0.0

    def take(self, now: float) -> float:
        """0 if a request may go now (and it is counted), else the seconds until one may."""
        wait = self.wait(now)
        if wait == 0.0:
            self.tokens -= 1
        return wait

    def wait(self, now: float) -> float:
        """0 if a request may go now, else the seconds until one may; counts nothing."""
        if self.tokens < 0:
            self.tokens, self.updated = self.burst, now
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.rate


def address_key(host: str) -> str:
    """Whom a budget per address belongs to: an IPv4 address, or an IPv6 address's /64 (one
    host holds a whole /64)."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class FailedHellos:
    """Failed hellos (a wrong token, an unknown ticket) per address: ``burst`` at once, then
    one every ``1 / rate`` seconds, whatever the number of connections. Guessing a token by
    reconnecting gets no faster than that.

    At most ``remembered`` addresses are kept, the one that failed longest ago forgotten
    first: to have its own address forgotten a guesser needs as many other addresses."""

    def __init__(self, rate: float, burst: float, remembered: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.remembered = remembered
        self._buckets: collections.OrderedDict[str, TokenBucket] = collections.OrderedDict()

    def wait(self, address: str, now: float) -> float:
        """0 if ``address`` may try a hello now, else the seconds until it may."""
        bucket = self._buckets.get(address)
        return 0.0 if bucket is None else bucket.wait(now)

    def failed(self, address: str, now: float) -> None:
        bucket = self._buckets.pop(address, None) or TokenBucket(self.rate, self.burst)
        bucket.take(now)
        self._buckets[address] = bucket  # the newest last
        if len(self._buckets) > self.remembered:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)
