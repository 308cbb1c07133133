"""What the board tells the server about its sound, and when: only changes, a fault found at
start standing for the run, what the connection lost sent again; and the controller's verdict
on each call (a WAV that cannot be written is a fault, and the board goes on)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from display_board.announcer import Announcer
from display_board.board import Board
from display_board.controller import BoardController, Speaker
from display_board.faults import AudioFault, AudioReporter
from display_board.voice import VoicePack
from display_board.voicegen import CHIME
from queue_server.protocol.client import NotConnected
from tests.display_board.test_board_model import called, snapshot
from voice.numbers import NORTH


class Server:
    """Takes ``device.report`` requests, or refuses them as a lost connection would."""

    def __init__(self) -> None:
        self.reports: list[dict[str, Any]] = []
        self.connected = True

    async def request(self, op: str, **args: Any) -> dict[str, Any]:
        if not self.connected:
            raise NotConnected("not connected to the queue server")
        assert op == "device.report"
        self.reports.append(args)
        return {}


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_only_changes_are_reported_and_a_standing_fault_wins() -> None:
    async def scenario() -> list[dict[str, Any]]:
        server = Server()
        reporter = AudioReporter(server)
        await settle()
        assert server.reports == []  # nothing known yet: nothing said
        reporter.call_said(None)
        await settle()
        reporter.call_said(None)
        reporter.call_said(AudioFault.CLIPS_MISSING)
        await settle()
        reporter.call_said(AudioFault.CLIPS_MISSING)
        reporter.standing(AudioFault.NO_SOUND_CARD)
        await settle()
        reporter.call_said(None)  # a call "said in full" into no sound card
        await settle()
        return server.reports

    assert asyncio.run(scenario()) == [
        {"component": "audio", "ok": True},
        {"component": "audio", "ok": False, "detail": "clips_missing"},
        {"component": "audio", "ok": False, "detail": "no_sound_card"},
    ]


def test_a_report_the_connection_lost_is_sent_once_connected() -> None:
    async def scenario() -> list[dict[str, Any]]:
        server = Server()
        server.connected = False
        reporter = AudioReporter(server)
        reporter.call_said(AudioFault.PLAYER_FAILED)
        await settle()
        assert server.reports == []
        server.connected = True
        reporter.on_status("connecting")
        await settle()
        assert server.reports == []
        reporter.on_status("connected")
        await settle()
        reporter.on_status("connected")  # told already: not again
        await settle()
        return server.reports

    assert asyncio.run(scenario()) == [{"component": "audio", "ok": False, "detail": "player_failed"}]


class Player:
    def __init__(self) -> None:
        self.played: list[Path] = []

    def play(self, path: Path, seconds: float, on_done: Callable[[], None]) -> bool:
        self.played.append(path)
        on_done()
        return True


def test_a_call_whose_sound_cannot_be_written_is_a_fault_and_the_board_goes_on(short_pack: Path, tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    player = Player()
    speaker = Speaker(VoicePack(short_pack, CHIME), player, calls, english=False, style=NORTH)
    later: list[Callable[[], None]] = []
    verdicts: list[AudioFault | None] = []
    controller = BoardController(
        Board(), Announcer(repeat=1), speaker,
        monotonic=lambda: 100.0,
        wall_clock=lambda: dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC),
        schedule=lambda _seconds, fn: later.append(fn),
        on_audio=verdicts.append,
    )  # fmt: skip
    controller.on_snapshot(snapshot())
    controller.on_status("connected")
    controller.on_event(called(11, "A005", 1))
    assert verdicts == [None] and len(player.played) == 1
    shutil.rmtree(calls)
    calls.write_text("not a folder")  # the calls' folder is gone: no WAV can be written
    controller.on_event(called(12, "A006", 1))
    assert verdicts == [None, AudioFault.FILE_FAILED] and len(player.played) == 1
    assert controller.board.view(100.0).featured.label == "A006"  # shown all the same
    controller.on_event(called(13, "A007", 1))
    later.pop(0)()  # A006's time is over: A007 comes next
    assert controller.board.view(100.0).featured.label == "A007"
