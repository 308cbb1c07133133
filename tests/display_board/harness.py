"""Runs a real display board in its own process, for the tests (Kivy's window is one per process).

    python -m tests.display_board.harness --config F --device ID --server URL --size 1920x1080
        --var DIR [--layout landscape|portrait]

It is the board of ``motcua-display`` (the same bootstrap), plus a line protocol on stdin and
stdout so that a test can look inside while it drives the server:

    {"cmd": "state"}                     -> {"ok": true, "state": {...the BoardView, spoken calls...}}
    {"cmd": "shot", "path": "x.png"}     -> {"ok": true, "path": "x.png"}   (the window's pixels)
    {"cmd": "quit"}                      -> {"ok": true} and the app stops
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import faulthandler
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path

os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")

from bench.apps.window import screenshot  # noqa: E402  (the window's pixels, read as RGBA)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--device", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--size", required=True)
    parser.add_argument("--var", type=Path, required=True)
    parser.add_argument("--layout", choices=["landscape", "portrait"])
    args = parser.parse_args()
    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 PID` prints where a stuck board is
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("websockets").setLevel(logging.INFO)

    from display_board.bootstrap import build_app, load_setup, prepare_kivy
    from display_board.options import Layout

    setup = load_setup(args.config, args.device, args.server, args.var)
    if args.layout:
        setup = dataclasses.replace(setup, options=dataclasses.replace(setup.options, layout=Layout(args.layout)))
    width, height = (int(v) for v in args.size.split("x"))
    prepare_kivy(setup, (width, height))
    app = build_app(setup)
    asyncio.run(_run(app))


async def _run(app) -> None:
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(commands.put_nowait, line)
        loop.call_soon_threadsafe(commands.put_nowait, '{"cmd": "quit"}')

    threading.Thread(target=read_stdin, daemon=True).start()
    serve = asyncio.create_task(_serve(app, commands))
    try:
        await app.run_with_client()
    finally:
        serve.cancel()


async def _serve(app, commands: asyncio.Queue[str]) -> None:
    while True:
        line = await commands.get()
        try:
            request = json.loads(line)
            reply = await _handle(app, request)
            text = json.dumps(reply, ensure_ascii=False, default=str)
        except Exception as exc:  # report everything to the test, keep serving
            reply = {"ok": False, "error": repr(exc)}
            text = json.dumps(reply)
        print(text, flush=True)
        if reply.get("quit"):
            app.stop()
            return


async def _handle(app, request: dict) -> dict:
    from kivy.core.window import Window

    command = request["cmd"]
    if command == "state":
        return {"ok": True, "state": _state(app)}
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
    }


if __name__ == "__main__":
    main()
