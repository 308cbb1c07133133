"""Serial scanners through real ptys: simulated devices, unplugging and plugging back."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

from hardware.scanner.lines import DiscardReason, Terminator
from hardware.scanner.open import open_scanner
from hardware.scanner.sources import SerialScanner
from hardware.scanner.stream import ScanStream
from hardware.serial_link import LinkState
from hardware.simulators.paths import SimPaths
from hardware.simulators.scanner import SimulatedScanner
from hardware.urls import InvalidDeviceURL

FAST = "reconnect_initial=0.02&reconnect_max=0.1"


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def wait_connected(scanner: SerialScanner) -> None:
    assert await asyncio.to_thread(scanner.connected.wait, 5), "the scanner never connected"


def test_codes_come_through_a_pty_with_prefix_suffix_and_terminator(tmp_path: Path) -> None:
    sim = SimulatedScanner(SimPaths.of("s1", tmp_path), terminator=Terminator.CR, prefix=b"\x02", suffix=b"\x03")

    async def main() -> list[str]:
        scanner = open_scanner(f"sim://s1?dir={tmp_path}&terminator=cr&prefix=%02&suffix=%03&{FAST}")
        assert isinstance(scanner, SerialScanner)
        async with ScanStream([scanner], dedup_window=0) as stream:
            await wait_connected(scanner)
            sim.scan("ABCD2345")
            sim.write(b"\xff\xfe garbage \x00\x03\r")  # noise on the line
            sim.scan("https://hcc.example.gov.vn/t/ABCDEFGH23")
            codes = [(await asyncio.wait_for(stream.get(), 5)).code for _ in range(2)]
        assert scanner.discards[DiscardReason.MISSING_PREFIX] == 1
        return codes

    with sim:
        assert asyncio.run(main()) == ["ABCD2345", "https://hcc.example.gov.vn/t/ABCDEFGH23"]


def test_the_scanner_survives_its_device_being_killed_and_restarted(tmp_path: Path) -> None:
    paths = SimPaths.of("s2", tmp_path)
    fds_before = open_fds()
    threads_before = threading.active_count()

    async def main() -> list[str]:
        scanner = open_scanner(f"sim://s2?dir={tmp_path}&{FAST}")
        assert isinstance(scanner, SerialScanner)
        got = []
        async with ScanStream([scanner], dedup_window=0) as stream:
            for round_ in range(3):
                sim = SimulatedScanner(paths)
                sim.start()
                await wait_connected(scanner)
                sim.scan(f"ROUND-{round_}")
                got.append((await asyncio.wait_for(stream.get(), 5)).code)
                sim.write(b"HALF-A-CO")  # cut short by the unplug below
                await asyncio.sleep(0.05)
                sim.stop()  # unplugged
                for _ in range(200):
                    if scanner.state is LinkState.WAITING:
                        break
                    await asyncio.sleep(0.01)
                assert scanner.state is LinkState.WAITING
            assert scanner.discards[DiscardReason.INTERRUPTED] >= 1
        return got

    assert asyncio.run(main()) == ["ROUND-0", "ROUND-1", "ROUND-2"]
    assert threading.active_count() == threads_before
    assert open_fds() == fds_before
    assert list(tmp_path.iterdir()) == []


def test_a_scanner_whose_device_is_missing_keeps_waiting_quietly(tmp_path: Path) -> None:
    async def main() -> LinkState:
        scanner = open_scanner(f"serial://{tmp_path}/ttyNOPE?{FAST}")
        assert isinstance(scanner, SerialScanner)
        async with ScanStream([scanner]):
            await asyncio.sleep(0.2)
            return scanner.state

    assert asyncio.run(main()) is LinkState.WAITING


def test_opening_a_scanner_opens_nothing(tmp_path: Path) -> None:
    before = open_fds()
    open_scanner(f"serial://{tmp_path}/ttyUSB0?baudrate=115200")
    open_scanner("hid:///dev/input/by-id/usb-scanner-event-kbd")
    assert open_fds() == before


@pytest.mark.parametrize(
    "url",
    [
        "tcp://scanner:9100",
        "serial:///dev/ttyUSB0?terminator=semicolon",
        "serial:///dev/ttyUSB0?baudrate=fast",
        "serial:///dev/ttyUSB0?parity=X",
        "serial:///dev/ttyUSB0?prefix=%C3%A1%E1%BB%87",
        "hid:///dev/input/by-id/x?grab=maybe",
        "sim://../etc",
        "sim://x?kind=radar",
    ],
)
def test_bad_scanner_urls_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(InvalidDeviceURL):
        open_scanner(url)


def test_serial_settings_come_from_the_url() -> None:
    scanner = open_scanner("serial:///dev/ttyACM0?baudrate=115200&parity=E&terminator=crlf&prefix=%5D")
    assert isinstance(scanner, SerialScanner)
    assert scanner.serial_settings.baudrate == 115200
    assert scanner.serial_settings.parity == "E"
    assert scanner.line_settings.terminator is Terminator.CRLF
    assert scanner.line_settings.prefix == b"]"
