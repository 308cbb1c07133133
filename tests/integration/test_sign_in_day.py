"""An officer's sign-in lasts the working day: until the counter's fields close today (capped by
``session_minutes`` when the site sets it); signing in again with the PIN extends it; when it
ends the officer is signed out with a ``counter.changed`` the boards see. The server's clock is
the test's (09:00 on a Monday, then moved by hand); the sign-ins are ended by its tick."""

from __future__ import annotations

import datetime as dt

from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import PIN, TZ, office_site


def _at(hour: int, minute: int = 0) -> str:
    return dt.datetime(2026, 11, 23, hour, minute, tzinfo=TZ).isoformat()


def test_a_sign_in_lasts_until_the_counter_closes_and_its_end_is_sent_to_the_boards(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, office_site(), clock=clock) as lobby:
            board = await lobby.client("display")
            manager = await lobby.client("manager")
            kiosk = await lobby.client("kiosk")
            officer = await lobby.client("counter-1")
            signed = await officer.ok("officer.sign_in", user="lan", pin=PIN)
            assert signed["expires_at"] == _at(17)  # not 09:00 + 8 h = 17:00 by chance: see the cap test
            await officer.ok("counter.open")
            clock.now = dt.datetime(2026, 11, 23, 16, 50, tzinfo=TZ)  # mid-afternoon, past the old 8 hours' sign-out
            await lobby.hub.tick()
            await kiosk.ok("ticket.issue", service="HT")
            called = await officer.ok("ticket.call_next")
            await officer.ok("ticket.complete", ticket=called["ticket"]["id"])
            board.drain()
            manager.drain()
            clock.now = dt.datetime(2026, 11, 23, 17, 0, 30, tzinfo=TZ)
            await lobby.hub.tick()
            ended = await board.next_event("counter.changed")
            assert (ended["counter"], ended["state"]) == (1, "closed")  # boards are not told officers' names
            ended = await manager.next_event("counter.changed")
            assert (ended["counter"], ended["officer"], ended["state"]) == (1, None, "closed")
            await officer.error("ticket.call_next", "session_expired")
            status = await officer.ok("counter.status")
            assert status["signed_in"] is False and status["officer"] is None

    run(scenario())


def test_session_minutes_caps_the_sign_in_and_the_pin_extends_it(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, office_site(session_minutes=60), clock=clock) as lobby:
            board = await lobby.client("manager")
            officer = await lobby.client("counter-1")
            assert (await officer.ok("officer.sign_in", user="lan", pin=PIN))["expires_at"] == _at(10)
            clock.advance(minutes=50)
            extended = await officer.ok("officer.sign_in", user="lan", pin=PIN)  # the same officer again: no event
            assert extended["expires_at"] == _at(10, 50)
            clock.advance(minutes=20)  # 10:10: past the first end, before the new one
            await lobby.hub.tick()
            await officer.ok("counter.open")
            changes = [(e["officer"], e["state"]) for e in board.drain() if e["ev"] == "counter.changed"]
            assert changes == [("lan", "closed"), ("lan", "open")]  # signed in, opened: never signed out
            clock.advance(minutes=41)
            await lobby.hub.tick()
            assert (await board.next_event("counter.changed"))["officer"] is None

    run(scenario())


def test_signing_out_sends_counter_changed_and_a_sign_in_after_closing_still_works(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        clock.now = dt.datetime(2026, 11, 23, 17, 30, tzinfo=TZ)  # working late
        async with running_lobby(db_path, office_site(), clock=clock) as lobby:
            board = await lobby.client("manager")
            officer = await lobby.client("counter-1")
            signed = await officer.ok("officer.sign_in", user="lan", pin=PIN)
            assert signed["expires_at"] == "2026-11-24T01:30:00+07:00"  # after the day's close: 8 hours
            await officer.ok("officer.sign_out")
            assert (await board.next_event("counter.changed"))["officer"] == "lan"
            assert (await board.next_event("counter.changed"))["officer"] is None

    run(scenario())


def test_the_pin_in_the_last_minutes_extends_the_sign_in_by_an_hour_past_the_close(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, office_site(), clock=clock) as lobby:
            officer = await lobby.client("counter-1")
            assert (await officer.ok("officer.sign_in", user="lan", pin=PIN))["expires_at"] == _at(17)
            clock.now = dt.datetime(2026, 11, 23, 16, 52, tzinfo=TZ)  # the console has warned since 16:50
            status = await officer.ok("counter.status")
            assert (status["now"], status["expires_at"], status["warning_minutes"]) == (_at(16, 52), _at(17), 10)
            extended = await officer.ok("officer.sign_in", user="lan", pin=PIN)
            assert extended["expires_at"] == _at(17, 52)  # the close would have given 17:00 again

    run(scenario())


def test_an_officer_whose_sign_in_ends_while_serving_finishes_that_ticket_and_nothing_more(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, office_site(), clock=clock) as lobby:
            manager = await lobby.client("manager")
            kiosk = await lobby.client("kiosk")
            officer = await lobby.client("counter-1")
            await officer.ok("officer.sign_in", user="lan", pin=PIN)
            await officer.ok("counter.open")
            for _ in range(2):
                await kiosk.ok("ticket.issue", service="HT")
            called = await officer.ok("ticket.call_next")
            await officer.ok("ticket.serve")
            clock.now = dt.datetime(2026, 11, 23, 17, 0, 30, tzinfo=TZ)  # the end passes mid-service
            await lobby.hub.tick()
            manager.drain()
            status = await officer.ok("counter.status")
            assert (status["signed_in"], status["finishing"], status["current"]["label"]) == (False, True, "A001")
            await officer.error("ticket.call_next", "session_expired")  # no new citizen…
            done = await officer.ok("ticket.complete", ticket=called["ticket"]["id"])  # …but this one is finished
            assert done["ticket"]["state"] == "done"
            await lobby.hub.tick()
            ended = await manager.next_event("counter.changed")
            assert (ended["counter"], ended["officer"]) == (1, None)
            await officer.error("ticket.complete", "session_expired")

    run(scenario())
