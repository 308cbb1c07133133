"""Runs the real kiosk app in its own process, driven by JSON commands on stdin.

    python -m tests.kiosk.harness --config site.toml --device kiosk-1 --artefacts DIR

One command a line (``{"cmd": "tap", "target": "tile:HT"}``), one answer a line on stdout,
prefixed with ``@@ ``. Touches go through the window as real touch events (down, up) at the
centre of the widget named by its ``target``, so what is covered or off-screen cannot be
tapped. Screenshots are the window's own pixels (``Window.screenshot``).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Any

from bench.apps.window import find_target, laid_out, screenshot, touch
from kiosk.app import KioskApp
from kiosk.start import start_app

MARKUP = re.compile(r"\[/?[a-z]+(?:=[^\]]*)?\]")


def visible_texts(widget: Any) -> list[str]:
    from kivy.uix.label import Label

    out: list[str] = []

    def walk(w: Any) -> None:
        if w.opacity == 0:
            return
        if isinstance(w, Label) and w.text.strip():
            text = MARKUP.sub("", w.text) if w.markup else w.text
            out.append(text.replace("&bl;", "[").replace("&br;", "]").replace("&amp;", "&"))
        for child in reversed(w.children):
            walk(child)

    walk(widget)
    return out


class Said(logging.Handler):
    """What the kiosk's own loggers said (INFO and up), for a test to wait on."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


class Commands:
    def __init__(self, app: KioskApp, artefacts: Path) -> None:
        self.app = app
        self.artefacts = artefacts
        self.said = Said()
        kiosk_log = logging.getLogger("kiosk")
        kiosk_log.addHandler(self.said)
        kiosk_log.setLevel(min(kiosk_log.getEffectiveLevel(), logging.INFO))

    async def run(self, message: dict[str, Any]) -> dict[str, Any]:
        handler = getattr(self, f"cmd_{message.pop('cmd')}")
        return await handler(**message)

    async def cmd_ready(self) -> dict[str, Any]:
        while self.app.root is None:
            await asyncio.sleep(0.05)
        return {}

    async def cmd_screen(self) -> dict[str, Any]:
        current = self.app.root.current_screen
        return {"screen": current.name, "texts": visible_texts(current)}

    async def cmd_wait_screen(self, name: str, limit: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + limit
        while self.app.root.current != name:
            if time.monotonic() > deadline:
                raise TimeoutError(f"still on {self.app.root.current!r} after {limit} s, not {name!r}")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.1)  # let the screen lay itself out
        return await self.cmd_screen()

    async def cmd_wait_text(self, text: str, limit: float = 10.0) -> dict[str, Any]:
        """Until ``text`` is part of what the current screen shows (e.g. a print's outcome)."""
        deadline = time.monotonic() + limit
        while not any(text in shown for shown in visible_texts(self.app.root.current_screen)):
            if time.monotonic() > deadline:
                shown = visible_texts(self.app.root.current_screen)
                raise TimeoutError(f"{text!r} not on the {self.app.root.current!r} screen after {limit} s: {shown}")
            await asyncio.sleep(0.02)
        return await self.cmd_screen()

    async def cmd_wait_help(self, text: str, limit: float = 10.0) -> dict[str, Any]:
        """Until the help button in the bar over the screens says ``text`` ("": it is the button
        alone, "Cần hỗ trợ"); then what it says, its stage, and in window coordinates (x, y,
        right, top) its box, its neighbours' and the screens'."""
        controls = self.app.access_controls
        button = controls.bar.help
        deadline = time.monotonic() + limit

        def said() -> str:
            return "\n".join(visible_texts(button)) if controls.help.shown.lines() and button.parent else ""

        while (text not in said()) if text else (said() or controls.help.shown.stage.value == "asking"):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the help button says {said()!r} after {limit} s, not {text!r}")
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)  # laid out
        root = self.app.root

        def box(w: Any) -> list[float]:
            return [*w.to_window(w.x, w.y), *w.to_window(w.right, w.top)]

        return {
            "texts": visible_texts(button) if button.parent else [], "said": said(), "shown": button.parent is not None,
            "open": controls.help.shown.is_open, "stage": controls.help.shown.stage.value,
            "button": box(button), "listen": box(controls.bar.listen), "large": box(controls.bar.large),
            "screens": [root.x, root.y, root.right, root.top],
        }  # fmt: skip

    async def cmd_wait_printed(self, limit: float = 15.0) -> dict[str, Any]:
        """Until the ticket screen's paper is out or has failed; then the state."""
        deadline = time.monotonic() + limit
        while self.app.screen("ticket").printing:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the ticket is still printing after {limit} s")
            await asyncio.sleep(0.02)
        return await self.cmd_state()

    async def cmd_wait_said(self, text: str, limit: float = 10.0) -> dict[str, Any]:
        """Until a line the kiosk logged holds ``text``; then that line."""
        deadline = time.monotonic() + limit
        while not (found := [line for line in self.said.lines if text in line]):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kiosk did not say {text!r} in {limit} s (it said: {self.said.lines[-5:]})")
            await asyncio.sleep(0.02)
        return {"line": found[0]}

    async def cmd_tap(self, target: str, times: int = 1) -> dict[str, Any]:
        widget = find_target(self.app.root.current_screen, target)
        if widget is None and target.startswith("access:"):  # the bar over every screen
            widget = find_target(self.app.access_controls.bar, target)
        if widget is None:
            raise LookupError(f"nothing named {target!r} on the {self.app.root.current!r} screen")
        touch(widget, times)
        await asyncio.sleep(0.05)
        return {}

    async def cmd_type(self, text: str, prefix: str = "key") -> dict[str, Any]:
        for ch in text:
            await self.cmd_tap(f"{prefix}:{ch}")
        return {}

    async def cmd_screenshot(self, name: str) -> dict[str, Any]:

        await asyncio.sleep(0.3)  # a few frames: the last change is drawn
        return {"path": str(screenshot(self.artefacts / f"{name}.png"))}  # not sheared at 1366 wide

    async def cmd_layout(self) -> dict[str, Any]:
        """The window's size and, for each label the current screen shows, its text, its box and
        the box of its drawn text, in window coordinates (x, y, right, top; y up), once every
        layout has run."""
        from kivy.core.window import Window
        from kivy.uix.label import Label

        shown: list[Any] = []

        def walk(w: Any) -> None:
            if w.opacity == 0:
                return
            if isinstance(w, Label) and w.text.strip():
                shown.append(w)
            for child in w.children:
                walk(child)

        walk(self.app.root.current_screen)
        deadline = time.monotonic() + 5
        while not all(laid_out(w) for w in shown) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        labels = []
        for w in shown:
            x, y = w.to_window(w.x, w.y)
            right, top = w.to_window(w.right, w.top)
            cx, cy = w.to_window(*w.center)  # a label draws its text's texture centred on itself
            tw, th = w.texture_size
            text_box = [cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2]
            labels.append({"text": visible_texts(w)[0], "box": [x, y, right, top], "text_box": text_box})
        return {"window": list(Window.size), "labels": labels}

    async def cmd_state(self) -> dict[str, Any]:
        app = self.app
        return {
            "screen": app.root.current,
            "ticket": dict(app.screen("ticket").ticket),
            "fault": app.screen("ticket").fault,
            "printing": app.screen("ticket").printing,
            "issuing": app.issuing.phase.value,
            "printer_fault": app.actions.printer_fault,
            "printed": app.actions.printed,
            "code_checkin": app.screen("checkin").code,
            "code_dossier": app.screen("dossier").code,
            "language": app.texts.language.value,
            "window": list(__import__("kivy.core.window", fromlist=["Window"]).Window.size),
            "fullscreen_cursor": __import__("kivy.config", fromlist=["Config"]).Config.get("graphics", "show_cursor"),
            "exit_on_escape": __import__("kivy.config", fromlist=["Config"]).Config.get("kivy", "exit_on_escape"),
        }

    async def cmd_spoken(self) -> dict[str, Any]:
        """What listening mode handed to the player, in order: text, language, WAV, seconds."""
        voice = self.app.access_controls.voice
        if voice is None:
            return {"spoken": None, "playing": False, "stops": 0}
        played = [dataclasses.asdict(said) for said in voice.played]
        return {"spoken": played, "playing": voice.player.playing, "stops": voice.stops}

    async def cmd_access(self) -> dict[str, Any]:
        controls = self.app.access_controls
        return {
            "listening": controls.state.listening, "large": controls.state.large, "u": self.app.u,
            "text_scale": self.app.text_scale, "bar": controls.bar.listen.parent is not None,
        }  # fmt: skip

    async def cmd_widgets(self) -> dict[str, Any]:
        """Every button (the current screen's and the bar's) and label drawn, once laid out: its
        target, size in pixels, text and background colours, font size and weight."""
        from kivy.core.window import Window
        from kivy.uix.label import Label

        from kiosk.screens.widgets import KioskButton

        found: list[Any] = []

        def walk(w: Any, background: Any) -> None:
            if w.opacity == 0:
                return
            if isinstance(w, KioskButton):
                background = list(w.background_color)
            if isinstance(w, Label) and w.text.strip():
                found.append((w, background))
            elif isinstance(w, KioskButton):
                found.append((w, background))
            for child in reversed(w.children):  # in the order they were added: top to bottom
                walk(child, background)

        from kiosk.theme import paper

        page = list(paper(self.app.large_text))
        walk(self.app.root.current_screen, page)
        walk(self.app.access_controls.bar, page)
        deadline = time.monotonic() + 5
        while not all(laid_out(w) for w, _ in found) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)
        out = []
        for w, background in found:
            out.append({
                "target": getattr(w, "target", ""), "button": isinstance(w, KioskButton),
                "size": [w.width, w.height], "text": visible_texts(w)[0] if w.text.strip() else "",
                "color": list(w.color), "background": background, "font_size": w.font_size, "bold": w.bold,
                "texture_size": list(w.texture_size), "text_box": _text_box(w),
            })  # fmt: skip
        return {"window": list(Window.size), "dpi": Window.dpi, "widgets": out}

    async def cmd_key(self, code: int) -> dict[str, Any]:
        from kivy.core.window import Window

        Window.dispatch("on_keyboard", code, 0, None, [])
        Window.dispatch("on_request_close")
        await asyncio.sleep(0.1)
        return {}


def _text_box(w: Any) -> list[float]:
    """Where a label draws its text, in window coordinates (x, y, right, top): its texture,
    centred on the label."""
    cx, cy = w.to_window(*w.center)
    tw, th = w.texture_size
    return [cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2]


async def command_loop(app: KioskApp, artefacts: Path) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    commands = Commands(app, artefacts)
    while line := await reader.readline():
        message = json.loads(line)
        try:
            answer = {"ok": True, **await commands.run(message)}
        except Exception as exc:  # the test gets the error and fails with it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        sys.stdout.write("@@ " + json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    app.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", type=Path)
    parser.add_argument("--device")
    parser.add_argument("--state", type=Path)  # the kiosk's state folder: its configuration from the server
    parser.add_argument("--scanner")  # the first run's scanner (motcua-kiosk --scanner)
    parser.add_argument("--protocol", type=int)  # the kiosk speaks this protocol version (an older or newer release)
    parser.add_argument("--artefacts", type=Path, required=True)
    args = parser.parse_args()
    if args.protocol is not None:  # what a kiosk of another release says in its hello
        import queue_server.protocol.client
        import queue_server.protocol.state_dir

        queue_server.protocol.client.PROTOCOL = queue_server.protocol.state_dir.PROTOCOL = args.protocol
    app = start_app(args.state, args.config, args.device, scanner=args.scanner)
    asyncio.run(app.serve(command_loop(app, args.artefacts)))


if __name__ == "__main__":
    main()
