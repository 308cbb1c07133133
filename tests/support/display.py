"""A virtual screen of its own for each process of a split test run.

``make test`` runs the suite in two processes (pytest-xdist's workers, ``TEST_PROCESSES``): each worker
starts an Xvfb of its own (the benchmark's :class:`bench.apps.processes.VirtualScreen`) before
any test imports Kivy, so that one worker's windows never lie over the other's (the screenshots
read a window's own pixels; the lobby's test lists the display's windows with ``xwininfo``). A
run in one process keeps the screen it was started on (``xvfb-run``'s).
"""

from __future__ import annotations

import os

from bench.apps.processes import VirtualScreen


def own_screen() -> VirtualScreen | None:
    """In an xdist worker: an Xvfb on the first free display, ``DISPLAY`` set to it (the
    screen to stop at the end); otherwise None."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return None
    screen = VirtualScreen().start()
    os.environ["DISPLAY"] = screen.display
    return screen
