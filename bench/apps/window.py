"""Kivy-side helpers of the app runners (and of the kiosk's and board's test harnesses):
touch a widget as a finger would, read the window's pixels, note the moment a frame is on
screen, and answer line commands on stdin.

Times are ``time.perf_counter()``: CLOCK_MONOTONIC, the same clock in every process of the
machine, so the driver can subtract its own times from them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ANSWER = "@@ "  # what starts an answer line on stdout (Kivy may print other lines)


def find_target(widget: Any, target: str) -> Any | None:
    """The shown, enabled widget whose ``target`` property is ``target`` (e.g. ``tile:HT``)."""
    if getattr(widget, "target", None) == target and widget.opacity > 0 and not widget.disabled:
        return widget
    for child in widget.children:
        found = find_target(child, target)
        if found is not None:
            return found
    return None


def laid_out(widget: Any) -> bool:
    """No layout is pending for ``widget`` or any widget holding it: where it is drawn is
    where it is (a new widget sits at 0, 0 until its layout runs, before the next frame)."""
    from kivy.uix.widget import Widget

    while isinstance(widget, Widget):  # up to the window (whose parent is itself)
        pending = getattr(widget, "_trigger_layout", None)
        if pending is not None and pending.is_triggered:
            return False
        widget = widget.parent
    return True


def touch(widget: Any, times: int = 1) -> None:
    """Touch down and up at the widget's centre, through the window's input dispatch: what is
    covered or off-screen cannot be touched."""
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    for _ in range(times):
        finger = UnitTestTouch(x, y)
        finger.touch_down()
        finger.touch_up()


def screenshot(path: Path) -> Path:
    """The window's pixels as a PNG. Like ``Window.screenshot``, but read as RGBA: Kivy 2.3.1
    reads RGB rows with OpenGL's 4-byte row alignment ignored, which shears the picture when
    the width is not a multiple of 4 (1366)."""
    from kivy.core.window import Window
    from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
    from PIL import Image

    width, height = Window.size
    data = glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE)
    image = Image.frombytes("RGBA", (width, height), bytes(data)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.convert("RGB").save(path)
    return path


def label_drawn(label: Any, text: str) -> bool:
    """``label`` shows ``text`` and its texture was made from it (Kivy remakes a label's
    texture just before the frame after its text changed)."""
    return label.text == text and not label._trigger_texture.is_triggered


def labels_in(widget: Any) -> list[Any]:
    from kivy.uix.label import Label

    found = [widget] if isinstance(widget, Label) else []
    for child in widget.children:
        found += labels_in(child)
    return found


def after_each_frame(look: Callable[[float, float], None]) -> None:
    """Call ``look(began, swapped)`` each time the window has swapped a frame onto the screen:
    Kivy draws a frame (``on_draw``: ``began`` is taken as it starts) and then ``on_flip``
    calls ``Window.flip``, which returns once the buffers are swapped (``swapped``)."""
    from kivy.core.window import Window

    began = [0.0]
    flip = Window.flip

    def drawing(*_: Any) -> None:
        began[0] = time.perf_counter()  # bound handlers run before the window's own on_draw

    def flipped() -> None:
        flip()
        look(began[0], time.perf_counter())

    Window.bind(on_draw=drawing)
    Window.flip = flipped


async def wait_until(condition: Callable[[], Any], limit: float, what: str, step: float = 0.005) -> Any:
    """Poll ``condition`` until it is true (returns its value) or ``limit`` seconds pass."""
    deadline = time.monotonic() + limit
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {limit} s")
        await asyncio.sleep(step)
    return value


async def quiet(last_swap: Callable[[], float], seconds: float, limit: float) -> None:
    """Wait until no frame has been swapped for ``seconds``: the app has nothing left to draw."""
    await wait_until(lambda: time.perf_counter() - last_swap() >= seconds, limit, f"{seconds} s without a frame")


async def serve_commands(commands: Any, stop: Callable[[], None]) -> None:
    """One JSON command a line on stdin (``{"cmd": "take", "target": "tile:HT"}``) runs
    ``commands.cmd_take(target=…)``; its answer is one line on stdout, ``@@ {"ok": true, …}``
    or ``@@ {"ok": false, "error": …}``. ``quit`` or the end of stdin stops the app."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, None)

    threading.Thread(target=read, name="commands", daemon=True).start()
    while (line := await lines.get()) is not None:
        message = json.loads(line)
        name = message.pop("cmd")
        try:
            answer = {"ok": True, **await getattr(commands, f"cmd_{name}")(**message)}
        except Exception as exc:  # the driver gets the error and stops with it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write(ANSWER + json.dumps(answer, ensure_ascii=False, default=str) + "\n")
        sys.stdout.flush()
        if name == "quit":
            break
    stop()
