"""Budgets per address that survive reconnects: what the public doors (numbers from phones,
bookings, look-ups of a code) and the open connections may cost, per IPv4 address or IPv6 /64
(:func:`queue_server.protocol.ratelimit.address_key`), and all addresses together.

Pure: the time (``now``, seconds of a monotonic clock) comes from the caller.
"""

from __future__ import annotations

import collections
import dataclasses

from queue_server.protocol.ratelimit import TokenBucket

DAY = 86_400.0
HOUR = 3_600.0


@dataclasses.dataclass(frozen=True)
class Allowance:
    """``burst`` at once, then ``burst`` more every ``per`` seconds."""

    burst: float
    per: float

    def bucket(self) -> TokenBucket:
        return TokenBucket(self.burst / self.per, self.burst)


class AddressBudgets:
    """A token bucket per address, ``allowance`` each. At most ``remembered`` addresses are
    kept, the one used longest ago forgotten first: to have its own address forgotten, a
    client needs as many other addresses."""

    def __init__(self, allowance: Allowance, remembered: int = 10_000) -> None:
        self.allowance = allowance
        self.remembered = remembered
        self._buckets: collections.OrderedDict[str, TokenBucket] = collections.OrderedDict()

    def _bucket(self, address: str) -> TokenBucket:
        bucket = self._buckets.pop(address, None) or self.allowance.bucket()
        self._buckets[address] = bucket  # the newest last
        if len(self._buckets) > self.remembered:
            self._buckets.popitem(last=False)
        return bucket

    def wait(self, address: str, now: float) -> float:
        """0 if ``address`` may go now, else the seconds until it may; counts nothing."""
        bucket = self._buckets.get(address)
        return 0.0 if bucket is None else bucket.wait(now)

    def take(self, address: str, now: float) -> float:
        """0 if ``address`` may go now (and it is counted), else the seconds until it may."""
        return self._bucket(address).take(now)

    def charge(self, address: str, now: float) -> None:
        """Count one for ``address`` whatever its balance (a failure found after the fact)."""
        bucket = self._bucket(address)
        bucket.wait(now)  # brought up to date
        bucket.tokens = max(bucket.tokens - 1, 1 - bucket.burst)  # the debt is bounded too

    def refund(self, address: str) -> None:
        """Give back what :meth:`take` counted (the request was refused after all)."""
        bucket = self._buckets.get(address)
        if bucket is not None:
            bucket.tokens = min(bucket.burst, bucket.tokens + 1)

    def __len__(self) -> int:
        return len(self._buckets)


class DoorBudget:
    """A public door: a budget per address and one for all addresses together (``overall``,
    so that many addresses cannot drain it either). :meth:`take` reserves from both or
    from neither."""

    def __init__(self, per_address: Allowance, overall: Allowance | None = None, remembered: int = 10_000) -> None:
        self.addresses = AddressBudgets(per_address, remembered)
        self.overall = overall.bucket() if overall is not None else None

    def take(self, address: str, now: float) -> float:
        wait = self.addresses.wait(address, now)
        if wait == 0.0 and self.overall is not None:
            wait = self.overall.wait(now)
        if wait > 0.0:
            return wait
        self.addresses.take(address, now)
        if self.overall is not None:
            self.overall.take(now)
        return 0.0

    def refund(self, address: str) -> None:
        self.addresses.refund(address)
        if self.overall is not None:
            self.overall.tokens = min(self.overall.burst, self.overall.tokens + 1)


class OpenConnections:
    """Open connections per address, counted from the TCP connection to its loss."""

    def __init__(self) -> None:
        self._open: collections.Counter[str] = collections.Counter()

    def opened(self, address: str) -> None:
        self._open[address] += 1

    def closed(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]

    def count(self, address: str) -> int:
        return self._open.get(address, 0)

    def __len__(self) -> int:
        return len(self._open)
