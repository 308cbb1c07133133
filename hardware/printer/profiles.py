"""python-escpos, loaded when first needed, and its printer capability profiles (data, not code).

python-escpos's import configures the root logger and leaves a temporary folder behind; this
module undoes both, so the application's logging stays its own and /tmp does not fill up.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
from typing import Any

__all__ = ["escpos", "load_profile", "profile_width"]


@functools.cache
def escpos() -> Any:
    """The ``escpos`` package, its ``capabilities`` and ``printer`` modules imported."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    import escpos.capabilities
    import escpos.printer

    for handler in root.handlers[:]:
        if handler not in handlers:  # escpos.capabilities calls logging.basicConfig()
            root.removeHandler(handler)
    if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
        # It caches its data in a new temporary folder per process and never deletes it;
        # the data is in memory once imported.
        shutil.rmtree(escpos.capabilities.pickle_dir, ignore_errors=True)
    return escpos


def load_profile(name: str | None) -> Any:
    """A python-escpos capability profile (``KeyError`` when the name is unknown)."""
    return escpos().capabilities.get_profile(name)


def profile_width(profile: str) -> int | None:
    """The media width in dots that python-escpos's capability data gives ``profile``."""
    pixels = load_profile(profile).profile_data.get("media", {}).get("width", {}).get("pixels")
    return pixels if isinstance(pixels, int) else None
