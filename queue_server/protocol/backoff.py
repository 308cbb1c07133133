"""How long to wait before the next try after ``failures`` failures in a row: every retry of
ours (the site's shipper, the outreach outbox, the apps' websocket client) asks this module.

The step is exponential: ``min(ceiling, first · 2^(failures-1))`` (:func:`step`).

- :func:`delay` — full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): a
  random time between 0 and the step, so many sites that lost the central side together do
  not all come back at the same instant;
- :func:`near` — the step ±20 %: a lobby device reconnecting to its own server, where coming
  back soon matters more than spreading the tries.

(``hardware.serial_link.Backoff`` is the drivers' own: ``hardware`` imports nothing of ours.)
"""

from __future__ import annotations

import random
from collections.abc import Callable


def step(failures: int, first: float, ceiling: float) -> float:
    """``first`` doubled for each failure after the first, at most ``ceiling``; 0 before any."""
    if failures <= 0:
        return 0.0
    return min(ceiling, first * 2 ** min(failures - 1, 32))


def delay(
    failures: int,
    first: float = 0.5,
    ceiling: float = 60.0,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """A random time between 0 and the step (full jitter)."""
    if failures <= 0:
        return 0.0
    return uniform(0.0, step(failures, first, ceiling))


def near(
    failures: int,
    first: float,
    ceiling: float,
    uniform: Callable[[float, float], float] = random.uniform,
) -> float:
    """The step times a random factor from 0.8 to 1.2."""
    return step(failures, first, ceiling) * uniform(0.8, 1.2)
