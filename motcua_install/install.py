"""One machine's files, then systemd told about them.

:func:`plan` says what to write (pure: paths on the machine and their text); :func:`write` puts
it under a root; :func:`prepare_commands` (the user, its folders) and :func:`enable_commands`
(the units) are the systemd tools that make them real — on the machine itself (root ``/``) or
inside a root (``--root``). A device enrolled at install is enrolled between the two."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath

from motcua_install.layout import USER, Layout
from motcua_install.roles import SCREENS, UNITS, Role, device_command


@dataclass(frozen=True)
class Options:
    role: Role
    layout: Layout = field(default_factory=Layout)
    server: str | None = None  # the devices' ws:// address of the server
    device: str | None = None  # the console's counter device id
    scanner: str | None = None  # the kiosk's scanner URL (its first run reads the enrolment QR with it)
    tty: str = "tty1"
    host: str = "0.0.0.0"
    port: int = 8765
    keep: int = 14
    backup_at: str = "*-*-* 02:30:00"
    backup_dir: PurePosixPath | None = None


@dataclass(frozen=True)
class File:
    path: PurePosixPath  # on the machine
    text: str
    mode: int = 0o644


@dataclass(frozen=True)
class Plan:
    files: tuple[File, ...]
    folders: tuple[tuple[PurePosixPath, int], ...]
    units: tuple[str, ...]  # to enable
    graphical: bool  # the machine boots to its screen session (graphical.target)


class TemplateError(Exception):
    """A template kept a placeholder that nothing filled."""


def render(name: str, **values: str) -> str:
    text = resources.files("motcua_install").joinpath("templates", name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", value)
    left = re.findall(r"@[A-Z]+@", text)
    if left:
        raise TemplateError(f"{name}: nothing fills {', '.join(sorted(set(left)))}")
    return text


def plan(options: Options) -> Plan:
    layout, role = options.layout, options.role
    base = {"USER": USER, "VAR": str(layout.var), "BIN": str(layout.venv / "bin")}
    files: list[File] = []
    folders: list[tuple[PurePosixPath, int]] = [(layout.var, 0o750)]
    users = [f'u {USER} - "Một Cửa Queue" {layout.var} /usr/sbin/nologin']
    tmpfiles = [f"d {layout.var} 0750 {USER} {USER} -"]
    if role is Role.SERVER:
        backups = options.backup_dir or layout.backups
        values = {**base, "SITE": str(layout.site), "DB": str(layout.db), "HOST": options.host, "PORT": str(options.port)}
        values |= {"BACKUPS": str(backups), "KEEP": str(options.keep), "AT": options.backup_at}
        files += [File(layout.units / name, render(name, **values)) for name in UNITS[role]]
        folders += [(layout.etc, 0o750), (backups, 0o700)]
        tmpfiles += [
            f"d {layout.etc} 0750 root {USER} -",
            f"z {layout.site} 0640 root {USER} -",
            f"d {backups} 0700 {USER} {USER} -",
            f"z {layout.db} 0600 {USER} {USER} -",
        ]
        graphical = False
    else:
        state = layout.state(role.value)
        command = shlex.join(device_command(role, layout, options.server, options.device, options.scanner))
        values = {**base, "STATE": str(state), "COMMAND": command.replace("%", "%%"), "ROLE": role.value}
        (unit,) = UNITS[role]
        screen = SCREENS.get(role)
        if screen is None:
            files.append(File(layout.units / unit, render("motcua-pads.service", **values)))
        else:
            values |= {"TTY": options.tty, "GROUPS": " ".join(screen.groups)}
            files.append(File(layout.units / unit, render("motcua-session.service", **values)))
            files.append(File(layout.pam, render("motcua-session.pam")))
            users += [f"m {USER} {group}" for group in screen.groups]
        folders.append((state, 0o700))
        tmpfiles.append(f"d {state} 0700 {USER} {USER} -")
        graphical = screen is not None
    header = f"# Một Cửa Queue ({role.value}): written by motcua-install\n"
    files.append(File(_per_role(layout.sysusers, role), header + "\n".join(users) + "\n"))
    files.append(File(_per_role(layout.tmpfiles, role), header + "\n".join(tmpfiles) + "\n"))
    enabled = tuple(u for u in UNITS[role] if u != "motcua-backup.service")  # the timer starts it
    return Plan(tuple(files), tuple(folders), enabled, graphical)


def _per_role(path: PurePosixPath, role: Role) -> PurePosixPath:
    """``/etc/sysusers.d/motcua.conf`` → ``…/motcua-kiosk.conf``: two roles on one machine
    (a counter PC's console and its pad bus) each keep their own file."""
    return path.with_name(f"{path.stem}-{role.value}{path.suffix}")


def on_root(root: Path, path: PurePosixPath) -> Path:
    """Where the machine's ``path`` is under ``root``."""
    return root / path.relative_to("/")


def write(plan_: Plan, root: Path) -> list[Path]:
    written = []
    for folder, mode in plan_.folders:
        target = on_root(root, folder)
        target.mkdir(parents=True, exist_ok=True)
        target.chmod(mode)
    for item in plan_.files:
        target = on_root(root, item.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".motcua-new")
        partial.write_text(item.text, encoding="utf-8")
        partial.chmod(item.mode)
        os.replace(partial, target)
        written.append(target)
    return written


def install_site(site: Path, root: Path, layout: Layout) -> Path:
    """Copy the site file (every secret of the centre: the server alone has it) into place, 0640."""
    target = on_root(root, layout.site)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".motcua-new")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
    with os.fdopen(fd, "wb") as out, site.open("rb") as data:
        shutil.copyfileobj(data, out)
    os.replace(partial, target)
    return target


def prepare_commands(plan_: Plan, root: Path) -> list[list[str]]:
    """The user and its folders (a device is enrolled between these and :func:`enable_commands`,
    so that its unit starts with its token there)."""
    layout_files = [f for f in plan_.files if f.path.parent.name in ("sysusers.d", "tmpfiles.d")]
    sysusers, tmpfiles = (f.path.name for f in layout_files)  # found in the root's sysusers.d, tmpfiles.d
    on = [] if root == Path("/") else [f"--root={root}"]
    return [["systemd-sysusers", *on, sysusers], ["systemd-tmpfiles", *on, "--create", tmpfiles]]


def enable_commands(plan_: Plan, root: Path, start: bool) -> list[list[str]]:
    """The units enabled (and started, on the machine itself when ``start``)."""
    if root == Path("/"):
        commands = [["systemctl", "daemon-reload"]]
        if plan_.graphical:
            commands.append(["systemctl", "set-default", "graphical.target"])
        commands.append(["systemctl", "enable", *(["--now"] if start else []), *plan_.units])
        return commands
    on = [f"--root={root}"]
    commands = [["systemctl", *on, "enable", *plan_.units]]
    if plan_.graphical:
        commands.append(["systemctl", *on, "set-default", "graphical.target"])
    return commands
