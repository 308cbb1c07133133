"""``motcua-server``: run a centre's queue server, and look after its configuration and data.

    motcua-server --config site.toml --db var/lobby.db [--host H] [--port N] [--public-url U]   run it
    motcua-server check --config site.toml                                       check a configuration
    motcua-server enrol DEVICE --config site.toml --db var/lobby.db              a device's enrolment code
    motcua-server reload --config site.toml --db var/lobby.db                    the running server applies the file
    motcua-server hash-pin                                                      hash an officer's PIN
    motcua-server tickets --config site.toml --db var/lobby.db [--day D]         list a day's tickets
    motcua-server export-events --db var/lobby.db [--since SEQ] [--out F]        the event log as CSV
    motcua-server backup --db var/lobby.db --to backup.db                        online backup
    motcua-server backup --db var/lobby.db --to-dir backups/ --keep 14          … kept in a folder, the newest 14
    motcua-server restore --from backups/lobby-….db --db var/lobby.db           put a backup back (server stopped)
    motcua-server import-dossiers --db var/lobby.db --csv dossiers.csv           dossiers for the kiosk's lookup
    motcua-server book --service HT [--server ws://127.0.0.1:8765/]              book today's next free slot
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import sys
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from queue_server.config.settings import SiteConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="motcua-server",
        description="The queue server of a one-stop public service centre (Một Cửa Queue).",
        epilog="With no command it runs the server. See docs/protocol.md and docs/configuration.md.",
    )
    _serve_options(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (INFO)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the server (the default)")
    _serve_options(serve)

    check = commands.add_parser("check", help="check a configuration file and say what is wrong")
    check.add_argument("--config", type=Path, required=True, help="the site's TOML file")

    enrol = commands.add_parser(
        "enrol",
        help="make a one-time enrolment code for a device (15 minutes); works while the server runs",
        description="Print a one-time code (XXXX-XXXX) that enrols DEVICE: on that machine, "
        "motcua-kiosk enrol --server ws://HOST:PORT/ --state DIR CODE (likewise motcua-display, motcua-pads).",
    )
    enrol.add_argument("device", help="the id of a [[device]] of the site file")
    enrol.add_argument("--config", type=Path, required=True, help="the site's TOML file")
    enrol.add_argument("--db", type=Path, required=True, help="the server's SQLite database")
    reload = commands.add_parser(
        "reload",
        help="have the running server check and apply the configuration file (SIGHUP); print its verdict",
        description="Sends SIGHUP to the server whose process id is beside the database (DB.pid) and prints what "
        "it made of the file (DB.reload): the server reads and checks the whole file (as check does, with its own "
        "environment and credentials for the secrets) and applies it: every kiosk, board and pad gets its new "
        "configuration. A refused file changes nothing: its problems are printed (file:line: key) and the exit "
        "code is 1.",
    )
    reload.add_argument("--config", type=Path, required=True, help="the site's TOML file (the one the server runs)")
    reload.add_argument("--db", type=Path, required=True, help="the running server's database file")

    hash_pin = commands.add_parser("hash-pin", help="hash an officer's PIN for the configuration file")
    hash_pin.add_argument("--pin", help="the PIN (asked for without echo when left out)")

    tickets = commands.add_parser("tickets", help="list the tickets of a day")
    tickets.add_argument("--db", type=Path, required=True, help="the database file")
    tickets.add_argument("--day", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: today, local time)")
    tickets.add_argument("--config", type=Path, help="the site's TOML file (for its time zone)")

    export = commands.add_parser("export-events", help="write the event log as CSV")
    export.add_argument("--db", type=Path, required=True, help="the database file")
    export.add_argument("--since", type=int, default=0, help="only events after this sequence number")
    export.add_argument("--out", type=Path, help="the CSV file (default: standard output)")

    backup = commands.add_parser("backup", help="copy the database while the server runs (SQLite backup API)")
    backup.add_argument("--db", type=Path, required=True, help="the database file")
    where = backup.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, help="the new backup file")
    where.add_argument(
        "--to-dir",
        type=Path,
        help="a folder of backups: adds lobby-YYYYMMDD-HHMMSS.db and the database's citizen key beside it",
    )
    backup.add_argument(
        "--keep", type=_positive, default=14, help="with --to-dir: how many backups to keep, newest first (default 14)"
    )

    restore = commands.add_parser(
        "restore",
        help="put a backup in place of the database; stop the server first",
        description="Copies the backup (and its citizen key, when beside it) over the database and removes "
        "the database's old -wal and -shm files. Run it as the server's user (docs/deployment.md).",
    )
    restore.add_argument("--from", dest="source", type=Path, required=True, help="the backup file")
    restore.add_argument("--db", type=Path, required=True, help="the database file to replace")

    dossiers = commands.add_parser(
        "import-dossiers",
        help="import dossiers (hồ sơ) from CSV for the kiosk's lookup; safe while the server runs",
        description="Columns: code,status[,procedure,department,due_date,collect_at]; status is one of "
        "received, processing, supplement, ready, collected, overdue. All rows or none are imported.",
    )
    dossiers.add_argument("--db", type=Path, required=True, help="the database file")
    dossiers.add_argument("--csv", type=Path, required=True, help="the CSV file (UTF-8, header row first)")

    book = commands.add_parser(
        "book",
        help="book a field's next free slot today through the running server and print the booking code",
        description="Books as a citizen's phone does (appointment.slots, appointment.book). The code goes to "
        "standard output (ABCD-2345), what was booked to standard error; scan the code at a kiosk to check in.",
    )
    book.add_argument("--service", required=True, help="the field's code, e.g. HT")
    book.add_argument(
        "--server", default="ws://127.0.0.1:8765/", help="the queue server (default ws://127.0.0.1:8765/)"
    )
    return parser


def _serve_options(parser: argparse.ArgumentParser) -> None:
    default = argparse.SUPPRESS if parser.prog.endswith("serve") else None
    parser.add_argument("--config", type=Path, default=default, help="the site's TOML file")
    parser.add_argument("--db", type=Path, default=default, help="the SQLite database file (made if missing)")
    parser.add_argument("--host", default=default, help="the address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=default, help="the port (default 8765; 0: any free one, said on start)")
    parser.add_argument(
        "--listen-fd",
        type=int,
        default=default,
        help="serve on this listening socket, handed over already bound by the parent (motcua-lobby), instead of --host/--port",
    )
    parser.add_argument(
        "--public-url",
        type=_public_url,
        default=default,
        help="what phones open, printed in ticket QR codes (default: the configuration's public_url)",
    )


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give a whole number, 1 or more")
    return int(text)


def _public_url(text: str) -> str:
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text!r}: give an http:// or https:// address, e.g. http://10.0.0.2:8765")
    return text.rstrip("/")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    command = args.command or "serve"
    try:
        return _COMMANDS[command](args)
    except _Usage as exc:
        print(f"motcua-server: {exc}", file=sys.stderr)
        return 2


class _Usage(Exception):
    pass


def _serve(args: argparse.Namespace) -> int:
    from queue_server.bootstrap import run
    from queue_server.config.site import ConfigError

    if args.config is None or args.db is None:
        raise _Usage("give --config FILE and --db FILE (see --help)")
    try:
        run(
            args.config,
            args.db,
            args.host or "127.0.0.1",
            8765 if args.port is None else args.port,
            getattr(args, "public_url", None),
            getattr(args, "listen_fd", None),
        )
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


def _site(path: Path, refused: str = "") -> SiteConfig | None:
    """The site file at ``path`` read and checked whole, its warnings said on standard error;
    or None, every problem said there (file:line: key: what is wrong), then ``refused``."""
    from queue_server.config.site import ConfigError, load_config

    try:
        config = load_config(path)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        if refused:
            print(f"motcua-server: {refused}", file=sys.stderr)
        return None
    for warning in config.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return config


def _check(args: argparse.Namespace) -> int:
    config = _site(args.config)
    if config is None:
        return 1
    site = config.site
    print(
        f"{args.config}: OK — {site.name}: {len(site.services)} services, {len(site.counters)} counters, "
        f"{len(config.devices)} devices, {len(config.officers)} officers"
    )
    for device in config.devices:
        if device.token:
            print(
                f"warning: device {device.id}: a token in the site file — enrol the device instead: "
                f"motcua-server enrol {device.id}",
                file=sys.stderr,
            )
    return 0


def _enrol(args: argparse.Namespace) -> int:
    from queue_server import admin

    config = _site(args.config)
    if config is None:
        return 1
    return admin.enrol(config, args.db, args.device)


def _reload(args: argparse.Namespace) -> int:
    from queue_server import admin

    try:
        return admin.reload(args.config, args.db)
    except admin.NoRunningServer as exc:
        raise _Usage(str(exc)) from None


def _hash_pin(args: argparse.Namespace) -> int:
    from queue_server.core import pins

    pin = args.pin if args.pin is not None else getpass.getpass("PIN: ")
    if not pins.pin_is_valid(pin):
        print("A PIN is 4 to 8 digits.", file=sys.stderr)
        return 1
    print(pins.hash_pin(pin))
    return 0


def _tickets(args: argparse.Namespace) -> int:
    from queue_server.config.site import load_config
    from queue_server.store.database import connect
    from queue_server.store.reader import tickets_on

    _require_file(args.db)
    tz = load_config(args.config).site.tz if args.config else dt.datetime.now().astimezone().tzinfo
    day = args.day or dt.datetime.now(tz).date()
    db = connect(args.db, readonly=True)
    rows = tickets_on(db, day)
    print(f"{'label':<8}{'service':<10}{'state':<13}{'counter':>8}  {'issued':<9}{'called':<9}{'done':<9}")
    for row in rows:
        print(
            f"{row['label']:<8}{row['service']:<10}{row['state']:<13}{row['counter'] or '':>8}  "
            f"{_hhmm(row['issued_at']):<9}{_hhmm(row['called_at']):<9}{_hhmm(row['done_at']):<9}"
        )
    print(f"{len(rows)} ticket(s) on {day.isoformat()}")
    return 0


def _hhmm(value: str | None) -> str:
    return dt.datetime.fromisoformat(value).strftime("%H:%M:%S") if value else ""


def _export(args: argparse.Namespace) -> int:
    from queue_server.store.database import connect
    from queue_server.store.reader import export_events_csv

    _require_file(args.db)
    db = connect(args.db, readonly=True)
    if args.out is None:
        count = export_events_csv(db, sys.stdout, args.since)
    else:
        with args.out.open("w", encoding="utf-8", newline="") as out:
            count = export_events_csv(db, out, args.since)
        print(f"{count} event(s) written to {args.out}", file=sys.stderr)
    return 0


def _backup(args: argparse.Namespace) -> int:
    from queue_server.store.backups import backup_into
    from queue_server.store.reader import backup

    _require_file(args.db)
    if args.to_dir is not None:
        made, removed = backup_into(args.db, args.to_dir, args.keep, dt.datetime.now())
        print(f"backed up {args.db} to {made}" + (f"; removed {len(removed)} older backup(s)" if removed else ""))
        return 0
    try:
        backup(args.db, args.to)
    except FileExistsError as exc:
        raise _Usage(str(exc)) from None
    print(f"backed up {args.db} to {args.to}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    from queue_server.store.backups import restore

    if not args.source.is_file():
        raise _Usage(f"{args.source}: no such backup file")
    restore(args.source, args.db)
    print(f"restored {args.db} from {args.source}")
    return 0


def _import_dossiers(args: argparse.Namespace) -> int:
    from queue_server.core.dossiers.csv_rows import CsvProblems
    from queue_server.dossiers.importer import ImportRefused, import_csv

    try:
        count = import_csv(args.db, args.csv, dt.datetime.now().astimezone())
    except CsvProblems as exc:
        print(f"{args.csv}: nothing imported:\n{exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:
        print(f"{args.csv}: cannot read it: {exc}", file=sys.stderr)
        return 1
    except ImportRefused as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{count} dossier(s) imported from {args.csv}")
    return 0


def _book(args: argparse.Namespace) -> int:
    import asyncio

    from queue_server.booker import BookingFailed, book_next_slot

    try:
        booked = asyncio.run(book_next_slot(args.server, args.service))
    except BookingFailed as exc:
        print(f"motcua-server book: {exc}", file=sys.stderr)
        return 1
    print(booked.code_display)
    print(
        f"booked {booked.service} at {booked.slot_start:%H:%M} on {booked.slot_start:%d/%m/%Y}: "
        f"scan {booked.code_display} at a kiosk, or open {booked.url}",
        file=sys.stderr,
    )
    return 0


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise _Usage(f"{path}: no such database file")


_COMMANDS = {
    "serve": _serve,
    "check": _check,
    "enrol": _enrol,
    "reload": _reload,
    "hash-pin": _hash_pin,
    "tickets": _tickets,
    "export-events": _export,
    "backup": _backup,
    "restore": _restore,
    "import-dossiers": _import_dossiers,
    "book": _book,
}


if __name__ == "__main__":
    sys.exit(main())
