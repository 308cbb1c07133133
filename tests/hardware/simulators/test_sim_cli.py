"""``motcua-hw sim-scanner`` / ``sim-pad`` driven end to end, as an installer would."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hardware.cli import build_parser
from hardware.cli import main as motcua_hw

MY_COMMANDS = ("scan", "sim-scanner", "pad", "sim-pad")


def motcua_hw_process(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_file(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def repeat_until_exit(process: subprocess.Popen[str], action: list[str], timeout: float = 15.0) -> None:
    """Run ``motcua-hw ACTION`` until ``process`` exits (it may not be listening yet)."""
    deadline = time.monotonic() + timeout
    while process.poll() is None:
        assert time.monotonic() < deadline, "the reading command never finished"
        assert motcua_hw(action) == 0
        try:
            process.wait(0.3)
        except subprocess.TimeoutExpired:
            pass


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    return out, err


def test_sim_scanner_send_reaches_motcua_hw_scan(tmp_path: Path) -> None:
    device = motcua_hw_process("sim-scanner", "--name", "kiosk-1", "--dir", str(tmp_path))
    try:
        wait_for_file(tmp_path / "kiosk-1.sock")
        reader = motcua_hw_process(
            "scan", "--scanner", f"sim://kiosk-1?dir={tmp_path}", "--count", "1", "--timeout", "20"
        )
        repeat_until_exit(reader, ["sim-scanner", "--name", "kiosk-1", "--dir", str(tmp_path), "--send", "abcd-2345"])
        out, err = reader.communicate()
        assert reader.returncode == 0, err
        assert out.splitlines() == ["sim://kiosk-1\tunknown\tabcd-2345"]  # as read: the kiosk classifies it
    finally:
        out, _ = stop(device)
    assert "kiosk-1.tty" in out
    assert list(tmp_path.iterdir()) == []


def test_sim_pad_press_reaches_motcua_hw_pad(tmp_path: Path) -> None:
    device = motcua_hw_process("sim-pad", "--name", "counter-bus", "--dir", str(tmp_path))
    try:
        wait_for_file(tmp_path / "counter-bus.sock")
        reader = motcua_hw_process(
            "pad", "--pad", f"sim://counter-bus?dir={tmp_path}", "--counter", "2=5", "--arm", "2",
            "--count", "1", "--timeout", "20",
        )  # fmt: skip
        repeat_until_exit(
            reader, ["sim-pad", "--name", "counter-bus", "--dir", str(tmp_path), "--press", "4", "--address", "2"]
        )
        out, err = reader.communicate()
        assert reader.returncode == 0, err
        assert "rating\tpad 2 (counter 5)\tticket TEST\tscore 4" in out.splitlines()
    finally:
        out, _ = stop(device)
    assert "host -> SetLed(address=2, led=<LedState.ARMED: 1>)" in out
    assert list(tmp_path.iterdir()) == []


def test_sim_pad_state_in_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hardware.simulators.pad import SimulatedPadBus
    from hardware.simulators.paths import SimPaths

    with SimulatedPadBus(SimPaths.of("bus", tmp_path)):
        assert motcua_hw(["sim-pad", "--name", "bus", "--dir", str(tmp_path), "--state"]) == 0
        assert motcua_hw(["sim-pad", "--name", "bus", "--dir", str(tmp_path), "--press", "9", "--address", "300"]) == 1
    assert '"protocol": "motcua"' in capsys.readouterr().out


def test_commands_aimed_at_a_missing_simulator_fail_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua_hw(["sim-scanner", "--name", "ghost", "--dir", str(tmp_path), "--send", "X"]) == 1
    assert motcua_hw(["sim-pad", "--name", "ghost", "--dir", str(tmp_path), "--press", "1"]) == 1
    assert "no simulator is listening" in capsys.readouterr().err


def test_bad_urls_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert motcua_hw(["scan", "--scanner", "tcp://x:1"]) == 2
    assert motcua_hw(["pad", "--pad", "serial:///dev/ttyUSB0?protocol=x"]) == 2
    assert motcua_hw(["pad", "--pad", "sim://bus", "--counter", "2=5", "--arm", "3"]) == 2


def test_every_command_has_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    helps = {action.dest: action.help for action in commands._choices_actions}  # type: ignore[attr-defined]
    for name in MY_COMMANDS:
        assert helps.get(name), f"{name} has no help text"
        sub = commands.choices[name]  # type: ignore[index]
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings} has no help text"
