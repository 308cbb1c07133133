"""A board reports its sound's faults to the manager (``device.report``, component ``audio``)
and clears them when mended: real boards (Kivy windows under Xvfb, each in its own process)
against a real queue server in a subprocess with a real SQLite file."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from tests.display_board.conftest import BoardProcess, ServerProcess
from tests.integration.client import Client
from tests.support.demo import OFFICERS

MISSING = "vi/num-nawm.wav"  # "năm": the pack cannot say counter 5


async def hello(url: str, token: str) -> Client:
    client = await Client.open(url)
    await client.ok("hello", token=token)
    return client


async def counter(url: str, number: int) -> Client:
    client = await hello(url, f"demo-counter-{number}-token")
    user, pin = OFFICERS[number]
    await client.ok("officer.sign_in", user=user, pin=pin)
    await client.ok("counter.open")
    return client


async def audio_report(manager: Client) -> dict[str, Any]:
    """The next report of board-hall's sound that the manager receives."""
    while True:
        event = await manager.next_event("device.status", timeout=30)
        if (event["device"], event["component"]) == ("board-hall", "audio"):
            return event


async def spoken(board: BoardProcess, label: str) -> dict[str, Any]:
    state = await board.wait_for(lambda s: any(c["label"] == label for c in s["spoken"]), what=f"{label} said")
    return next(c for c in state["spoken"] if c["label"] == label)


def test_a_missing_clip_is_reported_and_cleared_once_it_is_back(server_factory, short_pack: Path, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(short_pack, pack)
    (pack / MISSING).unlink()
    server: ServerProcess = server_factory({"board-hall": {"voice_pack": str(pack), "voice_repeat": 1}})

    async def scenario() -> None:
        manager = await hello(server.url, "demo-manager-token")
        kiosk = await hello(server.url, "demo-kiosk-1-token")
        for service in ("HT", "DKKD", "DKKD"):
            await kiosk.ok("ticket.issue", service=service)
        board = await BoardProcess.start(server, "board-hall", "1366x768", tmp_path / "var", short_pack)
        try:
            await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            first, fifth = await counter(server.url, 1), await counter(server.url, 5)

            await first.ok("ticket.call_next")  # A001 to counter 1: every clip there
            assert (await spoken(board, "A001"))["missing"] == []
            report = await audio_report(manager)
            assert report["ok"] is True and report["detail"] == ""

            await fifth.ok("ticket.call_next")  # C001 to counter 5: "năm" is missing
            assert (await spoken(board, "C001"))["missing"] == ["vi:năm"]
            report = await audio_report(manager)
            assert (report["ok"], report["detail"]) == (False, "clips_missing")
            status = (await manager.ok("queue.snapshot"))["snapshot"]["device_status"]
            assert {"device": "board-hall", "component": "audio", "ok": False, "detail": "clips_missing"}.items() <= next(
                s for s in status if s["device"] == "board-hall"
            ).items()
            await first.ok("ticket.recall", ticket=(await first.ok("counter.status"))["current"]["id"])
            await board.wait_for(lambda s: [c["label"] for c in s["spoken"]] == ["A001", "C001", "A001"], what="the recall")
            await asyncio.sleep(1.0)  # said in full, but the pack still lacks "năm": no change
            assert [e for e in manager.drain() if e["ev"] == "device.status"] == []

            # the clip is put back: the next call at counter 5 is said in full, the fault cleared
            shutil.copyfile(short_pack / MISSING, pack / MISSING)
            await fifth.ok("ticket.complete")
            await fifth.ok("ticket.call_next")
            assert (await spoken(board, "C002"))["missing"] == []
            report = await audio_report(manager)
            assert (report["ok"], report["detail"]) == (True, "")
        finally:
            await board.stop()

    asyncio.run(scenario())


def test_a_sound_output_that_plays_nothing_is_reported_and_cleared_when_mended(
    server_factory, short_pack: Path, tmp_path: Path
) -> None:
    server: ServerProcess = server_factory({"board-hall": {"voice_pack": str(short_pack), "voice_repeat": 1}})

    async def scenario() -> None:
        manager = await hello(server.url, "demo-manager-token")
        kiosk = await hello(server.url, "demo-kiosk-1-token")
        for _ in range(2):
            await kiosk.ok("ticket.issue", service="HT")
        first = await counter(server.url, 1)
        var = tmp_path / "var"
        # SDL cannot open this output: Kivy gives a sound that never plays
        board = await BoardProcess.start(server, "board-hall", "1366x768", var, short_pack, audio_driver="no-such-driver")
        try:
            await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            await first.ok("ticket.call_next")
            await spoken(board, "A001")
            report = await audio_report(manager)
            assert (report["ok"], report["detail"]) == (False, "player_failed")
            await first.ok("ticket.complete")
            await first.ok("ticket.call_next")  # the board goes on: A002 is shown and its turn ends
            state = await board.wait_for(lambda s: len(s["finished"]) == 2, what="both calls over")
            assert state["view"]["featured"]["label"] == "A002"
        finally:
            await board.stop()

        board = await BoardProcess.start(server, "board-hall", "1366x768", var, short_pack)  # a working output
        try:
            await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            await first.ok("ticket.recall", ticket=(await first.ok("counter.status"))["current"]["id"])
            await spoken(board, "A002")
            report = await audio_report(manager)
            assert (report["ok"], report["detail"]) == (True, "")
            snapshot = (await manager.ok("queue.snapshot"))["snapshot"]
            assert next(s for s in snapshot["device_status"] if s["device"] == "board-hall")["ok"] is True
        finally:
            await board.stop()

    asyncio.run(scenario())
