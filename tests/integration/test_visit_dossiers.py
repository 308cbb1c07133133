"""The dossiers of a visit over real connections: the officer links the ticket being served to
two dossiers and removes one, bad codes and other counters change nothing, the pad's rating
then carries the code to the manager (never to the pad), the tickets' table keeps it through a
restart, and report.get counts the share of ratings linked to a dossier per officer and field."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from tests.integration.client import Client
from tests.integration.conftest import Clock, run, running_lobby

FIRST, SECOND = "000.00.16.H12-261118-0101", "000.00.16.H12-261118-0102"


async def refused(client: Client, op: str, error: str, ticket: int, code: str) -> dict[str, Any]:
    """``op`` with a dossier ``code`` (Client.error takes ``code`` as its own argument)."""
    reply = await client.call(op, ticket=ticket, code=code)
    assert not reply["ok"] and reply["error"]["code"] == error, reply
    return reply["error"]


def test_the_pads_rating_carries_the_dossiers_the_officer_linked(tmp_path: Path) -> None:
    db_path = tmp_path / "lobby.db"

    async def scenario() -> None:
        async with running_lobby(db_path, clock=Clock()) as lobby:
            kiosk, manager, pad = await lobby.client("kiosk"), await lobby.client("manager"), await lobby.client("pad-1")
            officer = await lobby.officer()
            other = await lobby.officer("counter-2", "minh")
            ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.serve")
            linked = await officer.ok("visit.link_dossier", ticket=ticket["id"], code=FIRST.lower())
            assert (linked["dossiers"], linked["linked"], linked["label"]) == ([FIRST], True, ticket["label"])
            event = await manager.next_event("visit.dossier_linked")
            assert (event["dossier"], event["counter"], event["officer"]) == (FIRST, 1, "lan")
            for bad in ("HỒ SƠ 1", "AB", "x" * 80):
                error = await refused(officer, "visit.link_dossier", "bad_field", ticket["id"], bad)
                assert error["details"] == {"field": "code"}
            await refused(other, "visit.link_dossier", "ticket_not_here", ticket["id"], SECOND)
            await refused(pad, "visit.link_dossier", "forbidden", ticket["id"], SECOND)
            assert (await officer.ok("visit.link_dossier", ticket=ticket["id"], code=FIRST))["linked"] is False
            assert (await officer.ok("visit.link_dossier", ticket=ticket["id"], code=SECOND))["dossiers"] == [FIRST, SECOND]
            assert (await officer.ok("visit.unlink_dossier", ticket=ticket["id"], code=SECOND))["dossiers"] == [FIRST]
            await refused(officer, "visit.unlink_dossier", "dossier_not_linked", ticket["id"], SECOND)
            status = await officer.ok("counter.status")
            assert status["current"]["linked_dossiers"] == [FIRST]
            await officer.ok("ticket.complete")
            manager.drain()
            pad.drain()
            rated = await pad.ok("rating.submit", ticket=ticket["id"], score=4)
            assert "dossiers" not in rated["rating"]
            seen = await manager.next_event("rating.recorded")
            assert (seen["ticket"], seen["score"], seen["dossiers"]) == (ticket["id"], 4, [FIRST])
            assert "dossiers" not in await pad.next_event("rating.recorded")  # the lobby's devices see no codes
            kinds = [e["ev"] for e in manager.drain()]
            assert kinds.count("visit.dossier_linked") == 0 and kinds.count("visit.dossier_unlinked") == 0

    run(scenario())
    with sqlite3.connect(db_path) as db:
        [(row,)] = db.execute("SELECT linked_dossiers FROM tickets").fetchall()
        assert json.loads(row) == [FIRST]
        types = [t for (t,) in db.execute("SELECT type FROM events WHERE type LIKE 'visit.%' ORDER BY seq")]
        assert types == ["visit.dossier_linked", "visit.dossier_linked", "visit.dossier_unlinked"]

    async def after_restart() -> None:  # the log rebuilds the links
        async with running_lobby(db_path, clock=Clock()) as lobby:
            assert [t.linked_dossiers for t in lobby.hub.lobby.state.tickets.values()] == [(FIRST,)]

    run(after_restart())


def test_the_report_shows_the_share_of_ratings_linked_to_a_dossier(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=Clock()) as lobby:
            kiosk, manager = await lobby.client("kiosk"), await lobby.client("manager")
            lan, minh = await lobby.officer(), await lobby.officer("counter-2", "minh")
            pad = await lobby.client("pad-1")
            # lan: 3 visits rated, 2 of them with a dossier; minh: 1 rated (no dossier), 1 not rated (a dossier)
            for n, link in enumerate((True, True, False)):
                ticket = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
                await lan.ok("ticket.call_next")
                if link:
                    await lan.ok("visit.link_dossier", ticket=ticket["id"], code=f"HS-LAN-{n}")
                await lan.ok("ticket.complete")
                await pad.ok("rating.submit", ticket=ticket["id"], score=4 - n)
            for link in (False, True):
                ticket = (await kiosk.ok("ticket.issue", service="DD"))["ticket"]
                await minh.ok("ticket.call_next")
                if link:
                    await minh.ok("visit.link_dossier", ticket=ticket["id"], code="HS-MINH-1")
                await minh.ok("ticket.complete")
                if not link:
                    await minh.ok("rating.submit", ticket=ticket["id"], score=3)
            by_officer = (await manager.ok("report.get", by="officer"))["report"]
            rows = {row["key"]: row for row in by_officer["rows"]}
            assert (rows["lan"]["dossier_ratings"], rows["lan"]["dossier_ratings_percent"]) == (2, 66.7)
            assert (rows["minh"]["dossier_ratings"], rows["minh"]["dossier_ratings_percent"]) == (0, 0.0)
            assert (by_officer["total"]["dossier_ratings"], by_officer["total"]["dossier_ratings_percent"]) == (2, 50.0)
            by_field = (await manager.ok("report.get", by="service"))["report"]
            fields = {row["key"]: row["dossier_ratings_percent"] for row in by_field["rows"]}
            assert fields == {"HT": 66.7, "DD": 0.0}
            quiet = (await manager.ok("report.get", by="service", date="2026-11-20"))["report"]
            assert quiet["total"]["dossier_ratings_percent"] is None  # no rating: no share

    run(scenario())
