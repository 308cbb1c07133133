"""Numbers are never given twice, acknowledged tickets are never lost, state is rebuilt exactly."""

from __future__ import annotations

import asyncio
import sqlite3

from queue_server.core.model import TicketState
from tests.integration.conftest import Clock, run, running_lobby


def _state_of(lobby) -> dict:  # type: ignore[no-untyped-def]
    state = lobby.hub.lobby.state
    return {
        "seq": state.seq,
        "day": state.day,
        "next_ticket_id": state.next_ticket_id,
        "tickets": {i: t.as_dict() for i, t in state.tickets.items()},
        "codes": dict(state.codes),
        "last_number": dict(state.last_number),
        "counters": {n: (c.as_dict(), c.priority_streak) for n, c in state.counters.items()},
        "appointments": {k: a.as_dict() for k, a in state.appointments.items()},
        "service_seconds": {k: list(v) for k, v in state.service_seconds.items()},
    }


def test_twenty_kiosks_issuing_at_once_get_unique_gap_free_numbers(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosks = [await lobby.client("kiosk") for _ in range(20)]

            async def issue_many(kiosk, service):  # type: ignore[no-untyped-def]
                return [(await kiosk.ok("ticket.issue", service=service))["ticket"] for _ in range(10)]

            batches = await asyncio.gather(
                *(issue_many(k, "HT" if i % 2 else "DD") for i, k in enumerate(kiosks))
            )
            tickets = [t for batch in batches for t in batch]
            for service, prefix in (("HT", "A"), ("DD", "B")):
                numbers = sorted(t["number"] for t in tickets if t["service"] == service)
                assert numbers == list(range(1, 101))
                assert len({t["label"] for t in tickets if t["service"] == service}) == 100
                assert all(t["label"].startswith(prefix) for t in tickets if t["service"] == service)
            assert len({t["code"] for t in tickets}) == 200
            assert lobby.hub.writer.commits < lobby.hub.writer.batches  # group commit happened

    run(scenario())


def test_a_restarted_server_rebuilds_exactly_the_same_state(db_path, clock: Clock) -> None:
    async def busy_day() -> dict:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            for service in ("HT", "HT", "DD", "KD", "HT"):
                await kiosk.ok("ticket.issue", service=service, priority="elderly" if service == "KD" else None)
            one = await lobby.officer("counter-1", "lan")
            two = await lobby.officer("counter-2", "minh")
            await one.ok("ticket.call_next")
            clock.advance(minutes=5)
            await one.ok("ticket.complete")
            await two.ok("ticket.call_next")
            await two.ok("ticket.no_show")
            await one.ok("ticket.call_next")
            await one.ok("ticket.transfer", service="DD")
            await lobby.client("pad-1")
            return _state_of(lobby)

    async def after_restart() -> dict:
        async with running_lobby(db_path, clock=clock) as lobby:
            return _state_of(lobby)

    before = run(busy_day())
    after = run(after_restart())
    assert after == before


def test_a_display_that_reconnects_with_since_gets_exactly_what_it_missed(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            board = await lobby.client("display")
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            seen = (await board.next_event("ticket.issued"))["seq"]
            await board.close()

            officer = await lobby.officer("counter-1")
            await kiosk.ok("ticket.issue", service="HT")
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.recall")
            missed_seqs = [
                row["seq"]
                for row in lobby.hub.reader.query("select seq, type from events where seq > ? order by seq", [seen])
                if row["type"] in ("ticket.issued", "ticket.called", "ticket.recalled", "counter.changed")
            ]
            back = await lobby.client("display", since=seen)
            assert "snapshot" not in back.hello
            assert [e["seq"] for e in back.hello["events"]] == missed_seqs
            assert [e["ev"] for e in back.hello["events"]][-2:] == ["ticket.called", "ticket.recalled"]
            await officer.ok("ticket.complete")
            assert (await back.next_event())["seq"] == lobby.hub.lobby.seq

            fresh = await lobby.client("display", since=10_000)
            assert "snapshot" in fresh.hello

    run(scenario())


def test_when_the_disk_refuses_writes_nothing_is_acknowledged_and_it_recovers(tmp_path, clock: Clock) -> None:
    db_path = tmp_path / "lobby.db"

    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock, busy_timeout_ms=50) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            await kiosk.ok("ticket.issue", service="HT")
            # another process holds the write lock: every commit fails as on a broken disk
            blocker = sqlite3.connect(db_path, isolation_level=None, timeout=0.05)
            blocker.execute("BEGIN IMMEDIATE")
            failed = await kiosk.call("ticket.issue", service="HT")
            assert failed["error"]["code"] == "store_unavailable"
            assert "cannot be written" in failed["error"]["message"]
            assert sorted(t.label for t in lobby.hub.lobby.state.tickets.values()) == ["A001", "A002"]
            reads = await kiosk.ok("services.list")
            assert reads["services"][0]["waiting"] == 2
            blocker.execute("ROLLBACK")
            blocker.close()
            third = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            assert third["label"] == "A003"
            assert lobby.hub.metrics.rebuilds == 1
        rows = sqlite3.connect(db_path).execute("select label, state from tickets order by id").fetchall()
        assert rows == [("A001", "waiting"), ("A002", "waiting"), ("A003", "waiting")]

    run(scenario())


def test_healthz_and_metrics_answer_over_http(db_path, clock: Clock) -> None:
    import json
    import urllib.request

    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            base = f"http://127.0.0.1:{lobby.port}"

            def fetch(path: str) -> tuple[int, str, str]:
                try:
                    with urllib.request.urlopen(base + path, timeout=5) as response:
                        return response.status, response.headers["Content-Type"], response.read().decode()
                except urllib.error.HTTPError as error:
                    return error.code, error.headers["Content-Type"], error.read().decode()

            status, kind, body = await asyncio.to_thread(fetch, "/healthz")
            assert (status, kind) == (200, "application/json")
            assert json.loads(body)["writable"] is True
            status, kind, body = await asyncio.to_thread(fetch, "/metrics")
            assert status == 200 and kind.startswith("text/plain")
            assert 'motcua_tickets{state="waiting"} 1' in body
            assert 'motcua_connections{role="kiosk"} 1' in body
            assert 'motcua_requests_total{op="ticket.issue",outcome="ok"} 1' in body
            assert "motcua_request_seconds_bucket" in body
            status, _, _ = await asyncio.to_thread(fetch, "/nothing-here")
            assert status == 404

    run(scenario())


def test_ticket_states_in_the_table_follow_the_log(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            await kiosk.ok("ticket.issue", service="HT")
            officer = await lobby.officer()
            await officer.ok("ticket.call_next")
            await officer.ok("ticket.no_show")
            row = next(lobby.hub.reader.query("select state, counter from tickets"))
            assert row == {"state": TicketState.NO_SHOW.value, "counter": 1}

    run(scenario())
