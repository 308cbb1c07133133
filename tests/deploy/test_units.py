"""The units motcua-install writes pass ``systemd-analyze verify`` in the machine's root, and
the machine is set up as systemd would have it (user, folders, enabled units)."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from motcua_install.install import Options, enable_commands, plan, prepare_commands
from motcua_install.roles import UNITS, Role
from tests.deploy.roots import bare_machine, exec_start, installed, provide_commands, unit_file
from tests.support.demo import DEMO

SERVER = "ws://10.0.0.2:8765/"
ROLES = {
    "server": ("--site", str(DEMO)),
    "kiosk": (),
    "board": (),
    "pads": (),
    "console": ("--server", SERVER, "--device", "counter-1"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_roles_units_pass_systemd_analyze_verify(tmp_path, role):
    root = installed(tmp_path, role, *ROLES[role])
    provide_commands(root)
    units = UNITS[Role(role)]
    done = subprocess.run(
        ["systemd-analyze", f"--root={root}", "--man=no", "verify", *units], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_server_unit_is_notify_with_a_watchdog_more_files_and_the_journal(tmp_path):
    root = installed(tmp_path, "server", *ROLES["server"])
    text = unit_file(root, "motcua-server.service").read_text(encoding="utf-8")
    for line in ("Type=notify", "WatchdogSec=30s", "LimitNOFILE=65536", "Restart=always", "StandardOutput=journal"):
        assert line + "\n" in text
    assert exec_start(root, "motcua-server.service") == [
        "/opt/motcua/bin/motcua-server", "serve", "--config", "/etc/motcua/site.toml", "--db", "/var/lib/motcua/lobby.db",
        "--host", "0.0.0.0", "--port", "8765",
    ]  # fmt: skip
    timer = unit_file(root, "motcua-backup.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* 02:30:00\n" in timer and "Persistent=true\n" in timer
    assert exec_start(root, "motcua-backup.service")[1:] == [
        "backup", "--db", "/var/lib/motcua/lobby.db", "--to-dir", "/var/lib/motcua/backups", "--keep", "14",
    ]  # fmt: skip


def test_the_install_makes_the_user_the_folders_and_enables_the_units(tmp_path):
    root = installed(tmp_path, "server", *ROLES["server"])
    (user,) = [line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("motcua:")]
    uid = int(user.split(":")[2])
    assert user.endswith(":/var/lib/motcua:/usr/sbin/nologin")
    var = (root / "var/lib/motcua").stat()
    assert var.st_uid == uid and stat.S_IMODE(var.st_mode) == 0o750
    site = (root / "etc/motcua/site.toml").stat()
    assert site.st_uid == 0 and site.st_gid == uid and stat.S_IMODE(site.st_mode) == 0o640
    assert stat.S_IMODE((root / "var/lib/motcua/backups").stat().st_mode) == 0o700
    assert (root / "etc/systemd/system/multi-user.target.wants/motcua-server.service").is_symlink()
    assert (root / "etc/systemd/system/timers.target.wants/motcua-backup.timer").is_symlink()


def test_a_kiosk_gets_its_state_folder_and_a_locked_session_but_no_site_file(tmp_path):
    root = installed(tmp_path, "kiosk")
    assert not (root / "etc/motcua").exists()
    assert stat.S_IMODE((root / "var/lib/motcua/kiosk").stat().st_mode) == 0o700
    assert exec_start(root, "motcua-kiosk.service") == [
        "/usr/bin/cage", "-d", "--", "/opt/motcua/bin/motcua-kiosk", "--state", "/var/lib/motcua/kiosk",
    ]  # fmt: skip
    text = unit_file(root, "motcua-kiosk.service").read_text(encoding="utf-8")
    for line in ("TTYPath=/dev/tty1", "Conflicts=getty@tty1.service", "Restart=always", "PAMName=motcua-session"):
        assert line + "\n" in text
    assert (root / "etc/systemd/system/graphical.target.wants/motcua-kiosk.service").is_symlink()
    assert (root / "etc/systemd/system/default.target").resolve().name == "graphical.target"
    members = {line.split(":")[0]: line.split(":")[3] for line in (root / "etc/group").read_text().splitlines()}
    assert all("motcua" in members[group].split(",") for group in ("video", "input", "render", "lp"))


def test_the_console_opens_its_counters_page_in_chromium(tmp_path):
    root = installed(tmp_path, "console", "--server", "ws://10.0.0.2:8765/", "--device", "counter-7")
    argv = exec_start(root, "motcua-console.service")
    assert argv[:4] == ["/usr/bin/cage", "-d", "--", "/usr/bin/chromium"]
    assert "--kiosk" in argv and argv[-1] == "http://10.0.0.2:8765/console?device=counter-7"
    assert "--user-data-dir=/var/lib/motcua/console/chromium" in argv


def test_a_server_address_that_is_not_ws_is_refused(tmp_path, capsys):
    from motcua_install.cli import main

    with pytest.raises(SystemExit):
        main(["console", "--root", str(tmp_path), "--device", "counter-1", "--server", "http://10.0.0.2:8765/"])
    assert "give the server's ws:// address" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_on_the_machine_the_user_and_folders_come_first_and_the_unit_is_started_last():
    """Between the two a device is enrolled (motcua-install kiosk --enrol): its unit starts with its token."""
    the_plan = plan(Options(Role.KIOSK))
    assert prepare_commands(the_plan, Path("/")) == [
        ["systemd-sysusers", "motcua-kiosk.conf"], ["systemd-tmpfiles", "--create", "motcua-kiosk.conf"],
    ]  # fmt: skip
    assert enable_commands(the_plan, Path("/"), start=True) == [
        ["systemctl", "daemon-reload"], ["systemctl", "set-default", "graphical.target"],
        ["systemctl", "enable", "--now", "motcua-kiosk.service"],
    ]  # fmt: skip


SCANNER = "serial:///dev/ttyACM0?baudrate=9600"


def test_a_kiosk_installed_with_its_scanner_and_no_code_starts_on_its_first_run_with_the_servers_address(tmp_path):
    """``motcua-install kiosk --server URL --scanner URL`` (docs/deployment.md section 3): the unit
    runs the kiosk with its scanner, the state folder holds the server's address for a typed code."""
    root = bare_machine(tmp_path)
    provide_commands(root)
    installed(root, "kiosk", "--server", SERVER, "--scanner", SCANNER)
    assert exec_start(root, "motcua-kiosk.service") == [
        "/usr/bin/cage", "-d", "--", "/opt/motcua/bin/motcua-kiosk", "--state", "/var/lib/motcua/kiosk", "--scanner", SCANNER,
    ]  # fmt: skip
    state = root / "var/lib/motcua/kiosk"
    (user,) = [line for line in (root / "etc/passwd").read_text().splitlines() if line.startswith("motcua:")]
    server = (state / "server").stat()
    assert (state / "server").read_text(encoding="utf-8") == SERVER + "\n"
    assert stat.S_IMODE(server.st_mode) == 0o644 and server.st_uid == int(user.split(":")[2])
    assert not (state / "token").exists()  # not enrolled: its first-run screen
    done = subprocess.run(
        ["systemd-analyze", f"--root={root}", "--man=no", "verify", "motcua-kiosk.service"], capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr


@pytest.mark.parametrize("scanner", ["serail:///dev/ttyACM0", "/dev/ttyACM0", "tcp://10.0.0.9:9100", "serial://"])
def test_a_scanner_url_the_kiosk_cannot_open_is_a_usage_error_that_writes_nothing(tmp_path, capsys, scanner):
    from motcua_install.cli import main

    root = bare_machine(tmp_path)
    provide_commands(root)
    before = sorted(root.rglob("*"))
    with pytest.raises(SystemExit) as stopped:
        main(["kiosk", "--root", str(root), "--server", SERVER, "--scanner", scanner])
    said = capsys.readouterr().err
    assert stopped.value.code == 2 and "motcua-install kiosk: error: --scanner: " in said, said
    assert sorted(root.rglob("*")) == before  # nothing written
