"""``motcua-install``: set up this machine as one part of a centre (Debian 12, as root).

    motcua-install server --site site.toml [--host H] [--port N] [--keep N] [--backup-at CAL]
    motcua-install kiosk --server ws://10.0.0.2:8765/ --enrol CODE     (CODE: motcua-server enrol kiosk-1)
    motcua-install kiosk --server ws://10.0.0.2:8765/ --scanner serial:///dev/ttyACM0   (enrols on its screen)
    motcua-install board --server ws://10.0.0.2:8765/ --enrol CODE
    motcua-install pads  --server ws://10.0.0.2:8765/ --enrol CODE
    motcua-install console --server ws://10.0.0.2:8765/ --device counter-1

``--enrol`` (a kiosk, board or pads) enrols the device at once with its own app's ``enrol``
(its token, 0600, in its state folder, handed to the user ``motcua``) before its unit starts; a
refused code exits 2 with the server's words and leaves the files in place: run it again with a
new code. Without ``--enrol``, enrol later (``motcua-kiosk enrol … --state /var/lib/motcua/kiosk
CODE``, docs/deployment.md); a kiosk with ``--scanner`` (and ``--server``, written to its state
folder) enrols on its first-run screen by the dashboard's enrolment QR or a typed code. The
console enrols in its browser; the server makes the codes.

The project must already be in the venv (``python3 -m venv /opt/motcua && /opt/motcua/bin/pip
install motcua-queue``, docs/deployment.md). ``--root DIR`` installs into another root (an image,
a test) and starts nothing; ``--files-only`` writes the files and runs no systemd tool.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from motcua_install.checks import url_problem
from motcua_install.enrol import SERVER_FILE, EnrolmentFailed, enrol, leave_server
from motcua_install.install import Options, enable_commands, install_site, on_root, plan, prepare_commands, write
from motcua_install.layout import USER, Layout
from motcua_install.roles import APPS, Role, server_url

ENROL_HELP = (
    "--enrol CODE (a kiosk, board or pads, with --server): enrol the device at install with the one-time "
    "code of motcua-server enrol DEVICE or the manager's dashboard; a counter PC's console enrols in its "
    "browser, the server is not enrolled."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-install",
        description="Install one machine of a Một Cửa Queue centre: its system user, folders and systemd units.",
        epilog=ENROL_HELP + " See docs/deployment.md: a new centre from bare Debian 12 machines to a running lobby.",
    )
    roles = parser.add_subparsers(dest="role", metavar="ROLE", required=True)
    helps = {
        Role.SERVER: "the server PC: the queue server, its site file, a nightly backup",
        Role.KIOSK: "a lobby kiosk: motcua-kiosk alone on the screen (cage), started again if it stops",
        Role.BOARD: "a display board (TV): motcua-display alone on the screen (cage)",
        Role.PADS: "a machine with a rating-pad bus: the pad agent (motcua-pads) as a service",
        Role.CONSOLE: "a counter PC: the officer console in Chromium, alone on the screen (cage)",
    }
    for role, text in helps.items():
        sub = roles.add_parser(role.value, help=text, description=text)
        _common(sub)
        if role is Role.SERVER:
            sub.add_argument("--site", type=Path, help="the site's TOML file, copied to /etc/motcua/site.toml (0640)")
            sub.add_argument("--host", default="0.0.0.0", help="the address to listen on (default 0.0.0.0: the LAN)")
            sub.add_argument("--port", type=int, default=8765, help="the port (default 8765)")
            sub.add_argument("--keep", type=_positive, default=14, help="nightly backups kept (default 14)")
            sub.add_argument(
                "--backup-at", default="*-*-* 02:30:00", help="when the backup runs, a systemd calendar (default 02:30)"
            )
            sub.add_argument(
                "--backup-dir", type=PurePosixPath, help="where backups go (default /var/lib/motcua/backups)"
            )
        else:
            sub.add_argument(
                "--server",
                type=_server,
                required=role is Role.CONSOLE,
                help="the queue server, e.g. ws://10.0.0.2:8765/ (a kiosk, board or pads: the one --enrol enrols it "
                "with; a kiosk without --enrol: written to its state folder, for a code typed on its first-run screen)",
            )
        if role in APPS:
            sub.add_argument(
                "--enrol",
                metavar="CODE",
                help="enrol this device now with its one-time code (motcua-server enrol DEVICE, or the manager's "
                "dashboard), with --server: its token goes into its state folder before its unit starts",
            )
        else:  # taken, to be refused in words (main)
            sub.add_argument("--enrol", metavar="CODE", help=argparse.SUPPRESS)
        if role is Role.KIOSK:
            sub.add_argument(
                "--scanner",
                metavar="URL",
                help="the kiosk's scanner (e.g. serial:///dev/ttyACM0): its first-run screen reads the enrolment QR "
                "with it before the server has configured it; checked as the kiosk reads it (motcua-hw check-url)",
            )
        if role in (Role.KIOSK, Role.BOARD, Role.CONSOLE):
            sub.add_argument("--tty", default="tty1", help="the console its session takes (default tty1)")
        if role is Role.CONSOLE:
            sub.add_argument("--device", required=True, help="this counter's device id in the site file, e.g. counter-1")
    return parser


def _common(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--root", type=Path, default=Path("/"), help="install into this root instead of / (starts nothing)")
    sub.add_argument(
        "--venv", type=PurePosixPath, default=PurePosixPath("/opt/motcua"), help="the project's venv (default /opt/motcua)"
    )
    sub.add_argument("--files-only", action="store_true", help="write the files, run no systemd tool")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more")
    return int(text)


def _server(text: str) -> str:
    try:
        return server_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def enrol_problem(role: Role, enrol_code: str | None, server: str | None) -> str | None:
    """Why ``--enrol`` cannot be taken with these options, or None."""
    if enrol_code is None:
        return None
    if role is Role.SERVER:
        return "--enrol is for a kiosk, board or pads: the server is not enrolled (it makes the codes: motcua-server enrol DEVICE)"
    if role not in APPS:
        return "--enrol is for a kiosk, board or pads: a counter PC's console takes its code in the console page's set-up form"
    if server is None:
        return "--enrol CODE needs --server ws://HOST:PORT/: the server the code came from"
    if not enrol_code.strip():
        return "--enrol: give the code (XXXX-XXXX)"
    return None


def _subparser(parser: argparse.ArgumentParser, role: Role) -> argparse.ArgumentParser:
    (roles,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = roles.choices[role.value]
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    role = Role(args.role)
    problem = enrol_problem(role, args.enrol, getattr(args, "server", None))
    if problem is not None:
        _subparser(parser, role).error(problem)
    layout = Layout(venv=args.venv)
    root: Path = args.root
    scanner = getattr(args, "scanner", None)
    if scanner is not None:
        problem = url_problem("scanner", scanner, layout, root)
        if problem is not None:
            _subparser(parser, role).error(f"--scanner: {problem}")
    options = Options(
        role=role,
        layout=layout,
        server=getattr(args, "server", None),
        device=getattr(args, "device", None),
        scanner=scanner,
        tty=getattr(args, "tty", "tty1"),
        host=getattr(args, "host", "0.0.0.0"),
        port=getattr(args, "port", 8765),
        keep=getattr(args, "keep", 14),
        backup_at=getattr(args, "backup_at", "*-*-* 02:30:00"),
        backup_dir=getattr(args, "backup_dir", None),
    )
    the_plan = plan(options)
    for path in write(the_plan, root):
        print(f"wrote {path}")
    site_ready = True
    if role is Role.SERVER:
        if args.site is not None:
            print(f"wrote {install_site(args.site, root, layout)}")
        site_ready = on_root(root, layout.site).is_file()
        if not site_ready:
            print(f"motcua-install: no site file yet: put it at {layout.site}, then: systemctl start motcua-server")
    if not args.files_only and not run_all(prepare_commands(the_plan, root)):
        return 1
    if args.enrol is None and role is Role.KIOSK and args.server is not None:
        left = leave_server(role, layout, root, args.server)
        print(f"wrote {left.state / SERVER_FILE}" + ("" if left.owner else f" (root's: no user {USER} yet in {root})"))
    if args.enrol is not None:
        try:
            enrolled = enrol(role, layout, root, args.server, args.enrol.strip())
        except EnrolmentFailed as exc:
            print(
                f"motcua-install: chưa đăng ký được {role.value} — {role.value} not enrolled: {exc}. "
                f"The files are in place; make a new code on the server (motcua-server enrol DEVICE) and run "
                f"motcua-install {role.value} --server {args.server} --enrol NEWCODE again.",
                file=sys.stderr,
            )
            return 2
        if enrolled.owner is None:
            print(f"motcua-install: no user {USER} yet in {root}: {enrolled.state} stays root's until it is made "
                  f"(motcua-install {role.value} without --files-only)")  # fmt: skip
        else:
            print(f"enrolled: {enrolled.state} handed to {USER}")
    if args.files_only:
        return 0
    return 0 if run_all(enable_commands(the_plan, root, start=site_ready)) else 1


def run_all(commands: list[list[str]]) -> bool:
    """Each command in turn, until one fails (said on stderr)."""
    for command in commands:
        print("+ " + " ".join(command))
        done = subprocess.run(command, check=False)
        if done.returncode != 0:
            print(f"motcua-install: {command[0]} failed (exit {done.returncode})", file=sys.stderr)
            return False
    return True


if __name__ == "__main__":
    sys.exit(main())
