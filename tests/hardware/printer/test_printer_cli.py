"""``motcua-hw`` printer commands, run through their own argument parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest

from hardware.printer.cli import add_commands
from hardware.printer.sim import list_jobs, load_state
from hardware.printer.status import PaperState

Run = Callable[..., int]


@pytest.fixture
def run() -> Run:
    parser = argparse.ArgumentParser(prog="motcua-hw")
    add_commands(parser.add_subparsers(dest="command", required=True))

    def run(*argv: str) -> int:
        args = parser.parse_args(argv)
        return int(args.func(args))

    return run


def test_every_command_has_help() -> None:
    parser = argparse.ArgumentParser(prog="motcua-hw")
    commands = parser.add_subparsers(dest="command")
    add_commands(commands)
    assert set(commands.choices) == {"print-test", "printer-status", "sim-printer"}
    for name, sub in commands.choices.items():
        assert sub.description, name
        assert all(action.help for action in sub._actions), name
    assert all(choice.help for choice in commands._choices_actions)


def test_print_test_on_the_simulator(
    run: Run, sim_dir: Path, capsys: pytest.CaptureFixture[str], zbarimg: Callable[[Path], list[str]]
) -> None:
    assert run("print-test", "--printer", f"sim://{sim_dir}", "--width", "384") == 0
    (job,) = list_jobs(sim_dir)
    assert "384 dots wide" in capsys.readouterr().out
    assert zbarimg(job.png) == ["http://motcua.local:8765/t/TESTPRNT23"]


def test_sim_printer_switches_paper_out_and_back(
    run: Run, sim_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sim://{sim_dir}"
    assert run("sim-printer", "--dir", str(sim_dir), "--paper", "out") == 0
    assert load_state(sim_dir).paper is PaperState.OUT
    assert run("printer-status", "--printer", url) == 3
    assert "paper out" in capsys.readouterr().out
    assert run("print-test", "--printer", url) == 1
    assert "PaperOut" in capsys.readouterr().err
    assert run("sim-printer", "--dir", str(sim_dir), "--paper", "ok", "--cover-open") == 0
    assert run("print-test", "--printer", url) == 1
    assert "CoverOpen" in capsys.readouterr().err
    assert run("sim-printer", "--dir", str(sim_dir), "--reset", "--list") == 0
    assert run("printer-status", "--printer", url) == 0
    assert run("print-test", "--printer", url) == 0
    assert len(list_jobs(sim_dir)) == 1
    assert run("sim-printer", "--dir", str(sim_dir), "--list", "--clear") == 0
    assert list_jobs(sim_dir) == []


def test_offline_and_online_flags(run: Run, sim_dir: Path) -> None:
    run("sim-printer", "--dir", str(sim_dir), "--offline", "--delay", "0.5")
    state = load_state(sim_dir)
    assert (state.online, state.delay, state.cover_open) == (False, 0.5, False)
    run("sim-printer", "--dir", str(sim_dir), "--online")
    assert load_state(sim_dir).online is True


def test_a_bad_url_exits_2_with_the_reason(run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("printer-status", "--printer", "lpt1://x") == 2
    assert "scheme 'lpt1' is not supported" in capsys.readouterr().err


def test_a_missing_printer_exits_1_with_the_error(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("print-test", "--printer", f"file://{tmp_path}/lp7") == 1
    assert "PrinterNotFound" in capsys.readouterr().err


def test_a_write_only_printer_reports_unknown(
    run: Run, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    device = tmp_path / "lp0"
    device.touch()
    assert run("printer-status", "--printer", f"file://{device}") == 0
    assert "status unknown" in capsys.readouterr().out
