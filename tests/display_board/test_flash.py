"""The called number's row flashes on a real board under Xvfb (for citizens who cannot hear the
call): its counter's row and its row in the last calls light up in an amber frame and back, once
a second, for the board's ``flash_seconds``; a reloaded configuration with ``flash_seconds = 0`` turns it off
live, in the same process. A real server in this loop with a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PIL import Image

from queue_server.config.site import parse_config
from queue_server.server.reconfig import apply_config
from tests.display_board.conftest import ARTEFACTS, BoardProcess
from tests.display_board.test_state_start import board_site, hello, state_folder
from tests.support.demo import DEMO_TOKENS, OFFICERS
from tests.support.ports import free_port
from tests.support.servers import running_server

AMBER = (255, 201, 41)  # widgets.kv's AMBER


def _rows(cells: dict[str, Any], label: str) -> list[dict[str, Any]]:
    """The cells of the counters and last calls tables that show ``label``."""
    return [c for table in ("counters", "calls") for c in cells[table] if any(text == label for text, _ in c["labels"])]


async def _shot(board: BoardProcess, name: str) -> tuple[Path, tuple[int, int]]:
    """The window's pixels, and the window's size (the box's coordinates are the window's)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    reply = await board.ask("shot", path=str(ARTEFACTS / name))
    width, height = reply["window"]
    return Path(reply["path"]), (width, height)


def _amber_in(shot: Path, window: tuple[int, int], box: list[float]) -> bool:
    """Whether the row's box on the screenshot (window coordinates, y up) is framed in amber
    (more than 3 % of its pixels: the frame; none otherwise, the ticket's yellow is another)."""
    with Image.open(shot) as image:
        sx, sy = image.width / window[0], image.height / window[1]
        x, y, right, top = box
        area = image.convert("RGB").crop((int(x * sx) + 2, int((window[1] - top) * sy) + 2, int(right * sx) - 2, int((window[1] - y) * sy) - 2))
        pixels = list(area.getdata())
    near = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p, AMBER, strict=True)))
    return near > len(pixels) * 0.03


def test_the_called_numbers_row_flashes_for_flash_seconds_and_0_turns_it_off_live(short_pack: Path, tmp_path: Path) -> None:
    port = free_port()
    site = board_site(tmp_path, port, short_pack)  # flash_seconds: the default, 10
    config = parse_config(site, tmp_path / "server-only" / "site.toml")
    assert "flash_seconds" not in config.device("board-hall").options
    state = state_folder(tmp_path, port, DEMO_TOKENS["board-hall"])

    async def scenario() -> None:
        async with running_server(config, tmp_path / "lobby.db", port) as running:
            kiosk = await hello(running.url, DEMO_TOKENS["kiosk-1"])
            counter = await hello(running.url, DEMO_TOKENS["counter-1"])
            await counter.ok("officer.sign_in", user=OFFICERS[1][0], pin=OFFICERS[1][1])
            await counter.ok("counter.open")
            board = await BoardProcess.start_state(state, tmp_path)
            try:
                await board.wait_for(lambda s: s["view"]["synced"] and s["live"], what="the snapshot")
                await _shot(board, "flash-before.png")  # the first shot takes seconds (a warm-up): not during the flashing
                await kiosk.ok("ticket.issue", service="HT")
                label = (await counter.ok("ticket.call_next"))["ticket"]["label"]
                flashing = await board.wait_for(
                    lambda s: (s["view"]["flashing"] or {}).get("label") == label, what=f"{label} flashing"
                )
                assert flashing["options"]["flash_seconds"] == 10.0
                tables = await board.cells_when(lambda t: any(r["flashing"] for r in _rows(t, label)), what=f"{label}'s rows flashing")
                rows = _rows(tables, label)
                assert len(rows) == 2 and all(r["flashing"] for r in rows), rows  # its counter's row and its last call

                # on screen: the row's amber frame comes and goes (a few shots, not in step with it)
                seen = set()
                for index in range(8):
                    shot, window = await _shot(board, f"flash-{index}.png")
                    seen.add(_amber_in(shot, window, rows[0]["box"]))
                    if seen == {True, False}:
                        break
                    await asyncio.sleep(0.15 * (index % 3))  # no shot in step with the blinking
                assert seen == {True, False}, seen

                # after flash_seconds the rows are still (the big panel keeps its highlight: 60 s)
                still = await board.wait_for(lambda s: s["view"]["flashing"] is None, timeout=15, what="the flashing over")
                assert still["view"]["highlighted"] and still["featured_text"] == label
                # (the view is asked at once, the widgets follow at the window's next frame)
                tables = await board.cells_when(
                    lambda t: not any(r["flashing"] or r["lit"] for r in _rows(t, label)), what="the rows still"
                )
                rows = _rows(tables, label)
                assert len(rows) == 2, rows
                assert not _amber_in(*await _shot(board, "flash-over.png"), rows[0]["box"])

                # motcua-server reload with flash_seconds = 0: the next call does not flash
                off = parse_config(site.replace("voice_repeat = 1", "voice_repeat = 1, flash_seconds = 0", 1), tmp_path / "server-only" / "site.toml")
                assert apply_config(running.hub, off) >= 1
                await board.wait_for(lambda s: s["options"]["flash_seconds"] == 0.0, what="the new configuration")
                await kiosk.ok("ticket.issue", service="HT")
                await counter.ok("ticket.complete")
                second = (await counter.ok("ticket.call_next"))["ticket"]["label"]
                shown = await board.wait_for(lambda s: s["featured_text"] == second and s["view"]["highlighted"], what=f"{second} called")
                assert shown["view"]["flashing"] is None
                rows = _rows((await board.ask("cells"))["tables"], second)
                assert rows and not any(r["flashing"] for r in rows), rows
                assert board.process.returncode is None  # the same process: no restart
            finally:
                await board.stop()
                for client in (kiosk, counter):
                    await client.close()

    asyncio.run(scenario())
