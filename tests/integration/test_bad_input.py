"""Bad input gets a specific error, changes nothing, and the connection carries on."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import PIN

BAD_MESSAGES = [
    ("not json", "bad_json"),
    (b"\xff\xfe\x00", "bad_json"),
    ("[1, 2, 3]", "bad_message"),
    ('{"op": "services.list"}', "bad_message"),
    ('{"id": true, "op": "services.list"}', "bad_message"),
    ('{"id": 1.5, "op": "services.list"}', "bad_message"),
    ('{"id": "", "op": "services.list"}', "bad_message"),
    ('{"id": 5}', "bad_message"),
    ('{"id": 6, "op": 42}', "bad_message"),
    ('{"id": 7, "op": "ticket.fly"}', "unknown_op"),
    ('{"id": 8, "op": "ticket.issue"}', "missing_field"),
    ('{"id": 9, "op": "ticket.issue", "service": 12}', "bad_field"),
    ('{"id": 10, "op": "ticket.issue", "service": "HT", "colour": "red"}', "unknown_field"),
    ('{"id": 11, "op": "ticket.issue", "service": "XX"}', "service_unknown"),
    ('{"id": 12, "op": "ticket.issue", "service": "HT", "priority": "vip"}', "priority_unknown"),
    ('{"id": 13, "op": "ticket.call_next"}', "forbidden"),
    ('{"id": 14, "op": "hello", "token": "test-kiosk-token-0001"}', "already_hello"),
    ('{"id": 15, "op": "ticket.issue", "service": "HT\\u0000"}', "bad_field"),
    ('{"id": 16, "op": "ticket.issue", "service": NaN}', "bad_json"),
    ('{"id": 17, "op": "ticket.get", "ticket": 0}', "bad_field"),
    ('{"id": 18, "op": "ticket.get", "ticket": 999}', "ticket_unknown"),
    ('{"id": 19, "op": "ticket.get"}', "missing_field"),
    ('{"id": 20, "op": "appointment.slots", "service": "HT", "day": "tomorrow"}', "bad_field"),
]


async def _state(lobby) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return lobby.hub.lobby.seq, len(lobby.hub.lobby.state.tickets)


def test_every_kind_of_bad_message_gets_its_own_error_and_changes_nothing(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            before = await _state(lobby)
            for raw, code in BAD_MESSAGES:
                reply = await kiosk.send_raw(raw)
                assert reply["ok"] is False, raw
                assert reply["error"]["code"] == code, (raw, reply)
                assert reply["error"]["message"]
            assert await _state(lobby) == before
            assert (await kiosk.ok("ticket.issue", service="HT"))["ticket"]["label"] == "A001"

    run(scenario())


def test_the_reply_to_a_bad_message_names_its_id_where_it_can(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            reply = await kiosk.send_raw('{"id": 41, "op": "ticket.fly"}')
            assert reply["re"] == 41
            reply = await kiosk.send_raw("{broken")
            assert reply["re"] is None

    run(scenario())


def test_operations_before_hello_are_refused(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            stranger = await lobby.client()
            await stranger.error("ticket.issue", "hello_first", service="HT")
            await stranger.error("hello", "bad_token", token="not-a-real-token-at-all")
            await stranger.error("hello", "bad_token", ticket="23456789AB")
            await stranger.ok("hello", token="test-kiosk-token-0001")
            await stranger.ok("ticket.issue", service="HT")

    run(scenario())


def test_a_duplicate_request_id_is_refused_without_doing_it_twice(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            first = await kiosk.send_raw('{"id": "k-1", "op": "ticket.issue", "service": "HT"}')
            assert first["ok"]
            again = await kiosk.send_raw('{"id": "k-1", "op": "ticket.issue", "service": "HT"}')
            assert again["error"]["code"] == "duplicate_id"
            assert len(lobby.hub.lobby.state.tickets) == 1

    run(scenario())


def test_an_oversize_message_is_refused_and_the_connection_carries_on(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            big = json.dumps({"id": 1, "op": "ticket.issue", "service": "HT", "pad": "x" * 70_000})
            reply = await kiosk.send_raw(big)
            assert reply["error"]["code"] == "message_too_large"
            await kiosk.ok("services.list")

    run(scenario())


@pytest.mark.parametrize(
    ("role", "op", "args"),
    [
        ("display", "ticket.issue", {"service": "HT"}),
        ("display", "ticket.get", {"ticket": 1}),
        ("kiosk", "counter.open", {}),
        ("pad-1", "ticket.issue", {"service": "HT"}),
        ("counter-1", "stats.summary", {}),
        ("kiosk", "stats.summary", {}),
        ("integration", "ticket.call_next", {}),
    ],
)
def test_a_role_may_only_do_its_own_operations(db_path, clock: Clock, role, op, args) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            client = await lobby.client(role)
            before = await _state(lobby)
            error = await client.error(op, "forbidden", **args)
            assert role.split("-")[0] in error["message"]
            assert await _state(lobby) == before

    run(scenario())


def test_counter_operations_need_a_signed_in_officer(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            counter = await lobby.client("counter-1")
            await counter.error("ticket.call_next", "sign_in_required")
            await counter.error("counter.open", "sign_in_required")
            await counter.error("officer.sign_in", "bad_pin", user="lan", pin="0000")
            await counter.error("officer.sign_in", "bad_pin", user="nobody", pin=PIN)
            await counter.error("officer.sign_in", "bad_pin", user="hoa", pin=PIN)  # hoa works at counter 3: as a wrong PIN
            await counter.ok("officer.sign_in", user="lan", pin=PIN)
            await counter.error("ticket.call_next", "counter_not_open")
            await counter.ok("counter.open")
            await counter.error("ticket.call_next", "queue_empty")

    run(scenario())


def test_repeated_wrong_pins_are_throttled(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            counter = await lobby.client("counter-1")
            for _ in range(5):
                await counter.error("officer.sign_in", "bad_pin", user="lan", pin="1111")
            locked = await counter.error("officer.sign_in", "pin_locked", user="lan", pin=PIN)
            assert locked["details"]["retry_after"] > 0
            clock.advance(seconds=61)
            await counter.ok("officer.sign_in", user="lan", pin=PIN)

    run(scenario())


def test_an_officer_session_expires(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            officer = await lobby.officer("counter-1")
            clock.advance(hours=16)  # past midnight, when this always-open site's day ends
            await officer.error("ticket.call_next", "session_expired")
            await officer.error("ticket.call_next", "sign_in_required")

    run(scenario())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
OPS = ["hello", "ticket.issue", "ticket.get", "ticket.call_next", "appointment.book", "rating.submit", "x", ""]


KNOWN_CODES = {
    "bad_json", "bad_message", "unknown_op", "missing_field", "bad_field", "unknown_field", "duplicate_id",
    "already_hello", "forbidden", "service_unknown", "priority_unknown", "ticket_unknown", "service_closed",
    "message_too_large",
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    messages=st.lists(
        st.one_of(
            st.text(max_size=60),
            st.binary(max_size=60),
            st.builds(
                lambda i, op, extra: json.dumps({**extra, "id": i, "op": op}),
                json_values,
                st.sampled_from(OPS),
                st.dictionaries(st.text(max_size=10), json_values, max_size=3),
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_random_messages_get_one_specific_error_each_and_change_nothing(tmp_path_factory, messages) -> None:  # type: ignore[no-untyped-def]
    db_path = tmp_path_factory.mktemp("fuzz") / "lobby.db"

    async def scenario() -> None:
        async with running_lobby(db_path, clock=Clock()) as lobby:
            kiosk = await lobby.client("kiosk")
            issued = 0
            for raw in messages:
                reply = await kiosk.send_raw(raw)
                if reply["ok"]:
                    issued += "ticket" in reply and reply["ticket"].get("state") == "waiting"
                else:
                    assert reply["error"]["code"] in KNOWN_CODES, reply
                    assert reply["error"]["message"]
            assert len(lobby.hub.lobby.state.tickets) == issued
            after = await kiosk.ok("ticket.issue", service="HT")
            assert after["ticket"]["label"] == "A%03d" % (1 + sum(  # noqa: UP031 - "A%03d": the label as the server formats it
                1 for t in lobby.hub.lobby.state.tickets.values() if t.service == "HT" and t.id != after["ticket"]["id"]
            ))

    run(scenario())


def test_a_phone_that_floods_the_server_is_slowed_down(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            phone = await lobby.client()
            await phone.ok("hello")
            replies = [await phone.call("services.list") for _ in range(15)]
            limited = [r for r in replies if not r["ok"]]
            assert len(limited) >= 4
            assert {r["error"]["code"] for r in limited} == {"rate_limited"}
            assert limited[0]["error"]["details"]["retry_after"] > 0
            kiosk = await lobby.client("kiosk")
            assert all([(await kiosk.call("services.list"))["ok"] for _ in range(30)])

    run(scenario())


def test_the_pin_throttle_stays_bounded_and_keeps_lockouts_longest() -> None:
    import datetime as dt

    from queue_server.server.auth import PinThrottle

    throttle = PinThrottle(attempts=2, lockout=dt.timedelta(minutes=1), remembered=3)
    now = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    for _ in range(2):
        throttle.reserve(("user:lan",), now)
    assert throttle.locked_until(("user:lan",), now) == now + dt.timedelta(minutes=1)
    for name in ("a", "b", "c", "d"):
        throttle.reserve((f"user:{name}",), now)
    assert len(throttle._failures) == 3
    assert throttle.locked_until(("user:lan",), now) is not None  # locked: kept
    assert sorted(throttle._failures) == ["user:c", "user:d", "user:lan"]  # a and b, unlocked, forgotten
