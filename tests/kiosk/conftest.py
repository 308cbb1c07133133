"""Fixtures of the kiosk's tests: a short working folder (Unix socket paths are short), a
simulated scanner on a real pty, and the site file pointing the kiosk at the test server."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hardware.simulators.paths import SimPaths
from hardware.simulators.scanner import SimulatedScanner


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="kiosk-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def scanner(workdir: Path) -> Iterator[SimulatedScanner]:
    with SimulatedScanner(SimPaths.of("k1", workdir / "sim")) as sim:
        yield sim


@pytest.fixture
def scanner_url(workdir: Path, scanner: SimulatedScanner) -> str:
    return f"sim://k1?dir={workdir / 'sim'}"
