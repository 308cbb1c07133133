"""Runs a real display board in its own process, for the tests (Kivy's window is one per process).

    python -m tests.display_board.harness --config F --device ID --server URL --size 1920x1080
        --var DIR [--layout landscape|portrait]
    python -m tests.display_board.harness --state DIR --size 1920x1080 --var DIR [--protocol N]
        (as ``motcua-display --state DIR``; ``--protocol``: say that protocol version in hello)

It is the board of ``motcua-display`` (the same bootstrap), plus a line protocol on stdin and
stdout so that a test can look inside while it drives the server:

    {"cmd": "state"}                     -> {"ok": true, "state": {...the BoardView, spoken calls...}}
    {"cmd": "moments"}                   -> {"ok": true, "moments": {"calls": {"A0012": {"arrived":
                                            [frame, t], "shown": [frame, t]}, …}, "highlight_ended":
                                            [now, …]}}  (each call's event reached the board; the
                                            screen's big panel took its number; its highlight ended)
    {"cmd": "cells"}                     -> {"ok": true, "tables": {"counters": [{"id": …, "labels":
                                            [[text, renders], …], "box": [x, y, right, top], "flashing":
                                            …, "lit": …}, …], "calls": …, "fields": …}}  (a row that
                                            flashes: flashing, and lit while its amber is on)
    {"cmd": "shot", "path": "x.png"}     -> {"ok": true, "path": "x.png"}   (the window's pixels)
    {"cmd": "quit"}                      -> {"ok": true} and the app stops

Frames are Kivy's ``Clock.frames`` (one a turn of its loop), ``t`` is ``time.perf_counter()``,
``now`` the board's monotonic clock (as ``spoken[…]["started"]``); ``renders`` counts how many
times a label made its texture (``Label.texture_update``, counted from the start).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import faulthandler
import functools
import json
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")

from bench.apps.window import screenshot  # noqa: E402  (the window's pixels, read as RGBA)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    parser.add_argument("--device")
    parser.add_argument("--server")
    parser.add_argument("--state", type=Path)
    parser.add_argument("--protocol", type=int)
    parser.add_argument("--size", required=True)
    parser.add_argument("--var", type=Path, default=Path("var"))
    parser.add_argument("--layout", choices=["landscape", "portrait"])
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints where a stuck board is
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("websockets").setLevel(logging.INFO)

    if args.protocol is not None:  # a board of another release (the names are bound at import)
        import queue_server.protocol.client
        import queue_server.protocol.state_dir

        queue_server.protocol.client.PROTOCOL = queue_server.protocol.state_dir.PROTOCOL = args.protocol

    from display_board.bootstrap import build_app, load_setup, load_state_setup, prepare_kivy
    from queue_server.config.board_options import Layout

    if args.state is not None:
        setup = load_state_setup(args.state, args.server, args.var)
    else:
        setup = load_setup(args.config, args.device, args.server, args.var)
    if args.layout:
        setup = dataclasses.replace(setup, options=dataclasses.replace(setup.options, layout=Layout(args.layout)))
    width, height = (int(v) for v in args.size.split("x"))
    prepare_kivy(setup, (width, height))
    _count_renders()
    app = build_app(setup)
    moments = _watch_calls(app)
    asyncio.run(_run(app, moments))


def _count_renders() -> None:
    """Every label counts the textures it makes (before any label exists)."""
    from kivy.uix.label import Label

    texture_update = Label.texture_update

    @functools.wraps(texture_update)  # its name: Kivy's trigger finds the method by name
    def counted(self, *args):
        self.renders = getattr(self, "renders", 0) + 1
        return texture_update(self, *args)

    Label.texture_update = counted


def _watch_calls(app) -> dict[str, Any]:
    """When each call's event reached the board, when the screen's big panel took it, and when
    the panel's highlight ended."""
    from kivy.clock import Clock

    calls: dict[str, dict[str, tuple[int, float]]] = {}
    ended: list[float] = []
    board = app.controller.board
    apply = board.apply

    def noted_apply(event):
        if event.get("ev") in ("ticket.called", "ticket.recalled") and isinstance(event.get("label"), str):
            calls.setdefault(event["label"], {}).setdefault("arrived", (Clock.frames, time.perf_counter()))
        return apply(event)

    def on_start(*_args) -> None:
        def shown(_screen, label: str) -> None:
            if label:
                calls.setdefault(label, {}).setdefault("shown", (Clock.frames, time.perf_counter()))

        def highlighted(_screen, on: bool) -> None:
            if not on:
                ended.append(app.monotonic())

        app.screen.fbind("featured_label", shown)
        app.screen.fbind("highlighted", highlighted)

    board.apply = noted_apply
    app.fbind("on_start", on_start)
    return {"calls": calls, "highlight_ended": ended}


async def _run(app, moments: dict) -> None:
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line)
        loop.call_soon_threadsafe(commands.put_nowait, '{"cmd": "quit"}')

    threading.Thread(target=read_stdin, daemon=True).start()
    serve = asyncio.create_task(_serve(app, commands, moments))
    try:
        await app.run_with_client()
    finally:
        serve.cancel()


async def _serve(app, commands: asyncio.Queue[str], moments: dict) -> None:
    while True:
        line = await commands.get()
        try:
            request = json.loads(line)
            reply = await _handle(app, request, moments)
            text = json.dumps(reply, ensure_ascii=False, default=str)
        except Exception as exc:  # report everything to the test, keep serving
            reply = {"ok": False, "error": repr(exc)}
            text = json.dumps(reply)
        print(text, flush=True)
        if reply.get("quit"):
            app.stop()
            return


async def _handle(app, request: dict, moments: dict) -> dict:
    from kivy.core.window import Window

    command = request["cmd"]
    if command == "state":
        return {"ok": True, "state": _state(app)}
    if command == "moments":
        return {"ok": True, "moments": moments}
    if command == "cells":
        return {"ok": True, "tables": _cells(app.screen)}
    if command == "shot":
        app.refresh()
        await asyncio.sleep(0.3)  # two frames drawn after the refresh
        screenshot(Path(request["path"]))
        return {"ok": True, "path": request["path"], "window": list(Window.size)}
    if command == "quit":
        return {"ok": True, "quit": True}
    return {"ok": False, "error": f"unknown command {command!r}"}


def _state(app) -> dict:
    controller = app.controller
    view = controller.board.view(app.monotonic())
    return {
        "view": dataclasses.asdict(view),
        "live": controller.live,
        "status": app.client.status.value,
        "spoken": [dataclasses.asdict(s) for s in controller.spoken],
        "finished": list(controller.finished),
        "now": app.monotonic(),
        "playing": dataclasses.asdict(controller.announcer.playing.call) if controller.announcer.playing else None,
        "pending": len(controller.announcer.pending),
        "layout": type(app.screen).__name__,
        "featured_text": app.screen.featured_label if app.screen else None,
        "offline_shown": bool(app.screen and app.screen.offline),
        "refusal_shown": app.screen.refusal if app.screen else None,
        "banner": _banner(app.screen),
        "options": dataclasses.asdict(app.setup.options),
    }


def _banner(screen) -> list[str]:
    """The texts of the banner over the board (lost connection, refusal), top to bottom."""
    from display_board.screen import OfflineBanner

    if screen is None:
        return []
    [banner] = [w for w in screen.walk() if isinstance(w, OfflineBanner)]
    return [label.text for label in reversed(banner.children)]


def _cells(screen) -> dict:
    """Each table's cells as placed (blank places left out): the widget, its labels."""
    from kivy.uix.label import Label

    tables = {"counters": screen.counters_table, "calls": screen.calls_table, "fields": screen.fields_table}
    found: dict[str, list] = {}
    for name, table in tables.items():
        found[name] = []
        for cell in reversed(table.children):
            labels = [[w.text, getattr(w, "renders", 0)] for w in cell.walk(restrict=True) if isinstance(w, Label)]
            if labels:
                box = [*cell.to_window(cell.x, cell.y), *cell.to_window(cell.right, cell.top)]
                flash = {"flashing": cell.flashing, "lit": cell.lit} if hasattr(cell, "flashing") else {}
                found[name].append({"id": id(cell), "labels": labels, "box": box, **flash})
    return found


if __name__ == "__main__":
    main()
