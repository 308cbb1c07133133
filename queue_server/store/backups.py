"""Backups kept in a folder: one new file per run, the newest ``keep`` kept (the nightly timer
of ``motcua-install server`` runs ``motcua-server backup --to-dir DIR --keep N``).

A backup is ``lobby-YYYYMMDD-HHMMSS.db`` (SQLite's online backup of the live database) with the
database's citizen key beside it (``….db.citizen-key``, 0600): a database restored without its
key cannot read its citizens' data. Restore (docs/deployment.md): stop the server, copy both
files over ``lobby.db`` and ``lobby.db.citizen-key``, remove ``lobby.db-wal`` and ``lobby.db-shm``,
start it."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

from queue_server.store.citizen_key import SUFFIX
from queue_server.store.reader import backup

NAME = re.compile(r"^lobby-\d{8}-\d{6}\.db$")


def backup_into(db_path: Path, folder: Path, keep: int, now: dt.datetime) -> tuple[Path, list[Path]]:
    """Back ``db_path`` up into ``folder`` (made 0700 if missing), then remove all but the newest
    ``keep`` backups there; returns the new file and the removed ones."""
    if keep < 1:
        raise ValueError("keep at least one backup")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = folder / f"lobby-{now:%Y%m%d-%H%M%S}.db"
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)  # left by a run that died half-way
    backup(db_path, partial)
    key = db_path.with_name(db_path.name + SUFFIX)
    if key.exists():
        _copy_private(key, target.with_name(target.name + SUFFIX))
    os.replace(partial, target)  # only a whole backup gets a backup's name
    backups = sorted(p for p in folder.iterdir() if NAME.match(p.name))
    removed = backups[:-keep]
    for old in removed:
        old.unlink()
        old.with_name(old.name + SUFFIX).unlink(missing_ok=True)
    return target, removed


def restore(backup_file: Path, db_path: Path) -> None:
    """Put ``backup_file`` (and its key, when it has one) in place of ``db_path``; the server
    must be stopped. The database's old WAL goes: it belongs to the replaced file."""
    if not backup_file.is_file():
        raise FileNotFoundError(f"{backup_file}: no such backup")
    partial = db_path.with_name(db_path.name + ".restoring")
    _copy_private(backup_file, partial)
    for leftover in (db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    os.replace(partial, db_path)
    key = backup_file.with_name(backup_file.name + SUFFIX)
    if key.exists():
        _copy_private(key, db_path.with_name(db_path.name + SUFFIX))


def _copy_private(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` readable by its owner alone (0600)."""
    partial = target.with_name(target.name + ".copying")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out, source.open("rb") as data:
        shutil.copyfileobj(data, out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, target)
