"""The console's operations through a real server: counter.status, resuming a sign-in (and
every way a resume token is refused), appointment.get reading only the booking named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.integration.conftest import Clock, run, running_lobby


def test_counter_status_and_resuming_a_sign_in(tmp_path: Path) -> None:
    clock = Clock()

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            await kiosk.ok("ticket.issue", service="DD")
            await kiosk.ok("ticket.issue", service="KD")
            idle = await lobby.client("counter-1")
            status = await idle.ok("counter.status")
            assert status["signed_in"] is False and status["resume"] is None and status["officer"] is None
            assert [w["label"] for w in status["waiting"]] == ["A001"]  # counter 1 serves HT only

            first = await lobby.officer("counter-1")
            await first.ok("ticket.call_next")
            status = await first.ok("counter.status")
            assert status["signed_in"] and status["officer"] == {"user": "lan", "name": "Nguyễn Thị Lan"}
            assert status["current"]["label"] == "A001" and "code" not in status["current"]
            assert status["tally"]["called"] == 1
            assert {c["number"] for c in status["targets"]["counters"]} == {2, 3}
            token = status["resume"]

            reload = await lobby.client("counter-1")  # the page reloaded: a new connection
            await reload.error("ticket.recall", "sign_in_required")
            resumed = await reload.ok("officer.resume", resume=token)
            assert resumed["officer"]["user"] == "lan"
            assert (await reload.ok("ticket.recall"))["ticket"]["recalls"] == 1

            other = await lobby.client("counter-2")
            await other.error("officer.resume", "sign_in_required", resume=token)  # another counter's PC
            forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
            for bad in (forged, "", ".", "x.y", "a" * 400, token.split(".")[0], "é.é"):
                fresh = await lobby.client("counter-1")
                await fresh.error("officer.resume", "sign_in_required", resume=bad)
            await (await lobby.client("pad-1")).error("officer.resume", "forbidden", resume=token)

            clock.advance(hours=16)  # past midnight, the end of this always-open site's working day
            late = await lobby.client("counter-1")
            await late.error("officer.resume", "session_expired", resume=token)

    run(scenario())


def test_a_resume_token_is_worthless_after_signing_out(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=Clock()) as lobby:
            officer = await lobby.officer("counter-1")
            token = (await officer.ok("counter.status"))["resume"]
            await officer.ok("officer.sign_out")
            again = await lobby.client("counter-1")
            await again.error("officer.resume", "sign_in_required", resume=token)

    run(scenario())


def test_appointment_get_reads_the_booking_named_and_nothing_else(tmp_path: Path) -> None:
    clock = Clock()

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=clock) as lobby:
            phone = await lobby.client(None)
            await phone.ok("hello")
            slot = (clock.now + dt.timedelta(hours=1)).replace(minute=0).isoformat()
            booked = await phone.ok("appointment.book", service="HT", slot_start=slot)
            code = booked["appointment"]["code"]
            reader = await lobby.client(None)
            await reader.ok("hello")
            for form in (code, code.lower(), f"{code[:4]}-{code[4:]}", booked["url"]):
                got = (await reader.ok("appointment.get", booking=form))["appointment"]
                assert got["code"] == code and got["service_name_vi"] == "Hộ tịch" and got["state"] == "booked"
                assert got["slot_start"] == slot == "2026-11-23T10:00:00+07:00"
                assert (got["checkin_from"], got["checkin_until"]) == (  # the policy's 15 min early, 10 min late
                    "2026-11-23T09:45:00+07:00", "2026-11-23T10:10:00+07:00"
                )
            guesser = await lobby.client(None)  # a phone has 10 requests at once, then 2 a second
            await guesser.ok("hello")
            for bad in ("", "ABCD", "ABCD0000", "http://x/b/", "Z" * 200, code[:-1] + ("2" if code[-1] != "2" else "3")):
                await guesser.error("appointment.get", "booking_unknown", booking=bad)
            await guesser.error("appointment.get", "bad_field", booking=12345678)
            await (await lobby.client("counter-1")).error("appointment.get", "forbidden", booking=code)

    run(scenario())
