"""The hub's two ways to write: the fast path (pre-built frames to the transport, websockets
internals) on the versions it was tested on, the public ``connection.send()`` otherwise — and
a lobby works the same through either."""

from __future__ import annotations

from pathlib import Path

import pytest
import websockets

from queue_server.server import fastpath
from queue_server.server.fastpath import FastPath, PublicPath
from tests.integration.conftest import Clock, run, running_lobby


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "lobby.db"


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_the_fast_path_is_used_only_on_the_websockets_versions_it_was_tested_on() -> None:
    assert [fastpath.tested(v) for v in ("17.0", "17.4", "17.0.1")] == [True, True, True]
    assert [fastpath.tested(v) for v in ("15.0.1", "16.1", "18.0")] == [False, False, False]
    assert fastpath.FAST == fastpath.tested(websockets.__version__)


def test_the_hub_takes_the_fast_path_on_this_websockets(db_path, clock: Clock) -> None:
    if not fastpath.FAST:
        pytest.skip(f"websockets {websockets.__version__}: the fast path is not used")

    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            assert isinstance(lobby.hub.fanout.path, FastPath)

    run(scenario())


@pytest.mark.parametrize("path", [FastPath, PublicPath])
def test_a_lobby_works_the_same_through_either_path(db_path, clock: Clock, path: type) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            lobby.hub.fanout.path = path()
            board = await lobby.client("display")
            kiosk = await lobby.client("kiosk")
            mine = (await kiosk.ok("ticket.issue", service="HT"))["ticket"]
            assert (await board.next_event("ticket.issued"))["label"] == "A001"
            phone = await lobby.client(ticket=mine["url"])
            officer = await lobby.officer("counter-1", "lan")
            assert (await officer.ok("ticket.call_next"))["ticket"]["label"] == "A001"
            call = await board.next_event("ticket.called")
            assert (call["label"], call["counter"]) == ("A001", 1)
            assert (await phone.next_event("ticket.called"))["counter"] == 1
            for label in ("A002", "A003", "A004"):  # replies and events in order, none lost
                assert (await kiosk.ok("ticket.issue", service="HT"))["ticket"]["label"] == label
                assert (await board.next_event("ticket.issued"))["label"] == label

    run(scenario())
