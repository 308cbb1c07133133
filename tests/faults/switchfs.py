"""A disk that turns read-only under a running program, and back: a FUSE file system that
mirrors a real directory and, while a switch file (outside the mount) exists, refuses every
writing operation with ``EROFS`` and keeps serving reads — what the kernel's
``errors=remount-ro`` does to a program that has its files open for writing.

    python -m tests.faults.switchfs SOURCE MOUNTPOINT --switch FILE   # in the foreground

    touch FILE    # from now on: write, fsync, truncate, create, unlink, rename, mkdir, ...,
                  # and open for writing fail with EROFS; files already open stay open
    rm FILE       # writable again

Unmount with ``umount MOUNTPOINT`` (root) or ``fusermount3 -u MOUNTPOINT``; the process then
exits. The file system has no ``lock`` operation, so the kernel keeps POSIX locks itself
(SQLite's locks work as on a local disk), and it answers the source files' inode numbers
(``use_ino``), so one file keeps one identity for as long as it lives.

Uses mfusepy: libfuse 3 (Debian's ``fuse3``) through ctypes. libfuse 3.14 prints "Ignoring invalid
max threads value 4294967295" at start: its own harmless slip (its default thread limit holds).
"""

from __future__ import annotations

import argparse
import errno
import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

os.environ.setdefault("FUSE_LIBRARY_NAME", "fuse3")  # mfusepy would take libfuse 2 first where both are
import mfusepy as fuse  # noqa: E402  (it loads the library on import)

_WRITING_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_TRUNC | os.O_APPEND | os.O_CREAT
_STAT_FIELDS = (
    "st_ino st_mode st_nlink st_uid st_gid st_size st_atime_ns st_mtime_ns st_ctime_ns st_blocks st_blksize".split()
)
_STATVFS_FIELDS = "f_bsize f_frsize f_blocks f_bfree f_bavail f_files f_ffree f_favail f_namemax".split()

F = TypeVar("F", bound=Callable[..., Any])


def writing(operation: F) -> F:
    """An operation that changes the disk: refused with EROFS while the switch is on."""

    @functools.wraps(operation)
    def guarded(self: SwitchFS, *args: Any) -> Any:
        self.refuse_if_read_only()
        return operation(self, *args)

    return guarded  # type: ignore[return-value]


class SwitchFS(fuse.Operations):
    use_ns = True  # times in nanoseconds (mfusepy's float seconds are deprecated)

    def __init__(self, source: Path, switch: Path) -> None:
        self.source = source.resolve()
        self.switch = switch
        self.refusals = 0

    def refuse_if_read_only(self) -> None:
        if self.switch.exists():
            self.refusals += 1
            raise fuse.FuseOSError(errno.EROFS)

    def _real(self, path: str) -> str:
        return str(self.source) + path

    # reading

    def getattr(self, path: str, fh: int | None = None) -> dict[str, Any]:
        st = os.fstat(fh) if fh is not None else os.lstat(self._real(path))
        return {key.removesuffix("_ns"): getattr(st, key) for key in _STAT_FIELDS}

    def access(self, path: str, amode: int) -> int:
        if amode & os.W_OK:
            self.refuse_if_read_only()
        if not os.access(self._real(path), amode):
            raise fuse.FuseOSError(errno.EACCES)
        return 0

    def open(self, path: str, flags: int) -> int:
        if flags & _WRITING_FLAGS:
            self.refuse_if_read_only()
        return os.open(self._real(path), flags)

    def read(self, path: str, size: int, offset: int, fh: int) -> bytes:
        return os.pread(fh, size, offset)

    def release(self, path: str, fh: int) -> int:
        os.close(fh)
        return 0

    def readdir(self, path: str, fh: int) -> list[tuple[str, dict[str, int], int]]:
        # with use_ino, an entry must carry its inode number: readdir(3) skips those with 0
        real = self._real(path)
        entries = [(".", os.stat(real)), ("..", os.stat(real + "/.."))]
        entries += [(e.name, e.stat(follow_symlinks=False)) for e in os.scandir(real)]
        return [(name, {"st_ino": st.st_ino, "st_mode": st.st_mode}, 0) for name, st in entries]

    def readlink(self, path: str) -> str:
        return os.readlink(self._real(path))

    def statfs(self, path: str) -> dict[str, int]:
        st = os.statvfs(self._real(path))
        return {key: getattr(st, key) for key in _STATVFS_FIELDS}

    # writing

    @writing
    def write(self, path: str, data: bytes, offset: int, fh: int) -> int:
        return os.pwrite(fh, data, offset)

    @writing
    def fsync(self, path: str, datasync: int, fh: int) -> int:
        (os.fdatasync if datasync else os.fsync)(fh)
        return 0

    @writing
    def truncate(self, path: str, length: int, fh: int | None = None) -> int:
        if fh is not None:
            os.ftruncate(fh, length)
        else:
            os.truncate(self._real(path), length)
        return 0

    @writing
    def fallocate(self, path: str, mode: int, offset: int, size: int, fh: int) -> int:
        if mode:
            raise fuse.FuseOSError(errno.EOPNOTSUPP)
        os.posix_fallocate(fh, offset, size)
        return 0

    @writing
    def create(self, path: str, mode: int, flags: int | None = None) -> int:
        return os.open(self._real(path), (flags or os.O_RDWR) | os.O_CREAT, mode)

    @writing
    def mknod(self, path: str, mode: int, dev: int) -> int:
        os.mknod(self._real(path), mode, dev)
        return 0

    @writing
    def unlink(self, path: str) -> int:
        os.unlink(self._real(path))
        return 0

    @writing
    def rename(self, old: str, new: str) -> int:
        os.rename(self._real(old), self._real(new))
        return 0

    @writing
    def link(self, target: str, source: str) -> int:
        os.link(self._real(source), self._real(target))
        return 0

    @writing
    def symlink(self, target: str, source: str) -> int:
        os.symlink(source, self._real(target))
        return 0

    @writing
    def mkdir(self, path: str, mode: int) -> int:
        os.mkdir(self._real(path), mode)
        return 0

    @writing
    def rmdir(self, path: str) -> int:
        os.rmdir(self._real(path))
        return 0

    @writing
    def chmod(self, path: str, mode: int) -> int:
        os.chmod(self._real(path), mode)
        return 0

    @writing
    def chown(self, path: str, uid: int, gid: int) -> int:
        os.chown(self._real(path), uid, gid, follow_symlinks=False)
        return 0

    @writing
    def utimens(self, path: str, times: tuple[int, int] | None = None) -> int:
        os.utime(self._real(path), ns=times, follow_symlinks=False)
        return 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.switchfs", description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="the real directory to mirror")
    parser.add_argument("mountpoint", type=Path, help="where to mount it")
    parser.add_argument("--switch", type=Path, required=True, help="while this file exists, writes fail with EROFS")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="switchfs: %(levelname)s %(message)s")
    fuse.FUSE(
        SwitchFS(args.source, args.switch.resolve()),
        str(args.mountpoint),
        foreground=True,
        fsname="switchfs",
        use_ino=True,
    )


if __name__ == "__main__":
    main()
