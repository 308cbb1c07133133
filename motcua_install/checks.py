"""What the install asks the project's own commands before it writes anything: a device URL
read as the apps read it (``motcua-hw check-url``, from the venv: this package imports none of
ours, so the one URL checker of the project, ``hardware.urls``, is reached by its command)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from motcua_install.install import on_root
from motcua_install.layout import Layout

CHECK_URL = "motcua-hw"
TIMEOUT_SECONDS = 60


def url_problem(kind: str, url: str, layout: Layout, root: Path) -> str | None:
    """Why ``url`` is no ``kind`` URL the apps open (``scanner``, ``printer``, ``pad``), or None."""
    command = [str(on_root(root, layout.bin(CHECK_URL))), "check-url", kind, url]
    if not Path(command[0]).is_file():
        return f"{layout.bin(CHECK_URL)} is not there to read the URL: install the project into {layout.venv} first (docs/deployment.md)"
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return f"{CHECK_URL} check-url had no answer in {TIMEOUT_SECONDS} s"
    if done.returncode == 0:
        return None
    said = done.stderr.strip().removeprefix(f"{CHECK_URL} check-url: ")
    return said or f"{CHECK_URL} check-url exited {done.returncode}"
