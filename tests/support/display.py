"""A virtual screen of its own for each process of a split test run.

``make test`` runs the suite in two processes (pytest-xdist's workers, ``-n 2``): each worker
starts an Xvfb of its own before any test imports Kivy, so that one worker's windows never lie
over the other's (the screenshots read a window's own pixels; the lobby's test lists the
display's windows with ``xwininfo``). A run in one process keeps the screen it was started on
(``xvfb-run``'s).
"""

from __future__ import annotations

import os
import subprocess

SCREEN = "1920x1080x24"  # as the Makefile's xvfb-run gives the run


def own_screen() -> subprocess.Popen[bytes] | None:
    """In an xdist worker: an Xvfb on the first free display, ``DISPLAY`` set to it (the
    process to stop at the end); otherwise None."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    read, write = os.pipe()
    xvfb = subprocess.Popen(  # -displayfd: Xvfb finds a free display and writes its number there
        ["Xvfb", "-displayfd", str(write), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=[write], stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    number = b""
    with os.fdopen(read, "rb") as told:
        while not number.endswith(b"\n"):
            chunk = told.read(1)
            if not chunk:
                xvfb.kill()
                raise RuntimeError(f"Xvfb did not start (exit code {xvfb.wait()}): make setup installs it")
            number += chunk
    os.environ["DISPLAY"] = f":{number.decode().strip()}"
    return xvfb
