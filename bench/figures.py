"""Latency samples summarised as percentiles, and this process's own CPU time."""

from __future__ import annotations

import dataclasses
import math
import resource
from collections.abc import Sequence


@dataclasses.dataclass(frozen=True)
class Latency:
    """Milliseconds: the median, the 99th percentile and the worst of ``count`` samples."""

    count: int
    p50: float | None
    p99: float | None
    max: float | None

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        if not seconds:
            return cls(0, None, None, None)
        ordered = sorted(seconds)
        return cls(
            len(ordered),
            round(_rank(ordered, 0.50) * 1000, 2),
            round(_rank(ordered, 0.99) * 1000, 2),
            round(ordered[-1] * 1000, 2),
        )

    def __str__(self) -> str:
        if not self.count:
            return "no samples"
        return f"p50 {self.p50:.2f} ms, p99 {self.p99:.2f} ms, max {self.max:.2f} ms ({self.count} samples)"


def _rank(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def own_cpu_seconds() -> float:
    """CPU time of this process and its finished children (the load generator)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def slope_per_minute(samples: Sequence[tuple[float, float]]) -> float:
    """The least-squares slope of (seconds, value) samples, per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in samples) / n
    mean_v = sum(v for _, v in samples) / n
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    if spread == 0:
        return 0.0
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in samples) / spread
