"""Listening mode ("Nghe hướng dẫn") in a real kiosk window under Xvfb, against a real server:
the button reads the screen; a first touch on a tile reads it and takes nothing, a second one
takes the number; the issued ticket's number, field, counter, people ahead and waiting place
are read aloud. What was said is read back from what the kiosk handed its player: every text
NFC with real diacritics, every WAV made by espeak-ng and non-silent by sox's ``stat``."""

from __future__ import annotations

import asyncio
import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.shown_ticket import DONE_AFTER
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, write_site
from tests.support.ports import free_port

WAIT_LINE = "Mời ngồi chờ tại khu B, tầng 1"
VIETNAMESE = re.compile(r"[ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.I)


def sox_stat(wav: str) -> dict[str, float]:
    """``sox FILE -n stat``: its figures (RMS amplitude, maximum amplitude, length…)."""
    out = subprocess.run(["sox", wav, "-n", "stat"], capture_output=True, text=True, check=True).stderr
    figures = {}
    for line in out.splitlines():
        name, _, value = line.partition(":")
        try:
            figures[name.strip()] = float(value.split()[0])
        except (ValueError, IndexError):
            pass
    return figures


def assert_well_said(said: dict[str, Any]) -> None:
    """Correct Vietnamese (NFC, with its marks) in the kiosk's language, and a WAV that sounds."""
    text = said["text"]
    assert said["played"], said  # the player took it (SDL's silent output plays it for its length)
    assert unicodedata.normalize("NFC", text) == text, text
    if said["language"] == "vi":
        assert VIETNAMESE.search(text), f"no Vietnamese mark in {text!r}"
    stat = sox_stat(said["path"])
    assert stat["Length (seconds)"] > 0.5, stat
    assert stat["RMS     amplitude"] > 0.02 and stat["Maximum amplitude"] > 0.3, (said["text"], stat)


def with_wait_line(site: Path) -> None:
    text = site.read_text("utf-8")
    site.write_text(text.replace('name_en = "Civil status"\n', f'name_en = "Civil status"\nwait_line = "{WAIT_LINE}"\n', 1), "utf-8")


async def said_after(kiosk: Kiosk, count: int, limit: float = 30.0) -> list[dict[str, Any]]:
    """What the kiosk has handed its player, once there is more than ``count`` of it."""
    deadline = asyncio.get_running_loop().time() + limit
    while True:
        spoken = (await kiosk.cmd("spoken"))["spoken"]
        if len(spoken) > count:
            return spoken
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"nothing new said in {limit} s; said so far: {spoken}")
        await asyncio.sleep(0.1)


def test_listening_reads_the_screen_a_first_touch_reads_a_second_takes_and_the_ticket_is_read(
    workdir: Path, scanner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")  # no sound card under Xvfb: SDL's silent output
    port = free_port()
    site = write_site(workdir, port, scanner_url, result_seconds=60)  # the test takes the ticket's "Xong"
    with_wait_line(site)
    config = load(site)
    shots = ARTEFACTS / "listening"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            kiosk = await Kiosk.start(site, shots, cwd=workdir)  # its voice folder: workdir/var
            try:
                await kiosk.wait_screen("home", 20)
                assert (await kiosk.cmd("spoken"))["spoken"] == []  # silent until asked
                await kiosk.tap("access:listen")
                first = (await said_after(kiosk, 0))[-1]
                assert first["text"].startswith("Chế độ nghe hướng dẫn đã bật.")
                for shown in ("Mời chọn lĩnh vực để lấy số thứ tự.", "Hộ tịch.", "Đất đai.", "Ưu tiên."):
                    assert shown in first["text"], first["text"]
                assert "Choose a field" not in first["text"] and "Civil status" not in first["text"]
                assert_well_said(first)
                await kiosk.shot("01-listening")

                # first touch on a tile: read, nothing issued
                await kiosk.tap("tile:HT")
                tile = (await said_after(kiosk, 1))[-1]
                assert tile["text"].startswith("Hộ tịch.") and "Chạm lần nữa để chọn." in tile["text"], tile
                assert_well_said(tile)
                await asyncio.sleep(0.5)
                assert (await kiosk.cmd("screen"))["screen"] == "home"
                assert not hub.lobby.state.tickets

                # a touch on another tile reads that one; the second touch on it takes the number
                await kiosk.tap("tile:DD")
                assert (await said_after(kiosk, 2))[-1]["text"].startswith("Đất đai.")
                await kiosk.tap("tile:DD")
                await kiosk.wait_screen("ticket")
                shown = asyncio.get_running_loop().time()
                [ticket] = hub.lobby.state.tickets.values()
                assert ticket.service == "DD"

                spoken = await said_after(kiosk, 3)
                issued = spoken[-1]
                assert issued["text"] == (
                    "Số thứ tự của bạn là bê một. Lĩnh vực Đất đai. Mời đến quầy số một khi được gọi. "
                    "Không có ai chờ trước bạn. Mời ngồi chờ tại khu vực chờ và theo dõi số trên bảng gọi số."
                ), issued["text"]
                assert_well_said(issued)
                await kiosk.wait_printed()
                await kiosk.tap("done")  # read ("Xong"), then taken
                done = (await said_after(kiosk, len(spoken)))[-1]
                assert done["text"] == "Xong. Chạm lần nữa để chọn.", done
                stops = (await kiosk.cmd("spoken"))["stops"]
                # "Xong" takes no tap in the ticket's first second (the second tap of a double tap
                # on a tile lands there): a citizen's read-then-take is never that quick, the test's
                # was on a quiet machine (then the kiosk rightly stayed on the ticket)
                await asyncio.sleep(max(0.0, DONE_AFTER + 0.2 - (asyncio.get_running_loop().time() - shown)))
                await kiosk.tap("done")
                await kiosk.wait_screen("home")
                assert (await kiosk.cmd("access"))["listening"] is False  # the visit is over…
                assert (await kiosk.cmd("spoken"))["stops"] == stops  # …but the ticket's sentence is not cut

                # the next citizen: listening again, a Hộ tịch number says its waiting place
                count = len((await kiosk.cmd("spoken"))["spoken"])
                await kiosk.tap("access:listen")
                count = len(await said_after(kiosk, count))
                await kiosk.tap("tile:HT")
                count = len(await said_after(kiosk, count))
                await kiosk.tap("tile:HT")
                await kiosk.wait_screen("ticket")
                issued = (await said_after(kiosk, count))[-1]
                assert issued["text"].startswith("Số thứ tự của bạn là a một. Lĩnh vực Hộ tịch.")
                assert issued["text"].endswith(f"Có một người đang chờ trước bạn. {WAIT_LINE}.") or issued[
                    "text"
                ].endswith(f"Không có ai chờ trước bạn. {WAIT_LINE}."), issued["text"]
                assert_well_said(issued)
                shown = (await kiosk.cmd("screen"))["texts"]
                assert any(WAIT_LINE in line for line in shown), shown
                await kiosk.shot("02-ticket-read")
            finally:
                await kiosk.close()

    asyncio.run(scenario())


def test_listening_in_english_reads_english_and_a_long_reading_is_not_cut_by_the_idle_return(
    workdir: Path, scanner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    port = free_port()
    site = write_site(workdir, port, scanner_url, idle_seconds=5)
    config = load(site)

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            kiosk = await Kiosk.start(site, ARTEFACTS / "listening-en", cwd=workdir)
            try:
                await kiosk.wait_screen("home", 20)
                await kiosk.tap("language")
                await kiosk.tap("access:listen")
                said = (await said_after(kiosk, 0))[-1]
                assert said["language"] == "en"
                assert said["text"].startswith("Listening mode is on.") and "Civil status." in said["text"], said
                assert "Hộ tịch" not in said["text"]
                assert_well_said(said)
                assert said["seconds"] > 15  # the whole home screen, read slowly
                await asyncio.sleep(8)  # more than idle_seconds, untouched, while it is read
                assert (await kiosk.cmd("access"))["listening"]  # the idle time counts from its end
            finally:
                await kiosk.close()

    asyncio.run(scenario())
