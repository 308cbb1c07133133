"""The disk under the database turns read-only while the server runs, as the kernel's
``errors=remount-ro`` does: every write through the files the server holds open fails with
``EROFS``. The server refuses every write with ``store_unavailable``, keeps serving reads,
says 503 on /healthz, stays up, and takes writes again as soon as the disk does, with the
numbering going on where the disk left it.

A real read-only remount of a mount the server writes to is refused (EBUSY), so the disk is
a FUSE file system made for the test (:mod:`tests.faults.switchfs`, a separate process): a
mirror of a real directory that refuses writes while a switch file exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.clients import Device, close_all
from bench.server import ServerProcess
from bench.site import BenchSite
from queue_server.protocol.client import RequestFailed
from tests.faults.disk_recovery import numbering_goes_on

SITE = BenchSite(counters=1, boards=1, kiosks=1, site_id="disk-read-only")
MOUNT_SECONDS = 10.0


class SwitchedDisk:
    """``switchfs`` mounted on ``mount_point``, mirroring ``source``; :meth:`read_only` and
    :meth:`writable` flip it (at once: the next operation sees the new state)."""

    def __init__(self, root: Path) -> None:
        self.source = root / "source"
        self.mount_point = root / "disk"
        self.switch = root / "read-only"  # outside the mount
        self.log = root / "switchfs.log"
        self.process: subprocess.Popen[bytes] | None = None

    def mount(self) -> SwitchedDisk:
        self.source.mkdir()
        self.mount_point.mkdir()
        command = [sys.executable, "-m", "tests.faults.switchfs", str(self.source), str(self.mount_point)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "--switch", str(self.switch)], stdout=log, stderr=log, cwd=Path(__file__).parents[2]
            )
        deadline = time.monotonic() + MOUNT_SECONDS
        while not os.path.ismount(self.mount_point):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.unmount()
                raise AssertionError(f"switchfs did not mount: {self.log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.02)
        return self

    def read_only(self) -> None:
        self.switch.touch()

    def writable(self) -> None:
        self.switch.unlink(missing_ok=True)

    def unmount(self) -> None:
        if os.path.ismount(self.mount_point):
            if subprocess.run(["umount", str(self.mount_point)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(self.mount_point)], check=False)
        if self.process is not None:
            try:
                self.process.wait(timeout=5)  # it exits once unmounted
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def switched_disk(tmp_path: Path) -> Iterator[SwitchedDisk]:
    if os.geteuid() != 0:
        pytest.skip("mounting a FUSE file system here needs root")
    if not Path("/dev/fuse").exists():
        pytest.skip("this machine has no /dev/fuse")
    disk = SwitchedDisk(tmp_path).mount()
    try:
        yield disk
    finally:
        disk.unmount()


def test_a_read_only_disk_refuses_writes_keeps_reads_and_recovers(switched_disk: SwitchedDisk, tmp_path: Path) -> None:
    config = SITE.write(tmp_path / "site.toml")
    server = ServerProcess(config, switched_disk.mount_point / "lobby.db", log=tmp_path / "server.log").start()

    async def scenario() -> list[dict]:
        kiosk = await Device(server.url, token=SITE.kiosk_token(1)).connect()
        board = await Device(server.url, token=SITE.board_token(1)).connect()
        manager = await Device(server.url, token=SITE.manager_token).connect()
        acknowledged = [(await kiosk.request("ticket.issue", service="HT"))["ticket"] for _ in range(3)]

        switched_disk.read_only()
        with pytest.raises(RequestFailed) as refusal:  # the very next write: FUSE writes through, no cache
            await kiosk.request("ticket.issue", service="HT")
        assert refusal.value.code == "store_unavailable", refusal.value
        assert "cannot be written" in refusal.value.message, refusal.value.message
        assert "is read-only" in refusal.value.message, refusal.value.message
        for _ in range(3):  # and every later write too, of any kind
            with pytest.raises(RequestFailed) as again:
                await manager.request("announcement.set", text_vi="Thử nghiệm")
            assert again.value.code == "store_unavailable"
        with pytest.raises(RequestFailed) as again:
            await kiosk.request("ticket.issue", service="HT")
        assert again.value.code == "store_unavailable"

        status, body = await asyncio.to_thread(server.health)
        assert (status, body["status"], body["writable"]) == (503, "store_unwritable", False)
        services = {s["code"]: s for s in (await kiosk.request("services.list"))["services"]}
        assert services["HT"]["issued"] == len(acknowledged)  # nothing refused is counted
        assert (await manager.request("ticket.get", ticket=acknowledged[-1]["id"]))["ticket"]["label"] == "A000003"
        newcomer = await Device(server.url, token=SITE.board_token(1)).connect()  # hello and snapshot: reads
        assert newcomer.client.hello["seq"] == board.client.seq
        assert server.process is not None and server.process.poll() is None, "the server is still up"

        switched_disk.writable()
        await numbering_goes_on(server, kiosk, acknowledged)
        await close_all([kiosk, board, manager, newcomer])
        return acknowledged

    try:
        acknowledged = asyncio.run(scenario())
    finally:
        switched_disk.writable()  # so that a failed run still shuts down cleanly
        assert server.stop() == 0
    with contextlib.closing(sqlite3.connect(switched_disk.source / "lobby.db")) as real_file:  # what reached the disk
        rows = real_file.execute("SELECT label, code FROM tickets WHERE service = 'HT' ORDER BY id").fetchall()
    assert rows == [(t["label"], t["code"]) for t in acknowledged], "exactly the acknowledged tickets are kept"


def test_the_switch_refuses_writes_and_keeps_reads(switched_disk: SwitchedDisk) -> None:
    """The test above relies on EROFS from this mount, for files open before the switch too."""
    path = switched_disk.mount_point / "file"
    path.write_bytes(b"before")
    with path.open("r+b", buffering=0) as held:
        switched_disk.read_only()
        refused = [
            lambda: held.write(b"x"),
            lambda: os.fsync(held.fileno()),
            lambda: held.truncate(0),
            lambda: path.open("ab"),
            lambda: (switched_disk.mount_point / "new").touch(),
            lambda: (switched_disk.mount_point / "dir").mkdir(),
            lambda: path.rename(switched_disk.mount_point / "renamed"),
            path.unlink,
        ]
        for operation in refused:
            with pytest.raises(OSError) as error:
                operation()
            assert error.value.errno == errno.EROFS, operation
        assert path.read_bytes() == b"before" and os.pread(held.fileno(), 6, 0) == b"before"
        switched_disk.writable()
        held.write(b"after!")
    assert (switched_disk.source / "file").read_bytes() == b"after!"
