"""The budgets of the request loop, fed times by hand: no sockets, no clock."""

from __future__ import annotations

import pytest

from queue_server.protocol.ratelimit import FailedHellos, TokenBucket, address_key


def test_a_bucket_lets_the_burst_through_then_one_request_per_period() -> None:
    bucket = TokenBucket(rate=2.0, burst=3.0)
    assert [bucket.take(10.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(10.0) == 0.5
    assert bucket.take(10.25) == 0.25  # a refused request costs nothing
    assert bucket.take(10.5) == 0.0
    assert bucket.take(100.0) == 0.0 and bucket.tokens == 2.0  # never more than the burst


def test_waiting_counts_nothing() -> None:
    bucket = TokenBucket(rate=1.0, burst=1.0)
    assert [bucket.wait(0.0) for _ in range(5)] == [0.0] * 5
    assert bucket.take(0.0) == 0.0 and bucket.wait(0.0) == 1.0


@pytest.mark.parametrize(
    ("host", "key"),
    [
        ("192.0.2.7", "192.0.2.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", "2001:db8:1:2::/64"),  # the same host: one /64
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_an_address_is_an_ipv4_address_or_an_ipv6_slash_64(host: str, key: str) -> None:
    assert address_key(host) == key


def test_failed_hellos_are_budgeted_per_address() -> None:
    hellos = FailedHellos(rate=0.2, burst=2)
    for _ in range(2):
        assert hellos.wait("a", 0.0) == 0.0
        hellos.failed("a", 0.0)
    assert hellos.wait("a", 0.0) == 5.0
    assert hellos.wait("b", 0.0) == 0.0
    assert hellos.wait("a", 5.0) == 0.0


def test_failed_hellos_remember_a_bounded_number_of_addresses_the_oldest_forgotten_first() -> None:
    hellos = FailedHellos(rate=0.2, burst=1, remembered=3)
    for address in ("a", "b", "c"):
        hellos.failed(address, 0.0)
    hellos.failed("a", 0.0)  # a failed again: now the newest
    hellos.failed("d", 0.0)
    assert len(hellos) == 3
    assert hellos.wait("b", 0.0) == 0.0  # forgotten
    assert all(hellos.wait(address, 0.0) > 0 for address in ("a", "c", "d"))
