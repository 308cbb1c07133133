"""Bidirectional overrides and isolates (U+202A–202E, U+2066–2069) are refused in every text a
request carries, at the one place fields are validated, with ``bad_field`` naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from province.server import OPS as PROVINCE_OPERATIONS
from queue_server.protocol.errors import ProtocolError, ProtocolErrorCode
from queue_server.protocol.messages import BIDI_CONTROLS, Field, validate
from queue_server.server.ops import load
from tests.integration.conftest import Clock, run, running_lobby

BIDI = sorted(BIDI_CONTROLS)
# every string and list field of every operation of both servers, by (operation, field)
TEXT_FIELDS = sorted(
    [(name, field, spec) for name, op in load().items() for field, spec in op.fields.items() if spec.type in (str, list)]
    + [(name, field, spec) for name, (_, fields) in PROVINCE_OPERATIONS.items() for field, spec in fields.items()
       if spec.type in (str, list)],
    key=lambda item: item[:2],
)  # fmt: skip
plain = st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=BIDI), max_size=30)


def test_the_controls_are_the_nine_of_the_issue() -> None:
    assert BIDI == [chr(c) for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)]


@given(st.sampled_from(TEXT_FIELDS), plain, st.sampled_from(BIDI), plain)
def test_a_bidi_control_anywhere_in_any_text_field_is_bad_field_naming_it(target, before, control, after) -> None:  # type: ignore[no-untyped-def]
    op, field, spec = target
    text = before + control + after
    value = [{"note": text}] if spec.type is list else text
    with pytest.raises(ProtocolError) as caught:
        validate({field: value}, {field: Field(spec.type, required=False, max_length=10_000)})
    assert caught.value.code is ProtocolErrorCode.BAD_FIELD, op
    assert caught.value.details == {"field": field}


@given(plain)
def test_text_without_them_is_kept(text: str) -> None:
    assert validate({"note": text}, {"note": Field(str, max_length=100)})["note"] is not None


def test_over_a_real_connection_notes_reasons_names_and_announcements_are_refused(db_path, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    spoof = "Nguyễn Văn A \u202e0987654321\u202c"

    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]["id"]
            officer = await lobby.officer()
            manager = await lobby.client("manager")
            refused = [
                (officer, "ticket.transfer", {"ticket": ticket, "service": "DD", "note": spoof}, "note"),
                (officer, "ticket.cancel", {"ticket": ticket, "reason": "x\u2067y"}, "reason"),
                (manager, "announcement.set", {"text_vi": "Thông báo\u202d"}, "text_vi"),
                (kiosk, "appointment.book", {"service": "HT", "slot_start": "2026-11-24T08:00:00+07:00", "name": spoof}, "name"),
            ]  # fmt: skip
            seq = lobby.hub.lobby.seq
            for client, op, args, field in refused:
                reply = await client.error(op, "bad_field", **args)
                assert reply["details"] == {"field": field}, op
            assert lobby.hub.lobby.seq == seq  # nothing was done
            assert (await officer.ok("ticket.cancel", ticket=ticket, reason="rời đi"))["ok"]

    run(scenario())
