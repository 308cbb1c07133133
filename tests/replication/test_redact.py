"""What of an event leaves the site."""

from __future__ import annotations

import random

import pytest

from queue_server.replication.backoff import delay
from queue_server.replication.redact import central_data, central_ticket, ticket_ids


def test_a_tickets_follow_code_stays_at_the_site() -> None:
    data = {"ticket": 7, "label": "A007", "code": "K7Q2M9X4PA", "service": "HT"}
    assert central_data("ticket.issued", data) == {"ticket": 7, "label": "A007", "service": "HT"}


@pytest.mark.parametrize("kind", ["appointment.booked", "appointment.checked_in", "appointment.cancelled"])
def test_a_booking_code_stays_at_the_site(kind: str) -> None:
    assert central_data(kind, {"code": "ABCDEFGH", "service": "HT"}) == {"service": "HT"}


def test_personal_values_are_dropped_wherever_they_stand() -> None:
    data = {
        "service": "DD",
        "phone": "0912345678",
        "citizen_name": "Nguyễn Văn An",
        "contact": {"phone": "0912"},
        "steps": [{"at": "x", "id_number": "079123456789", "unit": "Sở Tư pháp"}],
    }
    assert central_data("dossier.changed", data) == {"service": "DD", "steps": [{"at": "x", "unit": "Sở Tư pháp"}]}


def test_a_code_in_another_event_is_not_a_secret() -> None:
    assert central_data("counter.changed", {"code": "HT", "counter": 1}) == {"code": "HT", "counter": 1}


def test_a_site_that_allows_it_ships_everything() -> None:
    data = {"code": "K7Q2M9X4PA", "phone": "0912345678"}
    assert central_data("ticket.issued", data, personal_data=True) == data


def test_the_back_off_grows_to_its_ceiling_with_jitter() -> None:
    highest = lambda low, high: high  # noqa: E731 - the jitter's upper bound
    assert [delay(n, first=0.5, ceiling=8, uniform=highest) for n in range(7)] == [0, 0.5, 1, 2, 4, 8, 8]
    assert delay(10_000, ceiling=60, uniform=highest) == 60
    rng = random.Random(1)
    waits = [delay(5, first=1, ceiling=60, uniform=rng.uniform) for _ in range(2000)]
    assert 0 <= min(waits) < 0.5 and 15.5 < max(waits) <= 16
    assert 7 < sum(waits) / len(waits) < 9, "full jitter: on average half the bound"


def test_a_tickets_row_leaves_without_its_codes() -> None:
    row = {"id": 7, "label": "A007", "code": "K7Q2M9X4PA", "appointment": "ABCDEFGH", "officer": "lan"}
    assert central_ticket(row) == {"id": 7, "label": "A007", "code": None, "appointment": None, "officer": "lan"}
    assert central_ticket(row, personal_data=True) == row


def test_the_tickets_an_event_changes() -> None:
    assert ticket_ids("ticket.transferred", {"ticket": 3, "new_ticket": 9, "counter": 2}) == [3, 9]
    assert ticket_ids("day.opened", {"day": "2026-11-24", "expired": [4, 5], "closed": [1]}) == [4, 5]
    assert ticket_ids("counter.changed", {"counter": 1}) == []
    assert ticket_ids("ticket.called", {"ticket": "7"}) == [], "only whole numbers are ticket ids"
