"""How long to wait before the next try after ``failures`` failures in a row.

Exponential with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a
random time between 0 and ``min(ceiling, first · 2^(failures-1))``, so many sites that lost
the central side together do not all come back at the same instant.
"""

from __future__ import annotations

import random
from collections.abc import Callable


def delay(
    failures: int,
    first: float = 0.5,
    ceiling: float = 60.0,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    if failures <= 0:
        return 0.0
    return uniform(0.0, min(ceiling, first * 2 ** min(failures - 1, 32)))
