""""Cần hỗ trợ" at the kiosk, in a real Kivy window against a real server: the bar under every
citizen's screen sends help.ask; a volunteer's phone (a websocket client with a volunteer
token) sees the request with the kiosk's name; the kiosk says it called someone and how many
asked before it, then that a volunteer is coming once one takes it. A second touch makes
nothing new; an idle reset sends the screen home and leaves the request open (the bar still
says help is coming) until the volunteer closes it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from queue_server.protocol.client import QueueClient
from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, write_site
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


def test_the_kiosks_help_button_calls_a_volunteer_who_takes_and_closes_it(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url, idle_seconds=5)
    site.write_text(site.read_text(encoding="utf-8") + VOLUNTEER, encoding="utf-8")
    config = load(site)
    shots = ARTEFACTS / "help"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)) as hub:
            volunteer = await Phone(port, VOLUNTEER_TOKEN).open()
            citizen = await Phone(port).open()  # a phone on /q asked first: one ahead of the kiosk
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)
                bar = await kiosk.wait_help("")
                assert "Cần hỗ trợ" in "\n".join(bar["texts"]) and "I need help" in "\n".join(bar["texts"])
                # the bar is under the screens, inside the window, on every citizen's screen
                assert bar["bar"][1] == 0 and bar["bar"][3] <= bar["screens"][1] + 1, bar
                for screen in ("priority", "checkin", "dossier"):
                    await kiosk.tap(screen)
                    await kiosk.wait_screen(screen)
                    assert (await kiosk.wait_help(""))["bar"] == bar["bar"], screen
                    await kiosk.tap("back")
                    await kiosk.wait_screen("home")

                phone = await citizen.ask("help.ask", device="a1b2c3d4e5f6a7b8c9d0e1f2")
                await kiosk.tap("help")
                asked = await kiosk.wait_help("Đã gọi người hỗ trợ, xin chờ trong giây lát")
                assert "Có 1 người cần hỗ trợ trước bạn" in asked["said"], asked
                assert asked["open"] and asked["stage"] == "waiting"
                await kiosk.shot("help-asked")
                requested = await volunteer.events_of("help.requested", 2)
                mine = requested[-1]
                assert (mine["place_name"], mine["kind"]) == ("Ki-ốt sảnh chính", "kiosk")

                # a second touch while it is open: nothing new, the same request shown
                await kiosk.tap("help")
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
                assert coming["stage"] == "coming" and "A volunteer is on the way" in coming["said"]
                await kiosk.shot("help-coming")

                # an idle reset: the screen goes home, the request stays open and the bar says so
                await kiosk.tap("priority")
                await kiosk.wait_screen("priority")
                await kiosk.wait_said("back home", limit=15)
                await kiosk.wait_screen("home")
                assert (await kiosk.wait_help("Tình nguyện viên đang đến"))["stage"] == "coming"
                assert mine["request"] in [r["id"] for r in (await volunteer.ask("help.list"))["help"]]

                # the volunteer closes it: the bar is its button alone again
                await volunteer.ask("help.close", request=mine["request"])
                closed = await kiosk.wait_help("")
                assert closed["stage"] == "none" and not closed["open"]
                assert hub.lobby.state.open_help_at("kiosk-1") is None
            finally:
                await kiosk.close()
                await volunteer.close()
                await citizen.close()

    asyncio.run(scenario())
