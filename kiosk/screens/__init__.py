"""The kiosk's screens: one Python file (behaviour) and one ``.kv`` file (layout) each.

Screens show what the app gives them and call the app's methods on touches; they never talk
to the server or the devices themselves.
"""

from __future__ import annotations

from pathlib import Path

KV_DIR = Path(__file__).resolve().parent
SCREENS = ("widgets", "home", "priority", "ticket", "checkin", "dossier", "dossier_result", "citizen", "message", "offline", "admin", "first_run")


def load_kv() -> None:
    """Load every screen's layout (once per process, before the screens are made)."""
    from kivy.lang import Builder

    for name in SCREENS:
        path = str(KV_DIR / f"{name}.kv")
        if path not in Builder.files:
            Builder.load_file(path)
