"""A machine installed by ``motcua-install`` into a temporary root, and its units' commands run
from that root: what the tests of tests/deploy share.

The units name the machine's paths (``/opt/motcua/bin/motcua-server``, ``/etc/motcua/site.toml``);
:func:`in_root` reads a unit's ``ExecStart`` and points those paths into the root. The venv the
units expect (``/opt/motcua/bin``) gets copies of this venv's console scripts, which run this
Python (their ``#!`` line) on this project (``PYTHONPATH``), as ``pip install`` would leave them."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from motcua_install.cli import main as install

PROJECT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(sys.executable).parent  # this venv's console scripts
MACHINE_PATHS = ("/opt/motcua", "/etc/motcua", "/var/lib/motcua")
APPS = ("motcua-server", "motcua-kiosk", "motcua-display", "motcua-pads", "motcua-hw")
# what the units run besides the venv, copied from this machine (Debian packages: cage, chromium)
SYSTEM_COMMANDS = ("/usr/bin/cage", "/usr/bin/chromium", "/bin/sh", "/bin/kill")


def bare_machine(root: Path) -> Path:
    """``root`` as a freshly installed Debian is, as far as the install cares: its users and
    groups (video, input… exist), systemd's own units (graphical.target…)."""
    (root / "etc").mkdir(parents=True, exist_ok=True)
    for name in ("passwd", "group", "shadow", "gshadow"):
        if Path("/etc", name).exists():
            shutil.copy2(Path("/etc", name), root / "etc" / name)
    units = root / "usr/lib/systemd/system"
    if not units.exists():
        shutil.copytree("/usr/lib/systemd/system", units, symlinks=True)
    return root


def installed(root: Path, role: str, *options: str) -> Path:
    """``motcua-install ROLE --root ROOT OPTIONS…``, the systemd tools included, into a bare machine."""
    bare_machine(root)
    code = install([role, "--root", str(root), *options])
    assert code == 0, f"motcua-install {role} exited with {code}"
    return root


def provide_commands(root: Path) -> None:
    """What ``systemd-analyze --root`` looks for: the venv's scripts, cage and Chromium."""
    for app in APPS:
        target = root / "opt/motcua/bin" / app
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SCRIPTS / app, target)
    for command in SYSTEM_COMMANDS:
        target = root / command.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(Path(command).resolve(), target)


def unit_file(root: Path, unit: str) -> Path:
    return root / "etc/systemd/system" / unit


def unit_value(root: Path, unit: str, key: str) -> str:
    """The one ``KEY=`` line's value of the unit."""
    (line,) = [line for line in unit_file(root, unit).read_text(encoding="utf-8").splitlines() if line.startswith(key + "=")]
    return line.removeprefix(key + "=")


def exec_start(root: Path, unit: str) -> list[str]:
    """The unit's ``ExecStart`` as argv (on the machine's paths)."""
    return shlex.split(unit_value(root, unit, "ExecStart"))


CAGE = ["/usr/bin/cage", "-d", "--"]


def session_command(root: Path, unit: str) -> list[str]:
    """What a screen unit (kiosk, board) hands to cage, on the machine's paths: under Xvfb, the
    tests run it as cage would, alone in its display."""
    argv = exec_start(root, unit)
    assert argv[: len(CAGE)] == CAGE, argv
    return argv[len(CAGE) :]


def in_root(root: Path, argv: list[str]) -> list[str]:
    """``argv`` with the machine's paths under ``root``."""
    return [str(root / arg.lstrip("/")) if arg.startswith(MACHINE_PATHS) else arg for arg in argv]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a unit's command here: this project on the path, nothing of systemd's."""
    env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
    env["PYTHONPATH"] = str(PROJECT)
    env.update(extra)
    return env
