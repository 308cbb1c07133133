"""A day at the lobby through the real server: issue, call, serve, rate, see it on the board."""

from __future__ import annotations

from tests.integration.conftest import Clock, run, running_lobby


def test_a_ticket_issued_at_the_kiosk_is_called_to_the_board_and_rated(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            board = await lobby.client("display")
            assert board.hello["role"] == "display"
            assert [s["code"] for s in board.hello["snapshot"]["services"]] == ["HT", "DD", "KD"]

            kiosk = await lobby.client("kiosk")
            issued = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            assert issued["label"] == "A001"
            assert issued["people_ahead"] == 0
            assert issued["url"].endswith("/t/" + issued["code"])
            event = await board.next_event("ticket.issued")
            assert event["label"] == "A001" and "code" not in event

            officer = await lobby.officer("counter-1", "lan")
            called = (await officer.ok("ticket.call_next"))["ticket"]
            assert called["label"] == "A001" and called["state"] == "called"
            call = await board.next_event("ticket.called")
            assert (call["label"], call["counter"], call["counter_name"]) == ("A001", 1, "Quầy 1")
            assert "officer" not in call

            clock.advance(minutes=4)
            await officer.ok("ticket.serve")
            clock.advance(minutes=3)
            done = (await officer.ok("ticket.complete"))["ticket"]
            assert done["state"] == "done"

            pad = await lobby.client("pad-1")
            await pad.ok("rating.submit", ticket=issued["id"], score=4)
            again = await pad.error("rating.submit", "rating_duplicate", ticket=issued["id"], score=1)
            assert "rated already" in again["message"]

            manager = await lobby.client("manager")
            summary = (await manager.ok("stats.summary"))["summary"]
            assert summary["issued"] == 1 and summary["served"] == 1
            assert summary["average_service_minutes"] == 3.0
            assert summary["ratings"] == {"4": 1}

    run(scenario())


def test_a_phone_follows_only_its_own_ticket(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            mine = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            other = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            first = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
            assert first["label"] == "B001"

            phone = await lobby.client(ticket=mine["url"])
            assert phone.hello["role"] == "public"
            assert phone.hello["snapshot"]["ticket"]["label"] == "A001"
            assert "code" not in phone.hello["snapshot"]["ticket"]
            await phone.error("ticket.get", "forbidden", ticket=other["id"])
            await phone.error("ticket.issue", "forbidden", service="HT")

            officer = await lobby.officer("counter-1")
            await officer.ok("ticket.call_next")
            called = await phone.next_event("ticket.called")
            assert called["label"] == "A001" and called["counter"] == 1
            await officer.ok("ticket.complete")
            await phone.next_event("ticket.completed")
            await officer.ok("ticket.call_next")  # A002: not the phone's business
            await phone.ok("rating.submit", score=3)
            assert all(e.get("label") != "A002" for e in phone.drain())

    run(scenario())


def test_a_public_phone_sees_its_place_move_up(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            mine = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            assert mine["people_ahead"] == 1
            phone = await lobby.client(ticket=mine["code"])
            officer = await lobby.officer("counter-1")
            await officer.ok("ticket.call_next")
            update = await phone.next_event("ticket.position")
            assert update["people_ahead"] == 0 and update["label"] == "A002"

    run(scenario())


def test_a_board_limited_to_a_floor_shows_only_its_counters(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            floor2 = await lobby.client("display-floor2")
            assert [c["number"] for c in floor2.hello["snapshot"]["counters"]] == [3]
            assert [s["code"] for s in floor2.hello["snapshot"]["services"]] == ["KD"]
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            await kiosk.ok("ticket.issue", service="KD")
            one = await lobby.officer("counter-1", "lan")
            three = await lobby.officer("counter-3", "hoa")
            await one.ok("ticket.call_next")
            await three.ok("ticket.call_next")
            call = await floor2.next_event("ticket.called")
            assert call["counter"] == 3 and call["label"] == "C001"
            labels = {e.get("label") for e in floor2.drain()}
            assert "A001" not in labels

    run(scenario())


def test_transfer_keeps_the_number_and_the_phone_follows(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            phone = await lobby.client(ticket=ticket["code"])
            officer = await lobby.officer("counter-1")
            await officer.ok("ticket.call_next")
            moved = await officer.ok("ticket.transfer", service="DD", note="hồ sơ đất đai")
            assert moved["ticket"]["label"] == "A001" and moved["ticket"]["service"] == "DD"
            assert moved["transferred_from"] == ticket["id"]
            event = await phone.next_event("ticket.transferred")
            assert event["to_service"] == "DD"
            other = await lobby.officer("counter-2", "minh")
            called = (await other.ok("ticket.call_next"))["ticket"]
            assert called["label"] == "A001" and called["service"] == "DD"
            assert (await phone.next_event("ticket.called"))["counter"] == 2

    run(scenario())


def test_appointments_are_booked_and_checked_in_at_the_kiosk(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            phone = await lobby.client()
            await phone.ok("hello")
            day = clock.now.date().isoformat()
            slots = (await phone.ok("appointment.slots", service="HT", day=day))["slots"]
            later = next(s for s in slots if s["start"].startswith(f"{day}T10:00"))
            assert later["free"] == 2
            booked = await phone.ok(
                "appointment.book", service="HT", slot_start=later["start"], name="Nguyễn Văn An", phone="0912345678"
            )
            code = booked["appointment"]["code"]
            assert booked["url"].endswith("/b/" + code)
            kiosk = await lobby.client("kiosk")
            early = await kiosk.error("appointment.check_in", "booking_too_early", booking=code)
            assert "09:45" in early["message"]
            clock.advance(minutes=50)
            await kiosk.ok("ticket.issue", service="HT")
            checked = await kiosk.ok("appointment.check_in", booking=booked["appointment"]["code_display"])
            assert checked["late"] is False and checked["ticket"]["appointment"] == code
            assert checked["ticket"]["people_ahead"] == 0
            await kiosk.error("appointment.check_in", "booking_used", booking=code)
            contacts = list(lobby.hub.reader.query("select name, phone from contacts"))
            assert contacts == [{"name": "Nguyễn Văn An", "phone": "0912345678"}]

    run(scenario())


def test_a_wait_past_its_limit_raises_one_alarm_for_the_manager(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            manager = await lobby.client("manager")
            board = await lobby.client("display")
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            clock.advance(minutes=46)  # the test site's limit is 45 minutes
            await lobby.hub.tick()
            await lobby.hub.tick()
            alarm = await manager.next_event("alarm.wait_exceeded")
            assert (alarm["label"], alarm["waited_minutes"], alarm["limit_minutes"]) == ("A001", 46, 45)
            await kiosk.ok("services.list")
            assert [e["ev"] for e in manager.drain()].count("alarm.wait_exceeded") == 0
            assert all(e["ev"] != "alarm.wait_exceeded" for e in board.drain())

    run(scenario())


def test_a_new_day_restarts_the_numbers_and_closes_the_counters(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            board = await lobby.client("display")
            await kiosk.ok("ticket.issue", service="HT")
            await kiosk.ok("ticket.issue", service="HT")
            officer = await lobby.officer()
            await officer.ok("ticket.call_next")
            clock.advance(days=1)
            await lobby.hub.tick()
            opened = await board.next_event("day.opened")
            assert opened["day"] == "2026-11-24" and opened["expired"] == [1, 2] and opened["closed"] == [1]
            assert (await kiosk.ok("ticket.issue", service="HT"))["ticket"]["label"] == "A001"
            snapshot = (await board.ok("queue.snapshot"))["snapshot"]
            assert snapshot["counters"][0]["state"] == "closed" and snapshot["counters"][0]["current"] is None
            assert snapshot["recent_calls"] == [] and snapshot["day"] == "2026-11-24"
            rows = list(lobby.hub.reader.query("select day, label, state from tickets order by id"))
            assert [(r["day"], r["label"], r["state"]) for r in rows] == [
                ("2026-11-23", "A001", "cancelled"),
                ("2026-11-23", "A002", "cancelled"),
                ("2026-11-24", "A001", "waiting"),
            ]

    run(scenario())


def test_the_manager_sets_the_ticker_and_sees_device_faults(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            manager = await lobby.client("manager")
            devices = {d["id"]: d for d in manager.hello["snapshot"]["devices"]}
            assert devices["manager"]["connected"] is True and devices["kiosk"]["connected"] is False
            board = await lobby.client("display")
            kiosk = await lobby.client("kiosk")
            await manager.ok("announcement.set", text_vi="Trung tâm nghỉ trưa từ 11:30", text_en="Lunch break from 11:30")
            ticker = await board.next_event("announcement.changed")
            assert ticker["text_vi"] == "Trung tâm nghỉ trưa từ 11:30"
            assert (await board.ok("queue.snapshot"))["snapshot"]["announcement"]["text_en"] == "Lunch break from 11:30"

            await kiosk.ok("device.report", component="printer", ok=False, detail="paper_out")
            fault = await manager.next_event("device.status")
            assert (fault["device"], fault["component"], fault["ok"], fault["detail"]) == (
                "kiosk", "printer", False, "paper_out"
            )
            snapshot = (await manager.ok("queue.snapshot"))["snapshot"]
            assert snapshot["device_status"][0]["detail"] == "paper_out"
            assert {d["id"]: d for d in snapshot["devices"]}["kiosk"]["last_seen"] is not None
            await kiosk.error("device.report", "component_unknown", component="toaster", ok=False)
            await kiosk.error("announcement.set", "forbidden", text_vi="x")
            assert all(e["ev"] != "device.status" for e in board.drain())

    run(scenario())


def test_only_the_manager_and_integration_snapshots_name_the_officers(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            counter = await lobby.officer("counter-1", user="lan")
            manager = await lobby.client("manager")
            snapshot = (await manager.ok("queue.snapshot"))["snapshot"]
            assert snapshot["officers"] == [
                {"user": "lan", "name": "Nguyễn Thị Lan"},
                {"user": "minh", "name": "Trần Văn Minh"},
                {"user": "hoa", "name": "Lê Thị Hoa"},
            ]
            assert snapshot["counters"][0]["officer"] == "lan"
            assert "officers" in (await lobby.client("integration")).hello["snapshot"]
            for device in ("kiosk", "display", "pad-1"):
                seen = (await lobby.client(device)).hello["snapshot"]
                assert "officers" not in seen and "officer" not in seen["counters"][0], device
            assert "officers" not in (await counter.ok("queue.snapshot"))["snapshot"]
            phone = await lobby.client()
            assert "officers" not in (await phone.ok("hello"))["snapshot"]

    run(scenario())
