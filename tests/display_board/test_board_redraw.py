"""A real board (Kivy window under Xvfb, its own process) against a real queue server: a call is
in the big panel from the next frame after its event arrives, and a refresh keeps the tables'
cells, making again only the labels whose text changed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.display_board.conftest import BoardProcess, ServerProcess
from tests.display_board.test_board_window import _call, _counter, _issue

MOST_FRAMES = 2  # from the event's arrival to the screen's widgets (the 0.25 s poll took ~7)
HIGHLIGHT = 3  # seconds: the last call's highlight ends on screen then, not at the next clock tick


def _by_text(cells: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Cells by their first label's text (a counter's "Quầy N", a call's number, a field's name)."""
    return {cell["labels"][0][0]: cell for cell in cells}


def test_a_call_is_shown_at_the_next_frame_and_unchanged_cells_keep_their_textures(
    server_factory, short_pack: Path, tmp_path: Path
) -> None:
    options = {"voice_pack": str(short_pack), "voice_repeat": 1, "highlight_seconds": HIGHLIGHT}
    server: ServerProcess = server_factory({"board-hall": options})

    async def scenario() -> None:
        await _issue(server.url, {"HT": 3, "DD": 3, "GPLX": 2})
        counters = {n: await _counter(server.url, n) for n in (1, 3, 6)}  # HT, DD, GPLX
        earlier = [await _call(counters[n]) for n in (1, 3, 6)]  # in the snapshot's recent calls
        for counter in counters.values():
            await counter.ok("ticket.complete")
        board = await BoardProcess.start(server, "board-hall", "1920x1080", tmp_path / "var", short_pack)
        try:
            await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
            live: list[str] = []
            for number in (3, 6, 1, 3):
                if number == 3 and live:
                    await counters[3].ok("ticket.complete")  # after the cells were compared
                label = await _call(counters[number])
                live.append(label)
                await board.wait_for(
                    lambda s, label=label: s["featured_text"] == label and s["playing"] is None,
                    what=f"{label} shown and said",
                )
                if len(live) == 1:
                    before = (await board.ask("cells"))["tables"]
                elif len(live) == 2:
                    after = (await board.ask("cells"))["tables"]

            moments = (await board.ask("moments"))["moments"]
            for label in live:
                arrived, shown = moments["calls"][label]["arrived"], moments["calls"][label]["shown"]
                assert shown[0] - arrived[0] <= MOST_FRAMES, (label, moments["calls"][label])

            state = await board.wait_for(lambda s: not s["view"]["highlighted"], what="the highlight's end")
            featured_at = state["spoken"][-1]["started"]
            await asyncio.sleep(0.3)
            ended = (await board.ask("moments"))["moments"]["highlight_ended"]
            assert any(0 <= t - (featured_at + HIGHLIGHT) < 0.5 for t in ended), (featured_at, ended)

            # Between the two: counter 6 called live[1] (GPLX), on top of the last calls.
            first, second = live[0], live[1]
            counters_before, counters_after = _by_text(before["counters"]), _by_text(after["counters"])
            assert counters_before.keys() == counters_after.keys() == {f"Quầy {n}" for n in range(1, 11)}
            for name, cell in counters_after.items():
                assert cell["id"] == counters_before[name]["id"], name  # the same widget
                if name != "Quầy 6":
                    assert cell["labels"] == counters_before[name]["labels"], name  # no texture made
            assert counters_after["Quầy 6"]["labels"][1][0] == second

            calls_before, calls_after = _by_text(before["calls"]), _by_text(after["calls"])
            assert set(calls_before) == {first, *earlier} and set(calls_after) == {second, first, *earlier}
            for label in earlier:
                assert calls_after[label]["id"] == calls_before[label]["id"], label
                assert calls_after[label]["labels"] == calls_before[label]["labels"], label
            assert calls_after[first]["id"] == calls_before[first]["id"]  # no longer the newest: recoloured
            assert calls_after[first]["labels"][1] == calls_before[first]["labels"][1]  # its "Quầy 3" kept

            fields_before, fields_after = _by_text(before["fields"]), _by_text(after["fields"])
            changed = [name for name in fields_after if fields_after[name]["labels"] != fields_before[name]["labels"]]
            assert changed == ["Giấy phép lái xe"], changed  # one fewer waiting there, nothing else
            assert all(fields_after[name]["id"] == fields_before[name]["id"] for name in fields_after)
        finally:
            await board.stop()
        for client in counters.values():
            await client.close()

    asyncio.run(scenario())
