"""Erlang C: a queue with ``n`` counters, Poisson arrivals and exponential service times (M/M/n).

With ``a`` the offered load in Erlangs (arrivals per minute × mean service minutes):

- Erlang B by its recursion, B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), which stays within
  [0, 1] for any load (no factorials, no powers: stable for loads in the thousands);
- the probability that a citizen has to wait, C(n, a) = n·B(n) / (n − a·(1 − B(n))), for n > a;
- the share called within ``t`` minutes, P(W ≤ t) = 1 − C(n, a)·exp(−(n − a)·t / s), s the mean
  service time;
- the counters needed: the smallest n > a with P(W ≤ t) ≥ the service-level aim.

With n ≤ a the queue grows without end: :class:`UnstableLoadError`.
"""

from __future__ import annotations

import math


class UnstableLoadError(ValueError):
    """The counters cannot keep up: n ≤ the offered load, the queue grows without end."""


def offered_load(arrivals: float, interval_minutes: float, service_minutes: float) -> float:
    """Erlangs: ``arrivals`` in ``interval_minutes``, each taking ``service_minutes`` on average."""
    if arrivals < 0 or interval_minutes <= 0 or service_minutes <= 0:
        raise ValueError("arrivals ≥ 0, an interval > 0 and a service time > 0 are needed")
    return arrivals / interval_minutes * service_minutes


def erlang_b(counters: int, load: float) -> float:
    """The Erlang B blocking probability, by the stable recursion."""
    if counters < 0 or load < 0:
        raise ValueError("counters and load must be ≥ 0")
    b = 1.0
    for k in range(1, counters + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(counters: int, load: float) -> float:
    """The probability that a citizen waits at all (raises :class:`UnstableLoadError`)."""
    if counters <= load:
        raise UnstableLoadError(f"{counters} counters cannot serve a load of {load:.2f} Erlangs")
    b = erlang_b(counters, load)
    return _c_from_b(counters, load, b)


def service_level(counters: int, load: float, service_minutes: float, target_minutes: float) -> float:
    """P(wait ≤ ``target_minutes``), 0–1."""
    if load == 0:
        return 1.0
    return _level(counters, load, erlang_c(counters, load), service_minutes, target_minutes)


def counters_needed(
    arrivals: float,
    service_minutes: float,
    target_minutes: float,
    level_percent: float,
    interval_minutes: float = 30,
) -> int:
    """The fewest counters that call ``level_percent`` % of citizens within ``target_minutes``
    when ``arrivals`` come in ``interval_minutes``; 0 when nobody comes."""
    if not 0 < level_percent < 100:
        raise ValueError("a service level is a percentage between 0 and 100 (exclusive)")
    if target_minutes < 0:
        raise ValueError("a target wait is ≥ 0 minutes")
    load = offered_load(arrivals, interval_minutes, service_minutes)
    if load == 0:
        return 0
    aim = level_percent / 100
    b = 1.0
    n = 0
    while True:  # Erlang B grows one counter at a time: O(n) for the whole search
        n += 1
        b = load * b / (n + load * b)
        if n > load and _level(n, load, _c_from_b(n, load, b), service_minutes, target_minutes) >= aim:
            return n


def _c_from_b(counters: int, load: float, b: float) -> float:
    return counters * b / (counters - load * (1 - b))


def _level(counters: int, load: float, c: float, service_minutes: float, target_minutes: float) -> float:
    return 1 - c * math.exp(-(counters - load) * target_minutes / service_minutes)
