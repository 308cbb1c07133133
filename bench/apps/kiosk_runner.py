"""The real kiosk app (``KioskApp``, as ``motcua-kiosk`` runs it) in its own process, probed
from the outside and driven by line commands on stdin (see :func:`.window.serve_commands`):

    python -m bench.apps.kiosk_runner --config F --device ID --server URL

    {"cmd": "ready"}                    home shown, connected, its tiles drawn
    {"cmd": "home", "target": "tile:HT"} the home screen with that tile drawn where it is
    {"cmd": "take", "target": "tile:HT"} a touch on the tile; answers when the ticket screen
                                        showing the new number is on screen and its ticket printed
    {"cmd": "done"}                     "Xong" touched (once it takes touches), back home
    {"cmd": "quiet", "seconds": 0.3}    answers once no frame has been drawn for that long
    {"cmd": "screenshot", "path": P}    the window's pixels
    {"cmd": "quit"}

The probes are hooked in from here, none in the app: after every frame swapped onto the
screen, whether the ticket screen is the one on top with its number's texture made from the
ticket's label (:func:`.window.after_each_frame`); when the queue client got the server's
reply to ``ticket.issue``; and when the printer's transport was handed each job and when it
had written it (the simulator's PNG and .bin are in place when ``write`` returns).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from bench.apps.window import (
    after_each_frame,
    find_target,
    label_drawn,
    laid_out,
    quiet,
    screenshot,
    serve_commands,
    touch,
    wait_until,
)
from hardware.printer.sim import list_jobs
from hardware.printer.status import DLE_EOT
from kiosk.app import HOME, KioskApp
from kiosk.start import start_app

DONE_AFTER = 1.0  # the ticket screen's "Xong" takes no touch in its first second (kiosk.app)


class KioskProbe:
    def __init__(self, app: KioskApp) -> None:
        self.app = app
        self.shown: dict[str, tuple[float, float]] = {}  # ticket label → (its frame began, was swapped)
        self.printed: list[tuple[float, float, str]] = []  # (job handed over, written, the job's PNG)
        self.replies: list[float] = []  # when each ticket.issue reply reached the kiosk
        self.installed = False
        self.last_swap = 0.0  # when the last frame was swapped in

    def install(self) -> None:
        if not self.installed:
            self.installed = True
            after_each_frame(self._look)
            self._time_replies()
            self._time_jobs()

    def _time_replies(self) -> None:
        client = self.app.context.client
        request = client.request

        async def timed(op: str, **fields: Any) -> Any:
            reply = await request(op, **fields)
            if op == "ticket.issue":
                self.replies.append(time.perf_counter())
            return reply

        client.request = timed  # type: ignore[method-assign]

    def _time_jobs(self) -> None:
        printer = self.app.context.printer
        if printer is None:
            return
        transport = printer.transport
        write = transport.write

        def timed(data: bytes) -> None:  # on the printing thread
            handed = time.perf_counter()
            write(data)
            if len(data) == 3 and data[:2] == DLE_EOT:
                return  # a status query, not a job
            written = time.perf_counter()
            jobs = list_jobs(transport.directory) if hasattr(transport, "directory") else []
            self.printed.append((handed, written, str(jobs[-1].png) if jobs else ""))

        transport.write = timed

    def _look(self, began: float, swapped: float) -> None:
        self.last_swap = swapped
        manager = self.app.root
        if manager is None or manager.current != "ticket" or not manager.children:
            return
        screen = manager.children[0]  # the screen drawn last, on top; each screen is opaque
        if screen.name != "ticket":
            return
        number = screen.ids.number
        if number.text and number.text not in self.shown and label_drawn(number, number.text):
            self.shown[number.text] = (began, swapped)

    def _home_ready(self) -> bool:
        manager = self.app.root
        return (
            manager is not None
            and manager.current == HOME
            and bool(manager.children)
            and manager.children[0].name == HOME
            and find_target(manager.children[0], "tile:none") is None
            and any(str(getattr(w, "target", "")).startswith("tile:") for w in manager.children[0].walk())
        )

    async def cmd_ready(self, limit: float = 60.0) -> dict[str, Any]:
        await wait_until(lambda: self.app.root is not None, limit, "the kiosk's window")
        self.install()
        await wait_until(self._home_ready, limit, "the home screen with its tiles")
        return {}

    def _target(self, target: str) -> Any:
        """``target`` on the home screen, where it is drawn (None while it is being laid out)."""
        if not self._home_ready():
            return None
        widget = find_target(self.app.root.children[0], target)
        return widget if widget is not None and laid_out(widget) else None

    async def cmd_home(self, target: str, limit: float = 10.0) -> dict[str, Any]:
        """Wait for the home screen with ``target`` drawn and nothing left to lay out: the
        tiles are made again after each ticket (their waiting counts), and a touch must find
        them where they are drawn."""
        await wait_until(lambda: self._target(target), limit, f"{target!r} on the home screen")
        await asyncio.sleep(0.05)  # a few frames
        await wait_until(lambda: self._target(target), limit, f"{target!r} on the home screen")
        return {}

    async def cmd_take(self, target: str, limit: float = 15.0) -> dict[str, Any]:
        """Touch ``target``; the ticket it gave, when it was touched, answered, printed and shown."""
        widget = await wait_until(lambda: self._target(target), 5.0, f"{target!r} on the home screen", step=0.001)
        touched = time.perf_counter()
        touch(widget)
        screen = self.app.screen("ticket")

        def shown() -> str | None:
            label = screen.ticket.get("label")
            return label if label and self.shown.get(label, (0.0, 0.0))[1] > touched else None

        label = await wait_until(shown, limit, f"a ticket screen after touching {target}")
        await wait_until(lambda: not screen.printing, limit, "the print's outcome")
        fault = screen.fault
        printed = [job for job in self.printed if job[0] > touched]
        if fault is None and not printed:
            printed = await wait_until(lambda: [job for job in self.printed if job[0] > touched], limit, "the job")
        return {
            "touched_at": touched,
            "label": label,
            "code": screen.ticket.get("code"),
            "people_ahead": screen.ticket.get("people_ahead"),
            "reply_at": next((at for at in self.replies if at > touched), None),
            "handed_at": printed[0][0] if printed else None,
            "printed_at": printed[0][1] if printed else None,
            "job": printed[0][2] if printed else None,
            "frame_began_at": self.shown[label][0],
            "shown_at": self.shown[label][1],
            "fault": fault,
        }

    async def cmd_done(self, limit: float = 10.0) -> dict[str, Any]:
        app = self.app
        await wait_until(lambda: time.monotonic() - app.ticket_shown_at > DONE_AFTER + 0.02, limit, "a second")
        widget = find_target(app.root.current_screen, "done")
        if widget is None:
            raise LookupError(f"no 'done' button on the {app.root.current!r} screen")
        touch(widget)
        await wait_until(self._home_ready, limit, "the home screen after 'Xong'")
        return {}

    async def cmd_quiet(self, seconds: float = 0.3, limit: float = 10.0) -> dict[str, Any]:
        """Answers once no frame has been drawn for ``seconds``."""
        await quiet(lambda: self.last_swap, seconds, limit)
        return {}

    async def cmd_screenshot(self, path: str) -> dict[str, Any]:
        await asyncio.sleep(0.3)  # a few frames: the last change is drawn
        return {"path": str(screenshot(Path(path)))}

    async def cmd_quit(self) -> dict[str, Any]:
        return {}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.apps.kiosk_runner")
    parser.add_argument("--config", type=Path, required=True)
    parser.add_argument("--device", required=True)
    parser.add_argument("--server", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = start_app(None, args.config, args.device, server=args.server)  # as motcua-kiosk --config starts it
    probe = KioskProbe(app)
    asyncio.run(app.serve(serve_commands(probe, app.stop)))


if __name__ == "__main__":
    main()
