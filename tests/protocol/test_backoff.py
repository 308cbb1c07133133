"""The one back-off: the exponential step, and the ±20 % the apps' websocket client waits
(full jitter, the shipper's and the outbox's: tests/shipping/test_redact.py)."""

from __future__ import annotations

import random

import pytest

from queue_server.protocol.backoff import near, step


def test_the_step_doubles_from_the_first_wait_up_to_the_ceiling() -> None:
    assert [step(n, 0.25, 2.0) for n in range(7)] == [0, 0.25, 0.5, 1, 2, 2, 2]
    assert step(10_000, 0.5, 60) == 60


@pytest.mark.parametrize(("bound", "factor"), [("low", 0.8), ("high", 1.2)])
def test_a_device_waits_the_step_give_or_take_a_fifth(bound: str, factor: float) -> None:
    pick = (lambda low, high: low) if bound == "low" else (lambda low, high: high)
    assert [near(n, 0.25, 2.0, uniform=pick) for n in range(1, 6)] == pytest.approx(
        [0.25 * factor, 0.5 * factor, 1 * factor, 2 * factor, 2 * factor]
    )


def test_the_devices_waits_spread_around_the_step() -> None:
    rng = random.Random(1)
    waits = [near(3, 0.25, 2.0, uniform=rng.uniform) for _ in range(2000)]
    assert 0.8 <= min(waits) < 0.82 and 1.18 < max(waits) <= 1.2
    assert 0.98 < sum(waits) / len(waits) < 1.02
