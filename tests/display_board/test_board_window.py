"""Real boards (Kivy windows under Xvfb, each in its own process) against a real queue server
in a subprocess with a real SQLite file: layouts with live calls, bursts, the lost connection."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from tests.display_board.conftest import BoardProcess, ServerProcess
from tests.integration.client import Client
from tests.support.demo import OFFICERS

TICKETS = {"HT": 3, "DD": 2, "DKKD": 2, "GPLX": 2, "CC": 1, "BHXH": 1, "TP": 1, "KQ": 2}


async def _hello(url: str, token: str) -> Client:
    client = await Client.open(url)
    await client.ok("hello", token=token)
    return client


async def _counter(url: str, number: int) -> Client:
    client = await _hello(url, f"demo-counter-{number}-token")
    user, pin = OFFICERS[number]
    await client.ok("officer.sign_in", user=user, pin=pin)
    await client.ok("counter.open")
    return client


async def _issue(url: str, tickets: dict[str, int]) -> None:
    kiosk = await _hello(url, "demo-kiosk-1-token")
    for service, count in tickets.items():
        for _ in range(count):
            await kiosk.ok("ticket.issue", service=service)
    await kiosk.close()


async def _call(counter: Client) -> str:
    reply = await counter.ok("ticket.call_next")
    return reply["ticket"]["label"]


def test_layouts_show_live_calls_at_both_sizes(server_factory, espeak_pack: Path, tmp_path: Path) -> None:
    options = {"voice_repeat": 1, "highlight_seconds": 60, "english_voice": True}
    server: ServerProcess = server_factory({"board-hall": options, "board-floor2": options})

    async def scenario() -> None:
        await _issue(server.url, TICKETS)
        manager = await _hello(server.url, "demo-manager-token")
        await manager.ok(
            "announcement.set",
            text_vi="Trung tâm nghỉ trưa từ 11:30 đến 13:30. Công dân vui lòng chuẩn bị căn cước khi đến quầy.",
            text_en="Lunch break 11:30–13:30",
        )
        counters = {n: await _counter(server.url, n) for n in (1, 2, 3, 5, 6, 7)}
        earlier = [await _call(counters[n]) for n in (2, 3)]  # in the snapshot's recent calls
        runs = [
            ("board-hall", "1920x1080", "landscape", 1),
            ("board-hall", "1366x768", "landscape", 5),
            ("board-hall", "1080x1920", "portrait", 6),
            ("board-floor2", "768x1366", "portrait", 7),
        ]
        for device, size, layout, number in runs:
            board = await BoardProcess.start(server, device, size, tmp_path / "var", espeak_pack, layout)
            try:
                await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
                label = await _call(counters[number])
                state = await board.wait_for(
                    lambda s: s["spoken"] and s["spoken"][-1]["label"] == label, what=f"{label} announced"
                )
                view = state["view"]
                assert view["featured"]["label"] == label and view["featured"]["counter"] == number
                assert view["highlighted"] is True
                assert view["ticker_vi"].startswith("Trung tâm nghỉ trưa")
                assert state["layout"] == ("PortraitBoard" if layout == "portrait" else "LandscapeBoard")
                spoken = state["spoken"][-1]
                assert spoken["missing"] == []
                assert spoken["clips"][:2] == ["chime", "vi:Mời công dân có số thứ tự"]
                assert "en:please go to counter" in spoken["clips"]
                shown = {row["number"]: row["label"] for row in view["counters"]}
                if device == "board-floor2":  # limited to counters 6–10 by the configuration
                    assert sorted(shown) == [6, 7, 8, 9, 10]
                    assert {c["counter"] for c in view["calls"]} <= {6, 7, 8, 9, 10}
                else:
                    assert sorted(shown) == list(range(1, 11))
                    assert shown[2] == earlier[0] and shown[3] == earlier[1]
                    assert [c["label"] for c in view["calls"]][:1] == [label]
                    assert {earlier[0], earlier[1]} <= {c["label"] for c in view["calls"]}
                assert shown[number] == label
                services = (await manager.ok("services.list"))["services"]
                waiting = {s["code"]: s["waiting"] for s in services}
                for field in view["fields"]:
                    assert field["waiting"] == waiting[field["code"]], field
                path = await board.shot(f"{device}-{layout}-{size}.png")
                reply_size = tuple(int(v) for v in size.split("x"))
                assert path.stat().st_size > 20_000
                from PIL import Image

                with Image.open(path) as image:
                    assert image.size == reply_size
            finally:
                await board.stop()
        for client in [manager, *counters.values()]:
            await client.close()

    asyncio.run(scenario())


def test_burst_is_said_in_order_and_the_lost_server_shows_a_banner(
    server_factory, short_pack: Path, tmp_path: Path
) -> None:
    server = server_factory(
        {"board-hall": {"voice_pack": str(short_pack), "offline_after_seconds": 2, "voice_repeat": 2}}
    )

    async def scenario() -> None:
        await _issue(server.url, {"HT": 2, "DD": 2, "DKKD": 1, "GPLX": 2, "BHXH": 1, "TP": 1, "KQ": 1})
        counters = {n: await _counter(server.url, n) for n in range(1, 11)}
        watcher = await _hello(server.url, "demo-manager-token")
        board = await BoardProcess.start(server, "board-hall", "1366x768", tmp_path / "var", short_pack)
        try:
            await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            watcher.drain()
            started = time.monotonic()
            await asyncio.gather(*(_call(c) for c in counters.values()))
            assert time.monotonic() - started < 1.0  # ten calls within one second
            called = []
            while len(called) < 10:
                called.append((await watcher.next_event("ticket.called"))["label"])
            state = await board.wait_for(
                lambda s: len(s["finished"]) >= 10 and s["playing"] is None, timeout=60, what="ten calls said"
            )
            spoken = state["spoken"]
            assert [s["label"] for s in spoken] == called  # all of them, in the server's order
            # The first is said twice; while four or more wait, each once; then twice again.
            assert [s["repeat"] for s in spoken] == [2, 1, 1, 1, 1, 1, 1, 2, 2, 2]
            finished = state["finished"]
            for index, item in enumerate(spoken):
                assert item["missing"] == []
                played = finished[index] - item["started"]
                assert played >= item["seconds"] - 0.05, (item["label"], played, item["seconds"])  # not cut off
                if index + 1 < len(spoken):
                    assert spoken[index + 1]["started"] >= finished[index]  # never two at once
            await board.shot("burst-1366x768.png")

            server.kill()
            lost = time.monotonic()
            state = await board.wait_for(lambda s: s["offline_shown"], timeout=15, what="the banner")
            assert time.monotonic() - lost >= 1.5  # not at the first hiccup
            assert state["view"]["calls"]  # the last numbers stay, under the banner
            await board.shot("offline-1366x768.png")

            server.start()
            state = await board.wait_for(
                lambda s: not s["offline_shown"] and s["status"] == "connected", timeout=20, what="the banner gone"
            )
            await asyncio.sleep(1.0)
            state = await board.state()
            assert len(state["spoken"]) == 10  # nothing said again after the reconnect
            counter = await _hello(server.url, "demo-counter-3-token")
            await counter.ok("officer.sign_in", user=OFFICERS[3][0], pin=OFFICERS[3][1])
            recalled = (await counter.ok("ticket.recall"))["ticket"]["label"]
            state = await board.wait_for(lambda s: len(s["spoken"]) == 11, what="the recall said")
            assert state["spoken"][-1]["label"] == recalled and state["spoken"][-1]["recall"] is True
            await counter.close()
        finally:
            await board.stop()
        for client in [watcher, *counters.values()]:
            await client.close()

    asyncio.run(scenario())


def test_a_board_started_after_a_call_ended_shows_it_in_the_list_not_as_now_calling(
    server_factory, short_pack: Path, tmp_path: Path
) -> None:
    server = server_factory({"board-hall": {"voice_pack": str(short_pack)}})

    async def scenario() -> None:
        await _issue(server.url, {"HT": 1})
        counter = await _counter(server.url, 1)
        label = await _call(counter)
        await counter.ok("ticket.serve")
        await counter.ok("ticket.complete")
        board = await BoardProcess.start(server, "board-hall", "1366x768", tmp_path / "var", short_pack)
        try:
            state = await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            assert state["view"]["featured"] is None and state["featured_text"] == ""  # not "Now calling"
            assert [c["label"] for c in state["view"]["calls"]] == [label]  # in the last calls
            assert state["spoken"] == []
            await board.shot("restart-after-a-finished-call-1366x768.png")
        finally:
            await board.stop()
        await counter.close()

    asyncio.run(scenario())
