"""A real display board (the app ``motcua-display`` wires, same bootstrap) in its own process,
probed from the outside and driven by line commands on stdin (see :func:`.window.serve_commands`):

    python -m bench.apps.board_runner --config F --device ID --server URL --size 1920x1080 --var DIR

    {"cmd": "ready"}                        connected, the server's snapshot loaded and drawn
    {"cmd": "drawn", "label": "A000012"}    when the first frame showing that number in the big
                                            "now calling" panel was swapped onto the screen
    {"cmd": "quiet", "seconds": 0.3}        answers once no frame has been drawn for that long
    {"cmd": "screenshot", "path": P}        the window's pixels
    {"cmd": "quit"}

The probe (:func:`.window.after_each_frame`) looks after every swapped frame at the labels of
the featured-call panel; a number counts as drawn once a label there shows it with its texture
made from it. More moments are noted on the way: when the call's event reached the board's
queue client; when the refresh that gave the number to the screen's widgets began and ended
(the board refreshes its widgets on the frame after a change); when that frame's drawing began.

The board runs with its voice off, and a call stays "being announced" ``--silent-seconds``
(the app's default is 4 s): calls come faster here than in a lobby, and each must find the
panel free, as in a lobby, rather than queue behind the last one.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")

from bench.apps.window import after_each_frame, label_drawn, labels_in, quiet, screenshot, serve_commands, wait_until


class BoardProbe:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.arrived: dict[str, float] = {}  # number → when its call event reached the board's client
        self.refreshed: dict[str, tuple[float, float]] = {}  # number → the refresh that gave it to the widgets
        self.drawn: dict[str, tuple[float, float]] = {}  # number → (that frame began, was swapped in)
        self.panel: Any = None
        self.installed = False
        self.last_swap = 0.0  # when the last frame was swapped in

    def _look(self, began: float, swapped: float) -> None:
        self.last_swap = swapped
        screen = self.app.screen
        label = screen.featured_label if screen is not None else ""
        if not label or label in self.drawn:
            return
        if self.panel is None:
            from display_board.screen import FeaturedCall

            self.panel = next((w for w in screen.walk() if isinstance(w, FeaturedCall)), None)
            if self.panel is None:
                return
        if any(label_drawn(widget, label) for widget in labels_in(self.panel)):
            self.drawn[label] = (began, swapped)

    def _install(self) -> None:
        after_each_frame(self._look)
        board = self.app.controller.board
        apply = board.apply

        def timed_apply(event: dict[str, Any]) -> Any:
            if event.get("ev") == "ticket.called" and isinstance(event.get("label"), str):
                self.arrived.setdefault(event["label"], time.perf_counter())
            return apply(event)

        board.apply = timed_apply
        refresh, screen = self.app.refresh, self.app.screen

        def timed_refresh() -> None:
            started, before = time.perf_counter(), screen.featured_label
            refresh()
            if screen.featured_label != before:
                self.refreshed.setdefault(screen.featured_label, (started, time.perf_counter()))

        self.app.refresh = timed_refresh  # what the board's change trigger (and its 1 s clock) calls

    async def cmd_ready(self, limit: float = 60.0) -> dict[str, Any]:
        app = self.app
        await wait_until(lambda: app.screen is not None and app.root is not None, limit, "the board's window")
        if not self.installed:
            self.installed = True
            self._install()
        view = lambda: app.controller.board.view(app.monotonic())  # noqa: E731 - a named view, read again below
        await wait_until(lambda: app.controller.live and view().synced, limit, "the board connected and synced")
        await asyncio.sleep(0.3)  # the snapshot drawn (a refresh on the next frame, and that frame)
        return {}

    async def cmd_drawn(self, label: str, limit: float = 15.0) -> dict[str, Any]:
        await wait_until(lambda: label in self.drawn, limit, f"{label} drawn on the board")
        refreshed = self.refreshed.get(label, (None, None))
        return {
            "arrived_at": self.arrived.get(label),
            "refresh_began_at": refreshed[0],
            "refreshed_at": refreshed[1],
            "frame_began_at": self.drawn[label][0],
            "drawn_at": self.drawn[label][1],
        }

    async def cmd_quiet(self, seconds: float = 0.3, limit: float = 10.0) -> dict[str, Any]:
        """Answers once no frame has been drawn for ``seconds``."""
        await quiet(lambda: self.last_swap, seconds, limit)
        return {}

    async def cmd_screenshot(self, path: str) -> dict[str, Any]:
        self.app.refresh()
        await asyncio.sleep(0.3)  # two frames drawn after the refresh
        return {"path": str(screenshot(Path(path)))}

    async def cmd_quit(self) -> dict[str, Any]:
        return {}


async def run(app: Any, probe: BoardProbe) -> None:
    commands = asyncio.create_task(serve_commands(probe, app.stop))
    try:
        await app.run_with_client()
    finally:
        commands.cancel()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.apps.board_runner")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--device", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--var", type=Path, required=True)
    parser.add_argument("--silent-seconds", type=float, default=0.2)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from display_board.bootstrap import build_app, load_setup, prepare_kivy

    setup = load_setup(args.config, args.device, args.server, args.var)
    width, height = (int(v) for v in args.size.split("x"))
    prepare_kivy(setup, (width, height))
    app = build_app(setup)
    app.controller.silent_seconds = args.silent_seconds
    asyncio.run(run(app, BoardProbe(app)))


if __name__ == "__main__":
    main()
