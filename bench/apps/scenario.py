"""The apps part: a citizen at the kiosk, an officer at the console, through the real programs.

1. **Kiosk**: a touch on a field's tile of the kiosk app's window → the ticket screen showing
   the new number is on screen; → the simulated printer has written the ticket (PNG + .bin).
   "Xong" is touched between tickets (back home, as a citizen leaves it).
2. **Console → board, phone**: "call next" pressed in the officer console (its key, N, in
   chromium) → the console shows the called number; → the display board's window has drawn it
   in its big panel; → the phone page following that ticket shows "Mời bạn đến". The officer
   then completes the ticket (H) and calls the next one.

Every start is ``time.perf_counter()`` in this process just before the touch or the key is
sent; every end is on the same clock (the apps' own processes after the frame was swapped;
the pages' ``performance.now()`` converted, see :mod:`.browser`). Optionally a full lobby
(phones following waiting tickets, boards) is connected in the background.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.apps import browser
from bench.apps.processes import ROOT, AppFailed, AppProcess, VirtualScreen
from bench.apps.site_file import BOARD, KIOSK, SIZE, write_app_site
from bench.clients import Device, close_all, connect_all
from bench.figures import Latency
from bench.report import load_average
from bench.server import ServerProcess, free_port
from bench.site import PIN, BenchSite

SERVICE = "HT"  # every ticket here is of one field, so that each call moves everyone waiting
QUIET = 0.3  # seconds without a frame drawn: each touch and call finds its app at rest, as one
# among a lobby's would (the last ticket's or call's frames drawn), not still drawing the last


@dataclasses.dataclass(frozen=True)
class AppOptions:
    tickets: int = 30  # kiosk touches
    calls: int = 30  # console calls
    background: int = 0  # clients connected meanwhile (phones following tickets, and boards)
    phone: bool = True  # a phone page follows each called ticket
    artefacts: Path = ROOT / "var" / "bench" / "apps"  # screenshots and the last printed ticket


def run_apps(
    options: AppOptions, site: BenchSite, folder: Path, *, profile: Path | None = None, source: Path | None = None
) -> dict[str, Any]:
    """Start everything (a virtual screen, the server, the apps, chromium), measure, stop
    everything, also on failure or Ctrl-C; returns the figures."""
    started = time.perf_counter()
    load_before = load_average()
    artefacts = options.artefacts
    artefacts.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        stack.enter_context(_sigterm_as_exit())
        screen = stack.enter_context(VirtualScreen())
        port = free_port()
        config = write_app_site(site, folder / "apps.toml", port, folder / "printer")
        server = ServerProcess(config, folder / "apps.db", port=port, profile=profile, source=source)
        stack.enter_context(server)
        to_call = asyncio.run(_issue(server.url, [site.kiosk_token(1)], options.calls))  # the oldest: called first
        background = _Background(server.url, site, options.background) if options.background else None
        if background is not None:
            stack.callback(background.stop)
            background.start()
        phase = time.perf_counter()
        kiosk = _kiosk(screen, config, server, options, folder)
        kiosk_seconds, phase = round(time.perf_counter() - phase, 1), time.perf_counter()
        console = _console(screen, config, server, site, options, to_call, folder) if options.calls else {}
        console_seconds = round(time.perf_counter() - phase, 1)
        lobby = background.stop() if background is not None else {}
        figures: dict[str, Any] = {
            "tickets": options.tickets,
            "calls": options.calls,
            "background_clients": lobby.get("connected", 0),
            "kiosk": kiosk,
            "console": console,
            "server_peak_rss_mb": round(server.peak_rss_mb(), 1),
            "kiosk_seconds": kiosk_seconds,  # with the app's start
            "console_seconds": console_seconds,  # with the board's and chromium's start
        }
    figures["seconds"] = round(time.perf_counter() - started, 1)
    figures["load_average_before"] = load_before
    figures["load_average"] = load_average()
    return figures


# ---- the kiosk -------------------------------------------------------------------------------


def _kiosk(
    screen: VirtualScreen, config: Path, server: ServerProcess, options: AppOptions, folder: Path
) -> dict[str, Any]:
    if not options.tickets:
        return {}
    args = ["--config", str(config), "--device", KIOSK, "--server", server.url]
    env = screen.env(folder / "kivy-kiosk")
    kiosk = AppProcess("kiosk", "bench.apps.kiosk_runner", args, env, folder / "kiosk.log")
    samples: list[tuple[float, dict[str, Any]]] = []
    try:
        kiosk.ask("ready", timeout=90)
        for n in range(options.tickets):
            if n:
                kiosk.ask("done")
            kiosk.ask("home", target=f"tile:{SERVICE}")
            kiosk.ask("quiet", seconds=QUIET)
            start = time.perf_counter()
            samples.append((start, kiosk.ask("take", target=f"tile:{SERVICE}", timeout=30)))
        shot = kiosk.ask("screenshot", path=str(options.artefacts / "kiosk-ticket.png"))["path"]
    finally:
        kiosk.stop()
    printed = [(start, s) for start, s in samples if s["printed_at"] is not None]
    last_job = Path(printed[-1][1]["job"]) if printed and printed[-1][1]["job"] else None
    if last_job is not None and last_job.exists():
        shutil.copyfile(last_job, options.artefacts / "kiosk-printed.png")
    moments = [{"start": start, **answer} for start, answer in samples]
    return {
        "touch_to_ticket_shown_ms": _latency(moments, "start", "shown_at"),
        "touch_to_printed_ms": _latency(moments, "start", "printed_at"),
        "parts_ms": {**_parts(moments, KIOSK_MOMENTS), **_parts(moments, KIOSK_PRINT_MOMENTS, "shown_at")},
        "tickets": len(samples),
        "printed": len(printed),
        "printer_faults": sum(1 for _, s in samples if s["fault"] is not None),
        "labels": [samples[0][1]["label"], samples[-1][1]["label"]] if samples else [],
        "people_ahead_last": samples[-1][1]["people_ahead"] if samples else None,
        "screenshot": shot,
        "printed_ticket": str(options.artefacts / "kiosk-printed.png") if last_job else None,
    }


# Where the time goes: each part runs from the moment before it (the first from the start).
KIOSK_MOMENTS = (
    ("touch", "touched_at"),  # the command through the pipe to the kiosk's loop
    ("issue_reply", "reply_at"),  # ticket.issue to the server and back
    ("screen_made", "frame_began_at"),  # the ticket screen filled (QR code, textures), the next frame
    ("frame_drawn", "shown_at"),  # the frame drawn (OpenGL) and swapped
)
KIOSK_PRINT_MOMENTS = (  # the kiosk prints once the number's frame is on screen: from shown_at
    ("job_made", "handed_at"),  # the ticket's image and ESC/POS bytes made, the printer's status read
    ("job_written_by_simulator", "printed_at"),  # the simulator decodes the bytes, writes PNG + .bin
)
BOARD_MOMENTS = (
    ("event_reached_board", "arrived_at"),  # console → server → the board's queue client
    ("waited_for_refresh", "refresh_began_at"),  # the board refreshes on the frame after a change reaches it
    ("refresh", "refreshed_at"),  # that refresh (only the changed cells)
    ("to_frame", "frame_began_at"),  # label textures, the next frame
    ("frame_drawn", "drawn_at"),  # the frame drawn (OpenGL) and swapped
)


def _latency(samples: list[dict[str, Any]], begin: str, end: str) -> dict[str, Any]:
    """Milliseconds from ``begin`` to ``end`` over the samples that have both moments."""
    spans = [s[end] - s[begin] for s in samples if s.get(end) is not None and s.get(begin) is not None]
    return Latency.of(spans).__dict__


def _parts(samples: list[dict[str, Any]], moments: tuple[tuple[str, str], ...], begin: str = "start") -> dict[str, Any]:
    """Each part's p50 and p99 (ms)."""
    parts = {}
    for name, end in moments:
        figures = _latency(samples, begin, end)
        parts[name] = {"p50": figures["p50"], "p99": figures["p99"]}
        begin = end
    return parts


# ---- the officer console, the board, a phone ---------------------------------------------------


def _console(
    screen: VirtualScreen, config: Path, server: ServerProcess, site: BenchSite, options: AppOptions,
    tickets: list[dict[str, Any]], folder: Path,
) -> dict[str, Any]:  # fmt: skip
    args = ["--config", str(config), "--device", BOARD, "--server", server.url, "--size", SIZE]
    args += ["--var", str(folder / "board-var")]
    env = screen.env(folder / "kivy-board", SDL_AUDIODRIVER="dummy")
    board = AppProcess("board", "bench.apps.board_runner", args, env, folder / "board.log")
    pages: list[Any] = []
    samples: list[dict[str, Any]] = []
    wrong = 0
    http = f"http://127.0.0.1:{server.port}"
    try:
        console = browser.chromium()
        pages.append(console)
        phone = browser.chromium(412, 915) if options.phone else None
        if phone is not None:
            pages.append(phone)
        board.ask("ready", timeout=90)
        _sign_in(console, http, site)
        for ticket in tickets:
            phone_clock = _follow(phone, http, ticket["code"]) if phone is not None else None
            browser.element(console, "#current-label.idle")
            browser.element(console, "#call-next:enabled")
            browser.blur(console)
            browser.watch(console, "#current-label.label")
            console_clock, uncertainty = browser.page_clock(console)
            board.ask("quiet", seconds=QUIET)
            start = time.perf_counter()
            browser.press(console, "n")
            on_board = board.ask("drawn", label=ticket["label"])
            shown = browser.seen(console, console_clock)
            on_phone = browser.seen(phone, phone_clock[0]) if phone is not None and phone_clock else None
            wrong += shown["text"] != ticket["label"]
            samples.append({
                "start": start,
                **on_board,
                "console_at": shown["painted_at"],
                "key_at": shown["key_at"],
                "phone_at": on_phone["painted_at"] if on_phone else None,
                "uncertainty": max(uncertainty, phone_clock[1] if phone_clock else 0.0),
            })  # fmt: skip
            if ticket is tickets[-1]:
                shots = _screenshots(board, console, phone, options.artefacts)
            browser.press(console, "h")  # complete: the next call can be made
            browser.element(console, "#current-label.idle")
    finally:
        for page in pages:
            browser.quit_browser(page)
        board.stop()

    return {
        "press_to_console_ms": _latency(samples, "start", "console_at"),
        "press_to_board_ms": _latency(samples, "start", "drawn_at"),
        "press_to_phone_ms": _latency(samples, "start", "phone_at"),
        "press_to_key_event_ms": _latency(samples, "start", "key_at"),
        "board_parts_ms": _parts(samples, BOARD_MOMENTS),
        "page_clock_uncertainty_ms": round(1000 * max((s["uncertainty"] or 0.0 for s in samples), default=0.0), 2),
        "calls": len(samples),
        "wrong_ticket": wrong,
        "screenshots": shots if samples else {},
    }


def _sign_in(console: Any, http: str, site: BenchSite) -> None:
    """Counter 1's console: the device token, the officer's sign-in, the counter opened."""
    console.get(f"{http}/console?device=counter-1")
    browser.type_into(console, "#device-token", site.counter_token(1))
    browser.click(console, "#token-save")
    browser.element(console, "#sign-in-form")
    browser.type_into(console, "#user", site.officer(1))
    browser.type_into(console, "#pin", PIN)
    browser.click(console, "#sign-in")
    browser.click(console, "#open")
    browser.element(console, "#counter-state", "Đang mở")


def _follow(phone: Any, http: str, code: str) -> tuple[float, float]:
    """The phone page of ticket ``code``, waiting, watched for the call; its clock's offset."""
    phone.get(f"{http}/t/{code}")
    browser.element(phone, "#waiting")
    browser.watch(phone, "#called")
    return browser.page_clock(phone)


def _screenshots(board: AppProcess, console: Any, phone: Any, artefacts: Path) -> dict[str, str]:
    shots = {"board": board.ask("screenshot", path=str(artefacts / "board-called.png"))["path"]}
    for name, page in (("console", console), ("phone", phone)):
        if page is not None:
            path = artefacts / f"{name}-called.png"
            page.save_screenshot(str(path))
            shots[name] = str(path)
    return shots


# ---- tickets and the background lobby ---------------------------------------------------------


async def _issue(url: str, tokens: list[str], count: int) -> list[dict[str, Any]]:
    """``count`` tickets of :data:`SERVICE`, in order, by kiosks (as devices, not apps)."""
    kiosks = await connect_all(Device(url, token=token) for token in tokens)
    tickets: list[dict[str, Any]] = []
    numbers = iter(range(count))

    async def issue(kiosk: Device) -> None:
        for _ in numbers:
            tickets.append((await kiosk.request("ticket.issue", service=SERVICE))["ticket"])

    try:
        await asyncio.gather(*(issue(kiosk) for kiosk in kiosks))
    finally:
        await close_all(kiosks)
    return tickets


class _Background:
    """A full lobby while the apps are measured: ``clients`` connections, the benchmark's
    boards and phones each following a waiting ticket (issued after the console's, so that
    the console calls its own first and every call moves every phone), in processes of
    ``python -m bench.phones`` (:class:`bench.scenarios.Listeners`)."""

    def __init__(self, url: str, site: BenchSite, clients: int) -> None:
        from bench.scenarios import Listeners

        self.url, self.site, self.clients = url, site, clients
        self.boards = min(site.boards, clients)
        self.listeners: Listeners | None = None
        self._make = Listeners
        self.result: dict[str, Any] | None = None

    def start(self) -> None:
        phones = self.clients - self.boards
        tokens = [self.site.kiosk_token(n) for n in range(2, 12)]
        followed = asyncio.run(_issue(self.url, tokens, phones)) if phones else []
        groups = [[f"token {self.site.board_token(n)}" for n in range(1, self.boards + 1)]]
        codes = [f"ticket {t['code']}" for t in followed]
        groups += [codes[0::2], codes[1::2]]
        self.listeners = self._make(self.url, groups)
        self.listeners.start()

    def stop(self) -> dict[str, Any]:
        if self.result is None and self.listeners is not None:
            self.result = self.listeners.stop()
        return self.result or {}


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """SIGTERM unwinds like Ctrl-C, so that every process started here is stopped."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def leave(*_: object) -> None:
        raise SystemExit(143)

    previous = signal.signal(signal.SIGTERM, leave)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


__all__ = ["AppFailed", "AppOptions", "run_apps"]
