"""Erlang C against values computed by hand, and against the textbook formula for big loads."""

from __future__ import annotations

import math

import pytest

from queue_server.core.planning.erlang import (
    UnstableLoadError,
    counters_needed,
    erlang_b,
    erlang_c,
    offered_load,
    service_level,
)


def textbook_erlang_c(n: int, a: float) -> float:
    """C(n, a) = (aⁿ/n! · n/(n−a)) / (Σₖ₍ₖ<ₙ₎ aᵏ/k! + aⁿ/n! · n/(n−a)), summed in logs."""
    logs = [k * math.log(a) - math.lgamma(k + 1) for k in range(n)]
    last = n * math.log(a) - math.lgamma(n + 1) + math.log(n / (n - a))
    top = max(*logs, last)
    below = sum(math.exp(x - top) for x in logs)
    waiting = math.exp(last - top)
    return waiting / (below + waiting)


def test_one_counter_waits_with_the_probability_of_its_load() -> None:
    # M/M/1: B(1) = a/(1+a); C = B / (1 − a(1 − B)) = a
    assert erlang_c(1, 0.5) == pytest.approx(0.5)
    assert erlang_c(1, 0.9) == pytest.approx(0.9)


def test_two_counters_one_erlang() -> None:
    # a¹ terms: 1 + 1 = 2; a²/2! · 2/(2−1) = 1 → C = 1 / (2 + 1) = 1/3
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)


def test_three_counters_two_erlangs() -> None:
    # Σ k<3: 1 + 2 + 2 = 5; 2³/3! · 3/(3−2) = 4 → C = 4 / (5 + 4) = 4/9
    # by the recursion: B(1) = 2/3, B(2) = (4/3)/(2 + 4/3) = 0.4, B(3) = 0.8/3.8 = 4/19
    assert erlang_b(3, 2.0) == pytest.approx(4 / 19)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)


def test_the_service_level_of_a_half_hour() -> None:
    # 20 arrivals in 30 min, 3 min each: a = 20/30 × 3 = 2 Erlangs.
    load = offered_load(20, 30, 3)
    assert load == pytest.approx(2.0)
    # 3 counters, called within 1 min: 1 − 4/9 · e^(−(3−2)·1/3) = 1 − 0.44444 × 0.71653 = 0.68154
    assert service_level(3, load, 3, 1) == pytest.approx(0.68154, abs=1e-5)
    # 4 counters: Σ k<4 = 1 + 2 + 2 + 4/3 = 19/3; 2⁴/4! · 4/2 = 4/3; C = (4/3)/(23/3) = 4/23;
    # 1 − 4/23 · e^(−2/3) = 1 − 0.17391 × 0.51342 = 0.91071
    assert erlang_c(4, load) == pytest.approx(4 / 23)
    assert service_level(4, load, 3, 1) == pytest.approx(0.91071, abs=1e-5)
    # so 80 % within 1 minute needs 4 counters, 60 % needs 3
    assert counters_needed(20, 3, 1, 80) == 4
    assert counters_needed(20, 3, 1, 60) == 3


def test_a_long_target_still_needs_more_counters_than_the_load() -> None:
    # 10 arrivals in 30 min, 6 min each: a = 2. n = 3: 1 − 4/9 · e^(−20/6) = 1 − 0.4444 × 0.03567 = 0.98415
    assert service_level(3, 2.0, 6, 20) == pytest.approx(0.98415, abs=1e-5)
    assert counters_needed(10, 6, 20, 80) == 3  # 2 counters would never catch up


def test_nobody_coming_needs_no_counter_and_is_served_at_once() -> None:
    assert counters_needed(0, 6, 20, 80) == 0
    assert service_level(0, 0.0, 6, 20) == 1.0


def test_a_target_of_zero_is_the_chance_of_not_waiting() -> None:
    # P(W ≤ 0) = 1 − C: 80 % needs C ≤ 0.2. a = 2: C(4) = 4/23 = 0.174 → 4 counters (C(3) = 0.444)
    assert counters_needed(20, 3, 0, 80) == 4


@pytest.mark.parametrize(("n", "a"), [(5, 4.2), (12, 10.0), (60, 50.0), (1100, 1000.0), (5200, 5000.0)])
def test_big_loads_agree_with_the_textbook_formula(n: int, a: float) -> None:
    assert erlang_c(n, a) == pytest.approx(textbook_erlang_c(n, a), rel=1e-9)


def test_a_very_big_load_stays_finite_and_meets_its_level() -> None:
    # 30,000 arrivals in 30 min at 2 min each: 2,000 Erlangs (aⁿ/n! alone would overflow a float)
    n = counters_needed(30_000, 2, 0.5, 90)
    load = offered_load(30_000, 30, 2)
    assert load < n < load + 4 * math.sqrt(load)  # square-root staffing: n ≈ a + β√a
    assert service_level(n, load, 2, 0.5) >= 0.9 > service_level(n - 1, load, 2, 0.5)


@pytest.mark.parametrize(("n", "a"), [(2, 2.0), (1, 3.5), (0, 0.5)])
def test_too_few_counters_for_the_load_is_an_unstable_queue(n: int, a: float) -> None:
    with pytest.raises(UnstableLoadError, match="cannot serve"):
        erlang_c(n, a)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 0, 20, 80), "service time"),
        ((-1, 6, 20, 80), "arrivals"),
        ((10, 6, 20, 100), "percentage"),
        ((10, 6, 20, 0), "percentage"),
        ((10, 6, -1, 80), "target wait"),
    ],
)
def test_bad_figures_are_refused(args: tuple[float, float, float, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        counters_needed(*args)


def test_erlang_b_refuses_negative_figures() -> None:
    with pytest.raises(ValueError, match="≥ 0"):
        erlang_b(-1, 2.0)
