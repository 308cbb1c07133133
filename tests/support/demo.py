"""The demo centre (``assets/demo.toml``) as the tests use it: its file, its public device
tokens and its officers' PINs, written once here instead of in every suite."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "assets" / "demo.toml"
DEMO_PUBLIC_URL = "http://127.0.0.1:8765"

DEMO_TOKENS = {
    "manager": "demo-manager-token",
    "counter-1": "demo-counter-1-token",
    "counter-3": "demo-counter-3-token",
    "counter-10": "demo-counter-10-token",
    "board-hall": "demo-board-hall-token",
    "kiosk-1": "demo-kiosk-1-token",
    "volunteer-1": "demo-volunteer-1-token",
    "pad-1": "demo-pad-1-token",
    "pad-3": "demo-pad-3-token",
}

# Demo officers (user, PIN) for counters 1…10, one each.
OFFICERS = {
    1: ("lan.nguyen", "1001"), 2: ("ngoc.huynh", "1009"), 3: ("hung.tran", "1002"), 4: ("mai.le", "1003"),
    5: ("duc.pham", "1004"), 6: ("huong.vo", "1005"), 7: ("khoa.dang", "1006"), 8: ("thao.bui", "1007"),
    9: ("quang.do", "1008"), 10: ("minh.hoang", "9000"),
}  # fmt: skip


def demo_site(public_url: str | None = None, timezone: str | None = None) -> str:
    """The demo's configuration text, with its public URL and its time zone replaced if given."""
    text = DEMO.read_text(encoding="utf-8")
    if public_url is not None:
        text = text.replace(f'public_url = "{DEMO_PUBLIC_URL}"', f'public_url = "{public_url}"', 1)
    if timezone is not None:
        text = text.replace('timezone = "Asia/Ho_Chi_Minh"', f'timezone = "{timezone}"', 1)
    return text
