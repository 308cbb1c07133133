"""Simulated serial devices: ptys, control sockets, clean stops, stale leftovers."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest
import serial

from hardware.simulators.control import ControlError, SimulatorAlreadyRunning, SimulatorNotRunning, request
from hardware.simulators.paths import SIM_DIR_ENV, SimPaths, resolve_sim_dir
from hardware.simulators.scanner import SimulatedScanner
from hardware.urls import parse_device_url


def test_a_driver_opens_the_published_tty_like_a_real_port(tmp_path: Path) -> None:
    with SimulatedScanner(SimPaths.of("dev", tmp_path)) as sim:
        assert sim.paths.tty.is_symlink()
        assert os.readlink(sim.paths.tty).startswith("/dev/pts/")
        with serial.Serial(str(sim.paths.tty), 9600, timeout=1) as port:
            sim.scan("ABCD2345")
            assert port.read_until(b"\r\n") == b"ABCD2345\r\n"
            port.write(b"hello device")
    assert not sim.paths.tty.exists() and not sim.paths.control.exists()


def test_the_control_channel(tmp_path: Path) -> None:
    paths = SimPaths.of("ctl", tmp_path)
    with SimulatedScanner(paths) as sim, serial.Serial(str(paths.tty), 9600, timeout=1) as port:
        assert request(paths.control, {"op": "ping"})["kind"] == "scanner"
        assert request(paths.control, {"op": "scan", "code": "XY"}) == {"ok": True, "scanned": "XY"}
        assert request(paths.control, {"op": "raw", "hex": "ff00"})["sent"] == 2
        assert port.read(6) == b"XY\r\n\xff\x00"
        for bad in ({"op": "fly"}, {"op": "scan"}, {"op": "scan", "code": "Hồ sơ"}, {"op": "raw", "hex": "zz"}):
            with pytest.raises(ControlError):
                request(paths.control, bad)
        with socket.socket(socket.AF_UNIX) as raw:
            raw.connect(str(paths.control))
            raw.sendall(b"not json\n")
            assert b'"ok": false' in raw.recv(1000)
        assert sim.scans == 1


def test_a_second_simulator_with_the_same_name_is_refused(tmp_path: Path) -> None:
    with SimulatedScanner(SimPaths.of("one", tmp_path)):
        with pytest.raises(SimulatorAlreadyRunning):
            SimulatedScanner(SimPaths.of("one", tmp_path)).start()


def test_leftovers_of_a_killed_simulator_are_replaced(tmp_path: Path) -> None:
    paths = SimPaths.of("stale", tmp_path)
    paths.tty.symlink_to("/dev/pts/nonexistent")
    leftover = socket.socket(socket.AF_UNIX)
    leftover.bind(str(paths.control))
    leftover.close()  # a socket file nobody listens on
    with SimulatedScanner(paths):
        assert request(paths.control, {"op": "ping"})["ok"]
        assert os.readlink(paths.tty).startswith("/dev/pts/")


def test_talking_to_a_simulator_that_is_not_running(tmp_path: Path) -> None:
    with pytest.raises(SimulatorNotRunning):
        request(SimPaths.of("nobody", tmp_path).control, {"op": "ping"})


def test_stop_leaves_no_thread_fd_or_file(tmp_path: Path) -> None:
    fds = len(os.listdir("/proc/self/fd"))
    threads = threading.active_count()
    for _ in range(3):
        sim = SimulatedScanner(SimPaths.of("clean", tmp_path))
        sim.start()
        sim.scan("X")  # nobody listens: the kernel buffers it
        sim.stop()
        sim.stop()
    assert len(os.listdir("/proc/self/fd")) == fds
    assert threading.active_count() == threads
    assert list(tmp_path.iterdir()) == []


def test_sim_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SIM_DIR_ENV, raising=False)
    assert resolve_sim_dir() == Path("var/sim")
    monkeypatch.setenv(SIM_DIR_ENV, str(tmp_path))
    assert SimPaths.of("kiosk-1").tty == tmp_path / "kiosk-1.tty"
    url = parse_device_url("sim://kiosk-1?dir=/run/motcua")
    assert SimPaths.from_url(url).control == Path("/run/motcua/kiosk-1.sock")
    for bad in ("../x", "a/b", "", "-x", "x" * 65):
        with pytest.raises(ValueError):
            SimPaths.of(bad, tmp_path)
    with pytest.raises(ValueError):
        SimPaths.of("x", "/" + "d" * 120)
