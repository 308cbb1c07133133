"""What docs/protocol.md promises beside its examples, over real connections: the error each
documented case answers (issue 25, item 5)."""

from __future__ import annotations

import json

from queue_server.core.errors import ErrorCode
from queue_server.protocol.errors import ProtocolErrorCode
from tests.integration.conftest import Clock, run, running_lobby


def test_an_announcement_over_500_characters_is_text_too_long(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            manager = await lobby.client("manager")
            reply = await manager.error("announcement.set", "text_too_long", text_vi="á" * 501)
            assert "500" in reply["message"]
            await manager.error("announcement.set", "text_too_long", text_vi="ok", text_en="a" * 501)
            await manager.ok("announcement.set", text_vi="á" * 500)

    run(scenario())


def test_unknown_fields_are_all_named_in_details_fields(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            reply = await kiosk.error("ticket.issue", "unknown_field", service="HT", colour="red", size=2)
            assert reply["details"] == {"fields": ["colour", "size"]}

    run(scenario())


def test_a_negative_since_is_told_what_since_may_be(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            stranger = await lobby.client()
            reply = await stranger.send_raw(json.dumps({"id": 1, "op": "hello", "since": -1}))
            assert reply["error"]["code"] == "bad_field" and reply["error"]["details"] == {"field": "since"}
            assert "at least 0" in reply["error"]["message"] and "None" not in reply["error"]["message"]

    run(scenario())


def test_a_phones_place_carries_at_like_every_event(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            mine = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            phone = await lobby.client(ticket=mine["code"])
            officer = await lobby.officer("counter-1")
            clock.advance(minutes=3)
            await officer.ok("ticket.call_next")
            update = await phone.next_event("ticket.position")
            assert update["at"] == clock.now.isoformat() and update["people_ahead"] == 0

    run(scenario())


def test_a_counter_with_nobody_signed_in_is_refused_with_one_code_whoever_decides() -> None:
    """The server checks the sign-in before the core does: both refusals travel as the one
    code the Errors table lists, ``sign_in_required`` (there is no ``not_signed_in``)."""
    assert ErrorCode.NOT_SIGNED_IN.value == ProtocolErrorCode.SIGN_IN_REQUIRED.value == "sign_in_required"
