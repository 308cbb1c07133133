"""``motcua-install``: set up this machine as one part of a centre (Debian 12, as root).

    motcua-install server --site site.toml [--host H] [--port N] [--keep N] [--backup-at CAL]
    motcua-install kiosk          then: motcua-kiosk enrol --server ws://10.0.0.2:8765/ --state /var/lib/motcua/kiosk CODE
    motcua-install board          (motcua-display enrol … --state /var/lib/motcua/board CODE)
    motcua-install pads           (motcua-pads enrol … --state /var/lib/motcua/pads CODE)
    motcua-install console --server ws://10.0.0.2:8765/ --device counter-1

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

from motcua_install.install import Options, apply_commands, install_site, on_root, plan, write
from motcua_install.layout import Layout
from motcua_install.roles import Role, server_url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-install",
        description="Install one machine of a Một Cửa Queue centre: its system user, folders and systemd units.",
        epilog="See docs/deployment.md: a new centre from bare Debian 12 machines to a running lobby.",
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
                help="the queue server, e.g. ws://10.0.0.2:8765/ (a kiosk, board or pads: kept by its enrolment instead)",
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


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    role = Role(args.role)
    layout = Layout(venv=args.venv)
    options = Options(
        role=role,
        layout=layout,
        server=getattr(args, "server", None),
        device=getattr(args, "device", None),
        tty=getattr(args, "tty", "tty1"),
        host=getattr(args, "host", "0.0.0.0"),
        port=getattr(args, "port", 8765),
        keep=getattr(args, "keep", 14),
        backup_at=getattr(args, "backup_at", "*-*-* 02:30:00"),
        backup_dir=getattr(args, "backup_dir", None),
    )
    root: Path = args.root
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
    if args.files_only:
        return 0
    for command in apply_commands(the_plan, root, start=site_ready):
        print("+ " + " ".join(command))
        done = subprocess.run(command, check=False)
        if done.returncode != 0:
            print(f"motcua-install: {command[0]} failed (exit {done.returncode})", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
