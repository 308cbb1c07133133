"""The board's controller with the real queue client and a real server (in-process): what is
said after a reconnect. The sound card is replaced by a player that keeps what it was given."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from display_board.announcer import Announcer
from display_board.board import Board
from display_board.controller import BoardController, Speaker
from display_board.voice import VoicePack
from display_board.voicegen import CHIME
from queue_server.protocol.client import QueueClient
from tests.integration.conftest import Clock, running_lobby
from tests.integration.sites import TOKENS
from voice.audio import read_wav
from voice.numbers import NORTH


class KeptPlayer:
    """Keeps each WAV it is asked to play and ends it at once."""

    def __init__(self) -> None:
        self.played: list[tuple[str, float]] = []

    def play(self, path: Path, seconds: float, on_done: Callable[[], None]) -> bool:
        self.played.append((path.name, read_wav(path).seconds))
        asyncio.get_running_loop().call_soon(on_done)
        return True


async def _wait(predicate: Callable[[], bool], timeout: float = 5) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _board_client(url: str, controller: BoardController, seq: int | None = None) -> QueueClient:
    client = QueueClient(url, token=TOKENS["display"], on_event=controller.on_event,
                         on_snapshot=controller.on_snapshot, on_status=controller.on_status)  # fmt: skip
    client.seq = seq
    return client


def test_after_a_reconnect_old_calls_are_shown_not_said_and_recent_ones_are_said(
    tmp_path: Path, short_pack: Path
) -> None:
    clock = Clock()
    player = KeptPlayer()
    board = Board()
    controller = BoardController(
        board,
        Announcer(repeat=2, catch_up_window=dt.timedelta(seconds=20)),
        Speaker(VoicePack(short_pack, CHIME), player, tmp_path / "calls", english=False, style=NORTH),
        monotonic=lambda: clock.now.timestamp(),
        wall_clock=clock,
    )

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            for _ in range(4):
                await kiosk.ok("ticket.issue", service="HT")
            counter_1 = await lobby.officer("counter-1", "lan")
            counter_2 = await lobby.officer("counter-2", "minh")

            client = _board_client(lobby.url, controller)
            task = asyncio.create_task(client.run())
            await client.wait_connected(5)
            await counter_1.ok("ticket.call_next")  # A001, live
            await _wait(lambda: len(controller.spoken) == 1 and controller.announcer.playing is None)
            await client.close()
            await task
            seen = client.seq

            # While the board is away: A002 a minute ago, then A003 and a recall of A002 just now.
            await counter_2.ok("ticket.call_next")
            clock.advance(seconds=60)
            await counter_1.ok("ticket.complete")
            await counter_1.ok("ticket.call_next")
            await counter_2.ok("ticket.recall")

            client = _board_client(lobby.url, controller, seq=seen)
            task = asyncio.create_task(client.run())
            await client.wait_connected(5)
            await _wait(lambda: controller.announcer.playing is None and not controller.announcer.pending)
            assert [(s.label, s.recall) for s in controller.spoken] == [("A001", False), ("A003", False), ("A002", True)]
            assert [c.label for c in board.view(0).calls][:3] == ["A002", "A003", "A001"]

            # Again with nothing missed: nothing said again.
            await client.close()
            await task
            client = _board_client(lobby.url, controller, seq=client.seq)
            task = asyncio.create_task(client.run())
            await client.wait_connected(5)
            await asyncio.sleep(0.2)
            assert len(controller.spoken) == 3
            await client.close()
            await task

    asyncio.run(scenario())
    assert len(player.played) == 3
    assert all(seconds > 1.0 for _, seconds in player.played)


def test_a_board_started_later_shows_finished_and_forgotten_calls_as_history_not_now_calling(tmp_path: Path) -> None:
    """A001 called and served to the end, A002 called and left (its citizen never came): 18
    minutes later a board starts. Nothing is "now calling" — both are in the last calls list —
    until A003 is called; a board started then shows A003."""
    clock = Clock()

    def started_board(url: str) -> tuple[Board, QueueClient]:
        board = Board()
        controller = BoardController(
            board, Announcer(repeat=1, catch_up_window=dt.timedelta(seconds=20)), None,
            monotonic=lambda: clock.now.timestamp(), wall_clock=clock,
        )  # fmt: skip
        return board, _board_client(url, controller)

    async def scenario() -> None:
        async with running_lobby(tmp_path / "lobby.db", clock=clock) as lobby:
            kiosk = await lobby.client("kiosk")
            for _ in range(3):
                await kiosk.ok("ticket.issue", service="HT")
            counter_1 = await lobby.officer("counter-1", "lan")
            counter_2 = await lobby.officer("counter-2", "minh")
            await counter_1.ok("ticket.call_next")  # A001 at 09:00
            clock.advance(minutes=1)
            await counter_2.ok("ticket.call_next")  # A002 at 09:01: nobody comes, nobody marks it
            await counter_1.ok("ticket.serve")
            clock.advance(minutes=2)
            await counter_1.ok("ticket.complete")  # 09:03
            clock.advance(minutes=18)  # 09:21: A001 finished 18 minutes ago, A002 called 20 minutes ago

            board, client = started_board(lobby.url)
            task = asyncio.create_task(client.run())
            await client.wait_connected(5)
            await _wait(lambda: board.view(0).synced)
            view = board.view(clock.now.timestamp())
            assert [c.label for c in view.calls] == ["A002", "A001"]  # history
            assert view.featured is None, view.featured  # nothing under "now calling"
            await client.close()
            await task

            await counter_1.ok("ticket.call_next")  # A003, now
            board, client = started_board(lobby.url)
            task = asyncio.create_task(client.run())
            await client.wait_connected(5)
            await _wait(lambda: board.view(0).synced)
            view = board.view(clock.now.timestamp())
            assert view.featured is not None and (view.featured.label, view.featured.counter) == ("A003", 1)
            assert [c.label for c in view.calls] == ["A003", "A002", "A001"]
            await counter_1.ok("ticket.serve")  # the citizen is at the counter: the call is answered
            await _wait(lambda: board.view(0).featured is None)
            await client.close()
            await task

    asyncio.run(scenario())
