"""Fixtures for the printer tests: fake printers on real sockets and ptys, folders, zbar."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hardware.printer.printer_fakes import PtyPrinter, TcpPrinter

ARTEFACTS = Path(__file__).resolve().parents[2] / "artefacts"


@pytest.fixture
def tcp_printer() -> Iterator[TcpPrinter]:
    printer = TcpPrinter()
    yield printer
    printer.close()


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinter]:
    printer = PtyPrinter()
    yield printer
    printer.close()


@pytest.fixture
def sim_dir(tmp_path: Path) -> Path:
    return tmp_path / "sim-printer"


@pytest.fixture(scope="session")
def artefacts() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


@pytest.fixture(scope="session")
def zbarimg() -> Callable[[Path], list[str]]:
    """Decode the QR codes in a PNG with zbar (a decoder we did not write)."""
    if shutil.which("zbarimg") is None:
        pytest.skip("zbarimg is not installed (apt install zbar-tools)")

    def decode(png: Path) -> list[str]:
        done = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, timeout=30)
        return done.stdout.decode("ascii").splitlines()

    return decode
