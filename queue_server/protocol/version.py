"""The software's version, as a device says it in ``hello`` (``"version"``) and the server's
fleet shows it beside the server's own."""

from __future__ import annotations

import importlib.metadata


def software_version() -> str:
    try:
        return importlib.metadata.version("motcua-queue")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
