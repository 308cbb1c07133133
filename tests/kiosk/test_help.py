""""Cần hỗ trợ" at the kiosk, in a real Kivy window against a real server: the button sits in the
bar over the screens, beside "Nghe hướng dẫn" and "Chữ lớn", and sends help.ask; a volunteer's
phone (a websocket client with a volunteer token) sees the request with the kiosk's name; the
button's own text then says it called someone and how many asked before, then that a volunteer
is coming once one takes it. A second touch makes nothing new; an idle reset sends the screen
home and leaves the request open (the button still says help is coming) until the volunteer
closes it; the button is gone from the offline screen. In listening mode the button is read
first and taken at the second touch, and each new state is said aloud."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

import pytest

from queue_server.protocol.client import QueueClient
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, write_site
from tests.kiosk.test_listening import assert_well_said, said_after
from tests.support.ports import free_port

VOLUNTEER_TOKEN = "test-volunteer-1-token-01"
VOLUNTEER = f"""
[[device]]
id = "volunteer-1"
role = "volunteer"
name = "Tình nguyện viên Hoa"
token = "{VOLUNTEER_TOKEN}"
"""


class Phone:
    """A websocket client of the project's own (a volunteer's phone, a citizen's), collecting
    the events it is sent."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.events: list[dict[str, Any]] = []
        self.client = QueueClient(f"ws://127.0.0.1:{port}/", token=token, on_event=self.events.append)
        self.task: asyncio.Task[Any] | None = None

    async def open(self) -> Phone:
        self.task = asyncio.create_task(self.client.run())
        await self.client.wait_connected(5)
        return self

    async def ask(self, op: str, **args: Any) -> dict[str, Any]:
        return await self.client.request(op, **args)

    async def events_of(self, ev: str, count: int, limit: float = 10.0) -> list[dict[str, Any]]:
        """The events ``ev`` once there are ``count`` of them."""
        for _ in range(int(limit / 0.05)):
            found = [e for e in self.events if e["ev"] == ev]
            if len(found) >= count:
                return found
            await asyncio.sleep(0.05)
        raise AssertionError(f"not {count} {ev} in {limit} s: {[e['ev'] for e in self.events]}")

    async def close(self) -> None:
        await self.client.close()
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)


def site_with_volunteer(workdir: Path, port: int, scanner_url: str, **options: Any) -> Path:
    site = write_site(workdir, port, scanner_url, **options)
    site.write_text(site.read_text(encoding="utf-8") + VOLUNTEER, encoding="utf-8")
    return site


def in_the_bar(help_: dict[str, Any]) -> None:
    """The button is in the bar over the screens, on the row of the other two, right of them."""
    x, y, right, top = help_["button"]
    assert y >= help_["screens"][3] - 1, help_  # over the screens, not on them
    assert (y, top) == (help_["large"][1], help_["large"][3]), help_  # the bar's row
    assert x >= help_["large"][2] and x >= help_["listen"][2] and right <= help_["screens"][2], help_


def test_the_kiosks_help_button_calls_a_volunteer_who_takes_and_closes_it(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = site_with_volunteer(workdir, port, scanner_url, idle_seconds=5)
    config = load(site)
    shots = ARTEFACTS / "help"

    async def scenario() -> None:
        async with contextlib.AsyncExitStack() as server:
            hub = await server.enter_async_context(queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)))
            volunteer = await Phone(port, VOLUNTEER_TOKEN).open()
            citizen = await Phone(port).open()  # a phone on /q asked first: one ahead of the kiosk
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)
                closed = await kiosk.wait_help("")
                assert closed["texts"] == ["Cần hỗ trợ"] and closed["stage"] == "none", closed
                in_the_bar(closed)
                for screen in ("priority", "checkin", "dossier"):  # on every citizen's screen, the same place
                    await kiosk.tap(screen)
                    await kiosk.wait_screen(screen)
                    assert (await kiosk.wait_help(""))["button"] == closed["button"], screen
                    await kiosk.tap("back")
                    await kiosk.wait_screen("home")
                await kiosk.tap("language")
                assert (await kiosk.wait_help(""))["texts"] == ["I need help"]
                await kiosk.tap("language")
                assert (await kiosk.wait_help(""))["texts"] == ["Cần hỗ trợ"]

                phone = await citizen.ask("help.ask", device="a1b2c3d4e5f6a7b8c9d0e1f2")
                await kiosk.tap("access:help")
                asked = await kiosk.wait_help("Đã gọi người hỗ trợ, xin chờ trong giây lát")
                assert asked["said"] == "Đã gọi người hỗ trợ, xin chờ trong giây lát\nCó 1 người cần hỗ trợ trước bạn", asked
                assert asked["open"] and asked["stage"] == "waiting"
                in_the_bar(asked)
                width = asked["button"][2] - asked["button"][0]
                assert width > 1.5 * (closed["button"][2] - closed["button"][0]), asked  # more of the bar while open
                await kiosk.shot("help-asked")
                requested = await volunteer.events_of("help.requested", 2)
                mine = requested[-1]
                assert (mine["place_name"], mine["kind"]) == ("Ki-ốt sảnh chính", "kiosk")

                # a second touch while it is open: nothing new, the same request shown
                await kiosk.tap("access:help")
                await kiosk.wait_said("help: request")
                again = await kiosk.wait_help("Đã gọi người hỗ trợ")
                assert again["stage"] == "waiting"
                await asyncio.sleep(0.5)
                assert len([e for e in volunteer.events if e["ev"] == "help.requested"]) == 2
                listed = (await volunteer.ask("help.list"))["help"]
                assert [r["place_name"] for r in listed] == ["Điện thoại", "Ki-ốt sảnh chính"]

                # the phone's request is taken: the kiosk is next; then its own is taken
                await volunteer.ask("help.take", request=phone["request"]["id"])
                await kiosk.wait_help("Bạn là người tiếp theo")
                await volunteer.ask("help.take", request=mine["request"])
                coming = await kiosk.wait_help("Tình nguyện viên đang đến")
                assert coming["stage"] == "coming" and coming["said"] == "Tình nguyện viên đang đến"
                await kiosk.tap("language")
                assert (await kiosk.wait_help("A volunteer is on the way"))["stage"] == "coming"
                await kiosk.shot("help-coming-en")
                await kiosk.tap("language")

                # an idle reset: the screen goes home, the request stays open and the button says so
                await kiosk.tap("priority")
                await kiosk.wait_screen("priority")
                await kiosk.wait_said("back home", limit=15)
                await kiosk.wait_screen("home")
                assert (await kiosk.wait_help("Tình nguyện viên đang đến"))["stage"] == "coming"
                assert mine["request"] in [r["id"] for r in (await volunteer.ask("help.list"))["help"]]

                # the volunteer closes it: "Cần hỗ trợ" again, in its place
                await volunteer.ask("help.close", request=mine["request"])
                done = await kiosk.wait_help("")
                assert done["stage"] == "none" and not done["open"] and done["texts"] == ["Cần hỗ trợ"]
                assert done["button"] == closed["button"]
                assert hub.lobby.state.open_help_at("kiosk-1") is None

                # the server gone: the offline screen, and no help button on it
                await volunteer.close()
                await citizen.close()
                await server.aclose()
                await kiosk.wait_screen("offline", 15)
                assert not (await kiosk.wait_help(""))["shown"]
            finally:
                await kiosk.close()
                await volunteer.close()
                await citizen.close()

    asyncio.run(scenario())


def test_in_listening_mode_the_help_button_is_read_then_taken_and_its_states_are_said(
    workdir: Path, scanner_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")  # no sound card under Xvfb: SDL's silent output
    port = free_port()
    site = site_with_volunteer(workdir, port, scanner_url)
    config = load(site)

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            volunteer = await Phone(port, VOLUNTEER_TOKEN).open()
            kiosk = await Kiosk.start(site, ARTEFACTS / "help-listening", cwd=workdir)  # its voice folder: workdir/var
            try:
                await kiosk.wait_screen("home", 20)
                await kiosk.tap("access:listen")
                count = len(await said_after(kiosk, 0))

                await kiosk.tap("access:help")  # the first touch reads it, and asks nobody
                read = (await said_after(kiosk, count))[-1]
                assert read["text"] == "Cần hỗ trợ. Chạm lần nữa để chọn.", read
                assert_well_said(read)
                await asyncio.sleep(0.5)
                assert hub.lobby.state.open_help_at("kiosk-1") is None
                assert (await kiosk.wait_help(""))["stage"] == "none"

                await kiosk.tap("access:help")  # the second takes it
                await kiosk.wait_help("Đã gọi người hỗ trợ")
                spoken = await said_after(kiosk, count + 1)
                assert spoken[-1]["text"] == "Đã gọi người hỗ trợ, xin chờ trong giây lát. Bạn là người tiếp theo.", spoken[-1]
                assert_well_said(spoken[-1])

                [request] = (await volunteer.ask("help.list"))["help"]
                await volunteer.ask("help.take", request=request["id"])
                await kiosk.wait_help("Tình nguyện viên đang đến")
                coming = (await said_after(kiosk, len(spoken)))[-1]
                assert coming["text"] == "Tình nguyện viên đang đến.", coming
                assert_well_said(coming)
                await volunteer.ask("help.close", request=request["id"])
                assert (await kiosk.wait_help(""))["texts"] == ["Cần hỗ trợ"]
            finally:
                await kiosk.close()
                await volunteer.close()

    asyncio.run(scenario())
