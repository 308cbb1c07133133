"""The apps part's site file: the benchmark's centre (:class:`bench.site.BenchSite`, unchanged)
with its addresses on this server's port, plus the kiosk (a simulated printer) and the display
board that run as real apps.

    path = write_app_site(BenchSite(), folder / "apps.toml", port, folder / "printer")
"""

from __future__ import annotations

from pathlib import Path

from bench.site import BenchSite

KIOSK = "app-kiosk"
KIOSK_TOKEN = "bench-app-kiosk-token-0001"
BOARD = "app-board"
BOARD_TOKEN = "bench-app-board-token-0001"
SIZE = "1920x1080"

# The kiosk in a window of the screen's size (full screen needs a window manager's say); it
# stays on a ticket until "Xong" is touched (the benchmark touches it), never idles home.
KIOSK_OPTIONS = f'{{ fullscreen = false, window_size = "{SIZE}", idle_seconds = 600, result_seconds = 120 }}'
BOARD_OPTIONS = '{ layout = "landscape", fullscreen = false, voice = false }'


def write_app_site(site: BenchSite, path: Path, port: int, printer: Path) -> Path:
    site.write(path)
    text = path.read_text(encoding="utf-8")
    addresses = f'public_url = "http://127.0.0.1:{port}"\nserver_url = "ws://127.0.0.1:{port}/"\n'
    text = text.replace("[site]\n", "[site]\n" + addresses, 1)
    text += "\n".join(
        [
            "",
            "[[device]]",
            f'id = "{KIOSK}"',
            'role = "kiosk"',
            'name = "Ki-ốt đo hiệu năng"',
            f'token = "{KIOSK_TOKEN}"',
            f'printer = "sim://{printer}?width=576"',
            f"options = {KIOSK_OPTIONS}",
            "",
            "[[device]]",
            f'id = "{BOARD}"',
            'role = "display"',
            'name = "Bảng điện tử đo hiệu năng"',
            f'token = "{BOARD_TOKEN}"',
            f"options = {BOARD_OPTIONS}",
            "",
        ]
    )
    path.write_text(text, encoding="utf-8")
    return path
