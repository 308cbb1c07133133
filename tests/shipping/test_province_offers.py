"""What a site sends the province of its booking book (issue 22): each field's next free slot,
the same as ``appointment.slots`` shows a phone — a full slot skipped — on a real server."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

from queue_server.shipping.province_view import next_free_slots
from tests.integration.conftest import running_lobby


def test_the_next_free_slot_is_the_first_the_booking_page_offers(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db") as lobby:
            phone = await lobby.client("integration")
            day = lobby.hub.config.site.local(lobby.hub.now()).date()
            slots = []
            for ahead in range(3):  # (today's may all be past)
                slots = (await phone.ok("appointment.slots", service="HT", day=(day + dt.timedelta(days=ahead)).isoformat()))["slots"]
                slots = [s for s in slots if s["free"] > 0]
                if len(slots) >= 2:
                    break
            first, second = slots[0]["start"], slots[1]["start"]
            assert next_free_slots(lobby.hub.lobby, lobby.hub.now()) == {"HT": first}  # HT alone takes bookings
            for _ in range(2):  # the first slot full (2 a slot)
                await phone.ok("appointment.book", service="HT", slot_start=first)
            assert next_free_slots(lobby.hub.lobby, lobby.hub.now()) == {"HT": second}
            await phone.ok("appointment.book", service="HT", slot_start=second)
            booked = await phone.ok("appointment.book", service="HT", slot_start=second)
            assert next_free_slots(lobby.hub.lobby, lobby.hub.now()) != {"HT": second}  # full too
            await phone.ok("appointment.cancel", booking=booked["appointment"]["code"])
            assert next_free_slots(lobby.hub.lobby, lobby.hub.now()) == {"HT": second}  # a cancelled booking frees its place

    asyncio.run(scenario())
