"""The disk under the database fills up: a real (tmpfs) file system of a few megabytes,
mounted for the test, filled by another file. The server refuses every write with
``store_unavailable``, keeps serving reads, says 503 on /healthz, and takes writes again as
soon as there is room, with the numbering going on where the disk left it.

The other way a disk stops taking writes, turning read-only under the running server, is
``test_readonly.py``: a read-only remount of this tmpfs is refused (EBUSY) while the server
holds the file open for writing, and ``chattr +i`` does not stop writes through descriptors
already open, so that test puts the database on a FUSE file system made to turn read-only.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.clients import Device, close_all
from bench.server import ServerProcess
from bench.site import BenchSite
from queue_server.protocol.client import RequestFailed
from tests.faults.disk_recovery import numbering_goes_on

SITE = BenchSite(counters=1, boards=1, kiosks=1, site_id="disk-full")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"this sandbox cannot mount a tmpfs: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(path: Path) -> None:
    """Write ``path`` until the file system has no block left."""
    with path.open("wb", buffering=0) as filler:
        for size in (1 << 16, 1 << 12, 512):
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * size)
    statvfs = os.statvfs(path)
    assert statvfs.f_bavail == 0, "the disk is full"


def test_a_full_disk_refuses_writes_keeps_reads_and_recovers(small_disk: Path, tmp_path: Path) -> None:
    config = SITE.write(tmp_path / "site.toml")
    db = small_disk / "lobby.db"
    filler = small_disk / "filler"
    server = ServerProcess(config, db, log=tmp_path / "server.log").start()

    async def scenario() -> list[dict]:
        kiosk = await Device(server.url, token=SITE.kiosk_token(1)).connect()
        board = await Device(server.url, token=SITE.board_token(1)).connect()
        manager = await Device(server.url, token=SITE.manager_token).connect()
        acknowledged = [(await kiosk.request("ticket.issue", service="HT"))["ticket"] for _ in range(3)]

        await asyncio.to_thread(_fill, filler)
        refusal = None
        for _ in range(50):  # a commit may still fit in a page SQLite has already; soon none does
            try:
                acknowledged.append((await kiosk.request("ticket.issue", service="HT"))["ticket"])
            except RequestFailed as exc:
                refusal = exc
                break
        assert refusal is not None and refusal.code == "store_unavailable", refusal
        assert "cannot be written" in refusal.message
        assert "is full" in refusal.message, refusal.message
        for _ in range(3):  # and every later write too, of any kind
            with pytest.raises(RequestFailed) as again:
                await manager.request("announcement.set", text_vi="Thử nghiệm")
            assert again.value.code == "store_unavailable"

        status, body = await asyncio.to_thread(server.health)
        assert (status, body["status"], body["writable"]) == (503, "store_unwritable", False)
        services = {s["code"]: s for s in (await kiosk.request("services.list"))["services"]}
        assert services["HT"]["issued"] == len(acknowledged)  # nothing refused is counted
        assert (await manager.request("ticket.get", ticket=acknowledged[0]["id"]))["ticket"]["label"] == "A000001"
        newcomer = await Device(server.url, token=SITE.board_token(1)).connect()  # hello and snapshot: reads
        assert newcomer.client.hello["seq"] == board.client.seq

        filler.unlink()
        await numbering_goes_on(server, kiosk, acknowledged)
        await close_all([kiosk, board, manager, newcomer])
        return acknowledged

    try:
        acknowledged = asyncio.run(scenario())
    finally:
        assert server.stop() == 0
    rows = sqlite3.connect(db).execute("SELECT label, code FROM tickets WHERE service = 'HT' ORDER BY id").fetchall()
    assert rows == [(t["label"], t["code"]) for t in acknowledged], "exactly the acknowledged tickets are kept"


def test_the_filler_really_fills_the_mount(small_disk: Path) -> None:
    """The test above relies on ENOSPC from this mount."""
    _fill(small_disk / "filler")
    with pytest.raises(OSError) as full:
        (small_disk / "more").write_bytes(b"x" * 4096)
    assert full.value.errno == errno.ENOSPC
