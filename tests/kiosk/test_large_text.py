"""Large text ("Chữ lớn") in a real kiosk window under Xvfb: every size ×1.3, a white page, four
tiles a page with "Trang sau" for the others, and back to the normal kiosk at the idle return
(the next citizen finds it as usual), also when the citizen walked away on the home screen."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.kiosk.support import ARTEFACTS, Clock, Kiosk, load, queue_server, write_site
from tests.support.ports import free_port


def targets(widgets: dict[str, Any], prefix: str) -> list[str]:
    return [w["target"] for w in widgets["widgets"] if w["button"] and w["target"].startswith(prefix)]


def font_of(widgets: dict[str, Any], target: str) -> float:
    return next(w["font_size"] for w in widgets["widgets"] if w["target"] == target)


def test_large_text_then_the_idle_return_gives_the_normal_kiosk_back(workdir: Path, scanner_url: str) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url, idle_seconds=5)
    config = load(site)
    shots = ARTEFACTS / "large-text"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)
                normal = await kiosk.cmd("widgets")
                tiles = targets(normal, "tile:")
                assert tiles == ["tile:HT", "tile:DD", "tile:DKKD", "tile:XD", "tile:KQ"]
                assert normal["widgets"][0]["background"][:3] == [0.96, 0.97, 0.98]  # the page
                before = await kiosk.cmd("access")

                await kiosk.tap("access:large")
                access = await kiosk.cmd("access")
                assert access["large"] and abs(access["u"] - before["u"] * 1.2) < 1e-6
                large = await kiosk.cmd("widgets")
                assert targets(large, "tile:") == ["tile:HT", "tile:DD", "tile:DKKD"]
                assert targets(large, "access:more") == ["access:more"]
                assert font_of(large, "priority") > 1.15 * font_of(normal, "priority")
                assert targets(large, "access:") == ["access:more", "access:listen", "access:large", "access:help"]  # the screen, then the bar
                assert font_of(large, "access:help") > 1.15 * font_of(normal, "access:help")  # "Cần hỗ trợ" grows too
                assert large["widgets"][0]["background"][:3] == [1.0, 1.0, 1.0]  # a white page
                blue = next(w for w in large["widgets"] if w["target"] == "tile:HT")["background"]
                assert blue[:3] == [c * 0.7 for c in (0.04, 0.24, 0.57)]  # darker under white text
                await kiosk.shot("01-large-page-1")

                await kiosk.tap("access:more")
                page_2 = await kiosk.cmd("widgets")
                assert targets(page_2, "tile:") == ["tile:XD", "tile:KQ"]
                await kiosk.shot("02-large-page-2")
                await kiosk.tap("access:more")  # the pages go round
                assert targets(await kiosk.cmd("widgets"), "tile:") == ["tile:HT", "tile:DD", "tile:DKKD"]

                # the citizen leaves on the home screen: after idle_seconds the kiosk is normal again
                await kiosk.wait_said("listening mode and large text reset", 12)
                access = await kiosk.cmd("access")
                assert not access["large"] and access["u"] == before["u"]
                after = await kiosk.cmd("widgets")
                assert targets(after, "tile:") == tiles and not targets(after, "access:more")
                assert after["widgets"][0]["background"][:3] == [0.96, 0.97, 0.98]
                assert font_of(after, "priority") == font_of(normal, "priority")

                # "Quay lại" keeps large text (the same citizen); the idle return on a screen ends it
                await kiosk.tap("access:large")
                await kiosk.tap("checkin")
                await kiosk.wait_screen("checkin")
                await kiosk.tap("back")
                await kiosk.wait_screen("home")
                assert (await kiosk.cmd("access"))["large"]
                await kiosk.tap("checkin")
                await kiosk.wait_screen("checkin")
                assert (await kiosk.cmd("access"))["large"]
                await kiosk.shot("03-large-checkin")
                await kiosk.wait_screen("home", 12)
                assert not (await kiosk.cmd("access"))["large"]
            finally:
                await kiosk.close()

    asyncio.run(scenario())
