"""Help for citizens, through a real server: "Cần hỗ trợ" at a kiosk and on a phone, the
volunteers' phones that see, take and close the requests, and what a volunteer may do for the
citizen in front of them — each an event carrying the volunteer's id, seen only as needed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from queue_server.protocol.loop import Limits
from tests.integration.client import Client
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import site_config
from tests.support.servers import running_server

PHONE_ID = "d2c1f0a9b8e7d6c5b4a39281"


def test_a_kiosk_asks_a_volunteer_takes_and_closes_it(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk, volunteer, other = [await lobby.client(d) for d in ("kiosk", "volunteer", "volunteer-2")]
            asked = await kiosk.ok("help.ask")
            assert asked["words_vi"] == "Đã gọi người hỗ trợ, xin chờ trong giây lát"
            assert (asked["request"]["ahead"], asked["request"]["taken"]) == (0, False)
            event = await volunteer.next_event("help.requested")
            assert (event["request"], event["place_name"], event["kind"]) == (asked["request"]["id"], "kiosk", "kiosk")
            assert "place" not in event  # a phone's place is its hashed browser id: not for volunteers
            again = await kiosk.ok("help.ask")  # one open request per kiosk
            assert again["request"]["id"] == asked["request"]["id"]
            clock.advance(seconds=75)
            (listed,) = (await volunteer.ok("help.list"))["help"]
            assert (listed["waited_seconds"], listed["place_name"]) == (75, "kiosk")
            request = asked["request"]["id"]
            await volunteer.ok("help.take", request=request)
            taken = await other.next_event("help.taken")
            assert (taken["volunteer"], taken["waited_seconds"]) == ("volunteer", 75.0)
            assert (await kiosk.ok("help.status"))["request"]["taken"] is True
            refused = await other.error("help.close", "help_taken", request=request)
            assert refused["details"]["taken_by"] == "volunteer"
            clock.advance(seconds=120)
            closed = await volunteer.ok("help.close", request=request)
            assert closed["waited_seconds"] == 75.0
            await volunteer.error("help.take", "help_closed", request=request)
            assert (await kiosk.ok("help.status"))["request"] is None
            await (await lobby.client("kiosk")).ok("help.ask")  # asked again after the close, never answered
            manager = await lobby.client("manager")
            help_figures = (await manager.ok("report.get"))["report"]["help"]
            assert help_figures == {
                "requested": 2, "from_kiosks": 2, "from_phones": 0, "answered": 1, "unanswered": 1,
                "average_answer_seconds": 75.0, "longest_answer_seconds": 75.0, "by_volunteer": {"volunteer": 1},
            }  # fmt: skip
            yesterday = (await manager.ok("report.get", date="2026-11-22"))["report"]["help"]
            assert (yesterday["requested"], yesterday["average_answer_seconds"]) == (0, None)
            await (await lobby.client("kiosk")).ok("help.status")
            snapshot = (await volunteer.ok("queue.snapshot"))["snapshot"]
            assert len(snapshot["help"]) == 1 and "counters" not in snapshot and "waiting" not in snapshot
            assert {p["code"] for p in snapshot["priorities"]} >= {"elderly"}

    run(scenario())


def test_a_phone_asks_with_its_id_one_open_request_and_a_budget_per_address(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        assert Limits().helps_per_address == 3
        async with running_server(site_config(), db_path, clock=clock) as running:
            phone = await Client.open(running.url)
            await phone.ok("hello")
            await phone.error("help.ask", "missing_field")  # refused: costs the address nothing
            first = await phone.ok("help.ask", device=PHONE_ID, note=" áo xanh, ghế hàng 3 ")
            again = await phone.ok("help.ask", device=PHONE_ID)
            assert again["request"]["id"] == first["request"]["id"]
            await phone.ok("help.ask", device="another-phone-0001")
            other = await phone.error("help.ask", "rate_limited", device="another-phone-0002")
            assert "hỗ trợ" in other["message"] and other["details"]["retry_after"] > 0
            assert (await phone.ok("help.status", device=PHONE_ID))["request"]["id"] == first["request"]["id"]
            requests = running.hub.lobby.help_view(clock())
            assert len(requests) == 2
            request = requests[0]
            assert (request["kind"], request["place_name"], request["note"]) == ("phone", "Điện thoại", "áo xanh, ghế hàng 3")
            assert PHONE_ID not in request["place"]  # kept only as its hash
            await phone.close()
        with sqlite3.connect(db_path) as db:
            logged = " ".join(text for (text,) in db.execute("SELECT data FROM events"))
        assert PHONE_ID not in logged

    run(scenario())


def test_a_volunteer_issues_a_number_checks_a_booking_in_and_looks_a_dossier_up(db_path: Path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            volunteer, manager = await lobby.client("volunteer"), await lobby.client("manager")
            integration, phone = await lobby.client("integration"), await lobby.client()
            await phone.ok("hello")
            ticket = (await volunteer.ok("ticket.issue", service="HT", priority="elderly"))["ticket"]
            assert ticket["label"] == "A001" and ticket["priority"] == "elderly" and ticket["code"]
            assert ticket["url"].endswith("/t/" + ticket["code"])
            assert not {"source", "officer", "appointment", "dossier"} & ticket.keys()
            issued = await manager.next_event("ticket.issued")
            assert issued["source"] == "volunteer"
            slots = (await phone.ok("appointment.slots", service="HT", day="2026-11-23"))["slots"]
            slot = next(s for s in slots if s["free"] and s["start"] >= "2026-11-23T09")
            booking = (await phone.ok("appointment.book", service="HT", slot_start=slot["start"]))["appointment"]
            checked = await volunteer.ok("appointment.check_in", booking=booking["code"])
            assert checked["ticket"]["code"] and "appointment" not in checked["ticket"]
            assert (await manager.next_event("ticket.issued"))["source"] == "volunteer"
            await integration.ok("dossier.upsert", code="000.00.16.H12-261120-0001", status="processing")
            found = await volunteer.ok("dossier.get", code="000.00.16.H12-261120-0001")
            assert found["dossier"]["status"] == "processing"
            unknown = await volunteer.call("dossier.get", code="000.00.16.H12-261120-9999")
            assert unknown["error"]["code"] == "dossier_unknown"
            looks = [await manager.next_event("volunteer.looked_up") for _ in range(2)]
            assert [(e["volunteer"], e["found"]) for e in looks] == [("volunteer", True), ("volunteer", False)]
            assert "000.00.16" not in str(looks)
            await volunteer.error("ticket.get", "forbidden", ticket=ticket["id"])  # no reading of others' tickets
            await volunteer.error("ticket.call_next", "forbidden")
            kiosk = await lobby.client("kiosk")
            await kiosk.error("help.take", "forbidden", request=1)

    run(scenario())
