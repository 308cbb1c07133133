"""What of an event leaves the site."""

from __future__ import annotations

import json
import random
from typing import Any

import orjson
import psycopg
import pytest

from queue_server.core.events import EventType
from queue_server.protocol.backoff import delay
from queue_server.shipping.redact import (
    PERSONAL_KEYS,
    SECRET_KEYS,
    central_data,
    central_json,
    central_ticket,
    ticket_ids,
)


def test_a_tickets_follow_code_stays_at_the_site() -> None:
    data = {"ticket": 7, "label": "A007", "code": "K7Q2M9X4PA", "service": "HT"}
    assert central_data("ticket.issued", data) == {"ticket": 7, "label": "A007", "service": "HT"}


def test_a_pickup_tickets_dossier_code_stays_at_the_site() -> None:
    # the receipt's code opens the dossier's page (/d/CODE) for whoever holds it
    data = {"ticket": 8, "label": "K001", "code": "K7Q2M9X4PB", "service": "TKQ", "dossier": "000.00.16.H57-261201-0002"}
    assert central_data("ticket.issued", data) == {"ticket": 8, "label": "K001", "service": "TKQ"}


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


# --- the JSON text that leaves: the site's own text when nothing in it is dropped -----------

KEYS = [*sorted(PERSONAL_KEYS), "code", "dossier", "ticket", "label", "service", "counter", "name", "note",
        "phones", "telephone", "email_sent", "steps", "unit", "at", "limit_minutes"]
STRINGS = ["", "HT", "Quầy 1", "Nguyễn Văn An", "phone", '"phone"', "a \\ b", 'say "hi"', "line\nbreak",
           "\\u0070hone", "tab\t", "😀", "code", "0912345678", "Sở Tư pháp"]


def random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(10 if depth < 3 else 6)
    if kind == 0:
        return rng.randrange(-(2**40), 2**40)
    if kind == 1:
        return rng.choice([0.5, 1e-05, 1e16, 1.0, -2.25, 123.456, 1 / 3, 2.5e-300, 1.7e308])
    if kind == 2:
        return rng.choice([True, False, None])
    if kind in (3, 4, 5):
        return rng.choice(STRINGS)
    if kind in (6, 7):
        return [random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return random_data(rng, depth + 1)


def random_data(rng: random.Random, depth: int = 0) -> dict[str, Any]:
    keys = rng.sample(KEYS, rng.randrange(1, 6))
    if rng.random() < 0.5:  # most events carry nothing personal: the fast path's case
        keys = [k for k in keys if k not in PERSONAL_KEYS]
    return {key: random_value(rng, depth) for key in keys}


def random_events(count: int, seed: int) -> list[tuple[str, str]]:
    """(type, JSON text) as a site's log holds them: written as the store's writer does
    (``json.dumps``, ``ensure_ascii=False``), a few with every non-ASCII character escaped."""
    rng = random.Random(seed)
    kinds = [e.value for e in EventType]
    return [
        (rng.choice(kinds), json.dumps(random_data(rng), ensure_ascii=rng.random() < 0.1))
        for _ in range(count)
    ]


def slow_path(kind: str, text: str, personal_data: bool = False) -> str:
    """What left the site before the fast path: decoded, scrubbed, encoded again."""
    return orjson.dumps(central_data(kind, orjson.loads(text), personal_data)).decode()


def keys_anywhere(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for inner in value.values() for k in keys_anywhere(inner)}
    if isinstance(value, list):
        return {k for inner in value for k in keys_anywhere(inner)}
    return set()


@pytest.mark.parametrize("personal_data", [False, True])
def test_the_json_that_leaves_is_the_scrubbed_data_on_random_events(personal_data: bool) -> None:
    events = random_events(5000, seed=11)
    same_text = 0
    for kind, text in events:
        data = orjson.loads(text)
        leaves = central_json(kind, text, data, personal_data)
        assert orjson.loads(leaves) == central_data(kind, data, personal_data), text
        if not personal_data:
            assert not keys_anywhere(orjson.loads(leaves)) & PERSONAL_KEYS, text
            assert not set(orjson.loads(leaves)) & SECRET_KEYS.get(kind, frozenset()), text
        same_text += leaves is text
    assert same_text == len(events) if personal_data else 1000 < same_text < len(events)


def test_a_personal_key_spelled_with_an_escape_is_still_dropped() -> None:
    text = '{"service": "HT", "\\u0070hone": "0912345678", "steps": [{"id_n\\u0075mber": "079"}]}'
    assert central_json("dossier.changed", text, orjson.loads(text)) == '{"service":"HT","steps":[{}]}'


def test_an_events_own_text_leaves_when_nothing_in_it_is_dropped() -> None:
    text = '{"ticket": 7, "counter": 2, "note": "phone number", "phones": 2}'
    assert central_json("ticket.called", text, orjson.loads(text)) is text
    issued = '{"ticket": 7, "label": "A007", "code": "K7Q2M9X4PA"}'
    assert central_json("ticket.issued", issued, orjson.loads(issued)) == '{"ticket":7,"label":"A007"}'
    nested = '{"ticket": 7, "by": {"phone": "0912"}}'
    assert central_json("ticket.called", nested, orjson.loads(nested)) == '{"ticket":7,"by":{}}'


def test_the_central_jsonb_is_the_same_by_either_path(central_dsn: str) -> None:
    """Byte for byte as PostgreSQL keeps it: the fast path's text and the slow path's."""
    events = random_events(3000, seed=12)
    pairs = [(central_json(kind, text, orjson.loads(text)), slow_path(kind, text)) for kind, text in events]
    with psycopg.connect(central_dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE paths (n int, fast jsonb, slow jsonb)")
        with conn.cursor().copy("COPY paths (n, fast, slow) FROM STDIN") as copy:
            for n, (fast, slow) in enumerate(pairs):
                copy.write_row((n, fast, slow))
        differing = conn.execute("SELECT n, fast::text, slow::text FROM paths WHERE fast::text <> slow::text").fetchall()
        assert differing == []
        assert conn.execute("SELECT count(*) FROM paths").fetchone() == (len(events),)
    assert sum(fast != slow for fast, slow in pairs) > 500, "the fast path taken: its texts differ (spacing), the jsonb does not"
