"""The apps' queue client against a real server: requests, events, reconnect and catch-up."""

from __future__ import annotations

import asyncio
import socket

import pytest

from queue_server.protocol.client import ConnectionStatus, NotConnected, QueueClient, RequestFailed
from tests.integration.conftest import Clock, run, running_lobby
from tests.integration.sites import TOKENS


def test_the_client_requests_and_receives_events(db_path, clock: Clock) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            events: list[dict] = []
            snapshots: list[dict] = []
            board = QueueClient(lobby.url, token=TOKENS["display"], on_event=events.append, on_snapshot=snapshots.append)
            kiosk = QueueClient(lobby.url, token=TOKENS["kiosk"])
            tasks = [asyncio.create_task(c.run()) for c in (board, kiosk)]
            await board.wait_connected(5)
            await kiosk.wait_connected(5)
            assert snapshots and snapshots[0]["services"][0]["code"] == "HT"
            reply = await kiosk.request("ticket.issue", service="HT")
            assert reply["ticket"]["label"] == "A001"
            with pytest.raises(RequestFailed) as refused:
                await kiosk.request("ticket.issue", service="NOPE")
            assert refused.value.code == "service_unknown"
            for _ in range(50):
                if events:
                    break
                await asyncio.sleep(0.02)
            assert events[0]["ev"] == "ticket.issued" and board.seq == events[0]["seq"]
            for client in (board, kiosk):
                await client.close()
            await asyncio.gather(*tasks)

    run(scenario())


def test_the_client_reconnects_and_catches_up_without_repeats(tmp_path, clock: Clock) -> None:
    db_path = tmp_path / "lobby.db"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def scenario() -> None:
        statuses: list[ConnectionStatus] = []
        events: list[dict] = []
        board = QueueClient(
            f"ws://127.0.0.1:{port}",
            token=TOKENS["display"],
            on_event=events.append,
            on_status=statuses.append,
            backoff=(0.05, 0.2),
        )
        task = asyncio.create_task(board.run())
        with pytest.raises(NotConnected):
            await board.request("services.list")

        from queue_server.bootstrap import build_hub
        from queue_server.server.app import start
        from tests.integration.sites import site_config

        async def serve_once(issue: int) -> None:
            hub = build_hub(site_config(), db_path, clock=clock)
            server, ticker = await start(hub, "127.0.0.1", port, tick_seconds=3600)
            await board.wait_connected(10)
            kiosk = QueueClient(f"ws://127.0.0.1:{port}", token=TOKENS["kiosk"])
            kiosk_task = asyncio.create_task(kiosk.run())
            await kiosk.wait_connected(5)
            for _ in range(issue):
                await kiosk.request("ticket.issue", service="HT")
            await kiosk.close()
            await kiosk_task
            ticker.cancel()
            server.close()
            await server.wait_closed()
            hub.writer.stop()
            hub.reader.close()

        await serve_once(2)
        await asyncio.sleep(0.3)  # the board retries while the server is down
        # tickets issued while the board is away are caught up on reconnect
        hub = build_hub(site_config(), db_path, clock=clock)
        from queue_server.core.commands import IssueTicket

        for code in ("ABCDEFGH22", "ABCDEFGH23"):
            await hub.execute(IssueTicket(now=clock(), service="HT", code=code))
        hub.writer.stop()
        hub.reader.close()
        await serve_once(1)
        await board.close()
        await task
        labels = [e["label"] for e in events if e["ev"] == "ticket.issued"]
        assert labels == ["A001", "A002", "A003", "A004", "A005"]
        assert statuses.count(ConnectionStatus.CONNECTED) == 2
        assert ConnectionStatus.DISCONNECTED in statuses

    run(scenario())


def test_pushes_that_follow_the_hello_in_the_same_read_wait_for_its_catch_up() -> None:
    """A server may write the hello's reply (with the events missed since ``since``) and the
    next pushed event in one write; the client reads both before its hello has been handled.
    The push must be delivered after the catch-up, not instead of it (a board that had
    reconnected lost the calls made while it was away: found by tests/faults/test_sigkill.py)."""
    import json

    from websockets.asyncio.server import serve

    from queue_server.server.fastpath import text_frame

    def event(seq: int) -> dict:
        return {"ev": "ticket.issued", "seq": seq, "ticket": seq, "label": f"A{seq:03d}"}

    async def server(connection) -> None:
        async for raw in connection:
            request = json.loads(raw)
            assert request["op"] == "hello" and request["since"] == 3
            reply = {"re": request["id"], "ok": True, "seq": 6, "events": [event(4), event(5), event(6)]}
            pushed = event(7)
            connection.transport.write(text_frame(json.dumps(reply).encode()) + text_frame(json.dumps(pushed).encode()))

    async def scenario() -> None:
        async with serve(server, "127.0.0.1", 0) as listening:
            port = listening.sockets[0].getsockname()[1]
            seen: list[int] = []
            board = QueueClient(f"ws://127.0.0.1:{port}", token="t", on_event=lambda e: seen.append(e["seq"]))
            board.seq = 3  # it had seen up to 3 before it lost the connection
            task = asyncio.create_task(board.run())
            await board.wait_connected(5)
            for _ in range(100):
                if len(seen) == 4:
                    break
                await asyncio.sleep(0.01)
            await board.close()
            await task
        assert seen == [4, 5, 6, 7]

    run(scenario())
