"""motcua-lobby puts the kiosk and the board side by side, on the screen it finds.

With no window manager (Xvfb here, a bare X session on a lobby PC) a window opens exactly where
its program asks; the board used to open over the middle of the kiosk."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lobby.launcher import plan
from lobby.windows import Place, Size, parse_root_window, side_by_side
from queue_server.config.site import load_config

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"
WINDOW = re.compile(r'"(Một Cửa Queue[^"]*)":.*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s')


def _overlap(a: Place, b: Place) -> bool:
    return (
        a.left < b.left + b.size.width
        and b.left < a.left + a.size.width
        and a.top < b.top + b.size.height
        and b.top < a.top + a.size.height
    )


def _on(screen: Size, place: Place) -> bool:
    return (
        place.left >= 0
        and place.top >= 0
        and place.left + place.size.width <= screen.width
        and place.top + place.size.height <= screen.height
    )


@pytest.mark.parametrize(
    "screen", [Size(1920, 1080), Size(1366, 768), Size(1280, 1024), Size(3840, 1080), Size(1080, 1920)]
)
def test_the_two_windows_share_the_screen_without_overlapping(screen: Size) -> None:
    kiosk, board = side_by_side(screen, 2)
    assert _on(screen, kiosk) and _on(screen, board) and not _overlap(kiosk, board)
    assert kiosk.size == board.size and (kiosk.left, kiosk.top) == (0, 0)
    assert abs(kiosk.size.width * 9 - kiosk.size.height * 16) < 16  # 16:9, to the pixel
    assert kiosk.size.width >= 480 and kiosk.size.height >= 270  # what the kiosk accepts


@pytest.mark.parametrize(
    ("screen", "kiosk", "board"),
    [
        (Size(1920, 1080), Place(Size(960, 540), 0, 0), Place(Size(960, 540), 960, 0)),
        (Size(3840, 1080), Place(Size(1920, 1080), 0, 0), Place(Size(1920, 1080), 1920, 0)),  # two monitors
        (Size(1080, 1920), Place(Size(1080, 607), 0, 0), Place(Size(1080, 607), 0, 960)),  # portrait: a column
        (Size(1280, 1024), Place(Size(910, 512), 0, 0), Place(Size(910, 512), 0, 512)),  # 5:4: a column
    ],
)
def test_a_row_or_a_column_whichever_gives_larger_windows(screen: Size, kiosk: Place, board: Place) -> None:
    assert side_by_side(screen, 2) == [kiosk, board]


def test_one_window_takes_the_widest_16_9_that_fits() -> None:
    assert side_by_side(Size(1920, 1080), 1) == [Place(Size(1920, 1080), 0, 0)]
    assert side_by_side(Size(1920, 1200), 1) == [Place(Size(1920, 1080), 0, 0)]
    assert side_by_side(Size(1920, 1080), 0) == []


def test_the_screen_size_is_read_from_xwininfo() -> None:
    text = "\nxwininfo: Window id: 0x50d (the root window) (has no name)\n\n  Absolute upper-left X:  0\n" \
        "  Width: 1366\n  Height: 768\n  Depth: 24\n"  # fmt: skip
    assert parse_root_window(text) == Size(1366, 768)
    assert parse_root_window("xwininfo: error: unable to open display") is None


def test_the_plan_gives_each_app_its_size_and_place() -> None:
    children = plan(load_config(DEMO), DEMO, Path("var/lobby.db"), "127.0.0.1", 8765, True, Size(1366, 768))
    kiosk = next(c for c in children if c.name == "kiosk-1")
    board = next(c for c in children if c.name == "board-hall")
    assert kiosk.argv[-2:] == board.argv[-2:] == ("--size", "683x384")
    assert dict(kiosk.env) == {"KCFG_GRAPHICS_POSITION": "custom", "KCFG_GRAPHICS_LEFT": "0", "KCFG_GRAPHICS_TOP": "0"}
    assert dict(board.env)["KCFG_GRAPHICS_LEFT"] == "683"


def _windows(display: str) -> dict[str, Place]:
    done = subprocess.run(
        ["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True
    )
    return {
        m[1]: Place(Size(int(m[2]), int(m[3])), int(m[4]), int(m[5])) for m in WINDOW.finditer(done.stdout)
    }


def test_on_a_screen_without_a_window_manager_the_kiosk_and_the_board_both_show(tmp_path: Path) -> None:
    screen = Size(1366, 768)
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{screen}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    lobby = None
    try:
        with os.fdopen(read) as fd:
            display = ":" + fd.readline().strip()
        # (no KIVY_* the test run's own imports set: the lobby's children as a shell starts them)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("KIVY_")}, "PYTHONPATH": str(ROOT), "DISPLAY": display}
        log = (tmp_path / "lobby.log").open("w")
        started = time.monotonic()
        lobby = subprocess.Popen(
            [sys.executable, "-m", "lobby.launcher", "--config", str(DEMO), "--db", "var/lobby.db", "--port", "0"],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        windows: dict[str, Place] = {}
        while len(windows) < 2 and time.monotonic() - started < 60 and lobby.poll() is None:
            time.sleep(0.25)
            windows = _windows(display)
        took = time.monotonic() - started
        assert len(windows) == 2, (windows, (tmp_path / "lobby.log").read_text())
        kiosk = next(p for name, p in windows.items() if "Ki-ốt" in name)
        board = next(p for name, p in windows.items() if "Bảng điện tử" in name)
        assert _on(screen, kiosk) and _on(screen, board), windows
        assert not _overlap(kiosk, board), windows
        assert kiosk.size == board.size == Size(683, 384)
        assert took < 30, f"the windows took {took:.1f} s to show"
    finally:
        if lobby is not None:
            lobby.send_signal(signal.SIGTERM)
            lobby.wait(timeout=30)
        xvfb.terminate()
        xvfb.wait(timeout=10)
