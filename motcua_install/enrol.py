"""A device enrolled at install (``motcua-install kiosk --server URL --enrol CODE``): its own app's
``enrol`` subcommand writes its token (0600) and the server's address into the state folder its
unit starts it with; then the folder is handed to the user ``motcua``, whose unit reads it.

The app is run by its command name in the venv (``/opt/motcua/bin/motcua-kiosk enrol …``): this
package imports none of the apps. A refused code changes nothing of what the install wrote, so
the same command can be run again with a new code. A kiosk installed with ``--server`` and no
code gets the server's address alone (:func:`leave_server`): its first-run screen sends a typed
code there."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from motcua_install.install import on_root
from motcua_install.layout import USER, Layout
from motcua_install.roles import APPS, Role

# the app's own time-out to reach the server is 10 s (queue_server.protocol.enrolling)
TIMEOUT_SECONDS = 60
SERVER_FILE = "server"  # the state folder's server address, as the apps name it (queue_server.protocol.enrolling)


class EnrolmentFailed(Exception):
    """The device is not enrolled: the words to show (the app's own went to stderr before)."""


@dataclass(frozen=True)
class Enrolled:
    state: Path  # the state folder, under the root
    owner: tuple[int, int] | None  # (uid, gid) of motcua it was handed to; None: no such user yet


def enrol_command(role: Role, layout: Layout, root: Path, server: str, code: str) -> list[str]:
    """``ROOT/opt/motcua/bin/motcua-kiosk enrol --server URL --state ROOT/var/lib/motcua/kiosk CODE``."""
    app = APPS.get(role)
    if app is None:
        raise ValueError(f"a {role.value} is not enrolled at install")
    state = on_root(root, layout.state(role.value))
    return [str(on_root(root, layout.bin(app))), "enrol", "--server", server, "--state", str(state), code]


def enrol(role: Role, layout: Layout, root: Path, server: str, code: str) -> Enrolled:
    """Run the device's ``enrol``; on success hand its state folder to ``motcua``."""
    command = enrol_command(role, layout, root, server, code)
    if not Path(command[0]).is_file():
        raise EnrolmentFailed(f"{command[0]} is not there: install the project into {layout.venv} first (docs/deployment.md)")
    try:
        done = subprocess.run(command, check=False, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise EnrolmentFailed(f"{APPS[role]} enrol had no answer in {TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        raise EnrolmentFailed(f"{APPS[role]} enrol exited {done.returncode}")
    state = on_root(root, layout.state(role.value))
    owner = user_ids(root)
    if owner is not None:
        hand_over(state, *owner)
    return Enrolled(state, owner)


def leave_server(role: Role, layout: Layout, root: Path, server: str) -> Enrolled:
    """A device not enrolled at install: the server's address in its state folder (``server``,
    0644, handed to ``motcua`` like an enrolment's), for a code typed on its first-run screen."""
    state = on_root(root, layout.state(role.value))
    state.mkdir(parents=True, exist_ok=True)
    target = state / SERVER_FILE
    partial = target.with_name(f".{SERVER_FILE}.motcua-new")
    partial.write_text(server + "\n", encoding="utf-8")
    partial.chmod(0o644)
    os.replace(partial, target)
    owner = user_ids(root)
    if owner is not None:
        os.lchown(target, *owner)
    return Enrolled(state, owner)


def user_ids(root: Path) -> tuple[int, int] | None:
    """(uid, gid) of ``motcua`` in the root's ``/etc/passwd`` (systemd-sysusers made it), if there."""
    try:
        lines = (root / "etc" / "passwd").read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        fields = line.split(":")
        if len(fields) >= 4 and fields[0] == USER:
            return int(fields[2]), int(fields[3])
    return None


def hand_over(folder: Path, uid: int, gid: int) -> None:
    """``folder`` and everything in it owned by ``uid:gid`` (modes kept: the token stays 0600);
    links are not followed."""
    os.lchown(folder, uid, gid)
    for parent, folders, files in os.walk(folder):
        for name in (*folders, *files):
            os.lchown(os.path.join(parent, name), uid, gid)
