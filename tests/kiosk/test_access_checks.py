"""The kiosk checked by measurement, in real windows under Xvfb at each screen docs/kiosk.md
names ("Screens the kiosk is made for"), in both modes (normal and large text): every button is
at least 15 mm each way (its real size in pixels over the screen's pixels per millimetre); every
text meets WCAG 2.2 AA contrast against what it is drawn on (4.5:1, 3:1 for large text), computed
from the real widgets' colours, each of them one of the theme's (kiosk/theme.py); and every
button's text fits in it and no two texts are drawn over each other. The bar over the screens
has its three buttons ("Nghe hướng dẫn", "Chữ lớn", "Cần hỗ trợ"), and the help button is
checked in both of its looks: "Cần hỗ trợ" (normal text) and, with a request open, the state
it says on two lines (large text; and the home screen in normal text, in both languages)."""

from __future__ import annotations

import asyncio
import math
import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.contrast import ratio, required
from kiosk.theme import known
from tests.kiosk.support import ARTEFACTS, ROOT, Clock, Kiosk, ask, load, queue_server, write_site
from tests.support.ports import free_port

DOC = (ROOT / "docs" / "kiosk.md").read_text("utf-8")
SECTION = DOC.split("### Screens the kiosk is made for", 1)[1].split("\n#", 1)[0]
SCREENS = [(float(inches), int(w), int(h)) for inches, w, h in re.findall(r"\|\s*([\d.]+)″\s*\|\s*(\d+) × (\d+)\s*\|", SECTION)]
MIN_MM = 15.0
MM_PER_CSS_PX = 25.4 / 96  # WCAG's sizes are CSS pixels: 1/96 inch


def test_the_doc_names_the_screens() -> None:
    assert len(SCREENS) >= 2, SECTION


async def survey(kiosk: Kiosk) -> dict[str, dict[str, Any]]:
    """The widgets of each screen a citizen meets, the ticket's last (leaving it ends the visit)."""
    seen: dict[str, dict[str, Any]] = {}
    seen["home"] = await kiosk.cmd("widgets")
    await kiosk.tap("priority")
    await kiosk.wait_screen("priority")
    seen["priority"] = await kiosk.cmd("widgets")
    await kiosk.tap("category:elderly")
    seen["priority-fields"] = await kiosk.cmd("widgets")
    await kiosk.tap("back")  # to the categories
    await kiosk.tap("back")
    await kiosk.wait_screen("home")
    await kiosk.tap("checkin")
    await kiosk.wait_screen("checkin")
    seen["checkin"] = await kiosk.cmd("widgets")
    await kiosk.cmd("type", text="ABCD2345")
    await kiosk.tap("submit")
    await kiosk.wait_screen("message")
    seen["message"] = await kiosk.cmd("widgets")
    await kiosk.tap("back")
    await kiosk.wait_screen("home")
    await kiosk.tap("dossier")
    await kiosk.wait_screen("dossier")
    seen["dossier"] = await kiosk.cmd("widgets")
    await kiosk.tap("back")
    await kiosk.wait_screen("home")
    await kiosk.tap("tile:HT")
    await kiosk.wait_screen("ticket")
    await kiosk.wait_printed()
    seen["ticket"] = await kiosk.cmd("widgets")
    await kiosk.tap("done")
    await kiosk.wait_screen("home")
    return seen


def problems(seen: dict[str, dict[str, Any]], inches: float, large: bool) -> list[str]:
    found: list[str] = []
    for screen, survey_ in seen.items():
        width, height = survey_["window"]
        px_per_mm = math.hypot(width, height) / (inches * 25.4)
        for w in survey_["widgets"]:
            name = f"{screen}: {w['target'] or w['text'][:30]!r}"
            if w["button"] and w["target"]:
                mm = min(w["size"]) / px_per_mm
                if mm < MIN_MM:
                    found.append(f"{name}: {w['size'][0]:.0f}×{w['size'][1]:.0f} px = {mm:.1f} mm across, under {MIN_MM} mm")
            if not w["text"]:
                continue
            need = required(w["font_size"], w["bold"], px_per_mm * MM_PER_CSS_PX)
            got = ratio(w["color"], w["background"])
            if got < need:
                found.append(f"{name}: contrast {got:.2f}:1, under {need}:1")
            for what in ("color", "background"):
                if not known(w[what], large):
                    found.append(f"{name}: its {what} {w[what]} is not a colour of kiosk/theme.py")
            tw, th = w["texture_size"]
            if w["button"] and (th > w["size"][1] + 1 or tw > w["size"][0] + 1):
                found.append(f"{name}: its text ({tw:.0f}×{th:.0f}) overflows the button ({w['size'][0]:.0f}×{w['size'][1]:.0f})")
        texts = [w for w in survey_["widgets"] if w["text"]]
        for i, one in enumerate(texts):
            for other in texts[i + 1 :]:
                if one["button"] and other["button"]:
                    continue  # a button's own text is checked above
                shared = overlap(one["text_box"], other["text_box"])
                if shared >= 1:
                    found.append(f"{screen}: the texts {one['text'][:30]!r} and {other['text'][:30]!r} overlap ({shared:.0f} px²: {one['text_box']} {other['text_box']})")
    return found


def overlap(a: list[float], b: list[float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))



@pytest.mark.parametrize(("inches", "width", "height"), SCREENS, ids=[f"{i}in-{w}x{h}" for i, w, h in SCREENS])
def test_touch_targets_contrast_and_fit_at_each_documented_screen(
    workdir: Path, scanner_url: str, inches: float, width: int, height: int
) -> None:
    port = free_port()
    site = write_site(workdir, port, scanner_url, fullscreen=False, window_size=f"{width}x{height}")
    config = load(site)
    shots = ARTEFACTS / f"checks-{width}x{height}"

    async def scenario() -> None:
        async with queue_server(config, workdir / "lobby.db", port, Clock(config.site.tz)):
            await ask(port, None, "help.ask", device="a1b2c3d4e5f6a7b8c9d0e1f2")  # one ahead of the kiosk
            kiosk = await Kiosk.start(site, shots)
            try:
                await kiosk.wait_screen("home", 20)
                normal = await survey(kiosk)
                assert normal["home"]["window"] == [width, height]
                bar = [w["target"] for w in normal["home"]["widgets"] if w["target"].startswith("access:")]
                assert bar == ["access:listen", "access:large", "access:help"], bar
                # a help request open: the button says where it stands, on two lines, wider
                await kiosk.tap("access:help")
                await kiosk.wait_help("Có 1 người cần hỗ trợ trước bạn")  # a phone asked before
                normal["home, help open"] = await kiosk.cmd("widgets")
                await kiosk.tap("language")
                await kiosk.wait_help("Asked for help before you: 1")
                normal["home, help open, English"] = await kiosk.cmd("widgets")
                await kiosk.shot("help-open-en")
                await kiosk.tap("language")
                await kiosk.wait_help("Có 1 người cần hỗ trợ trước bạn")
                await kiosk.tap("access:large")
                await kiosk.shot("large-home")
                large = await survey(kiosk)  # with the help request still open
                assert (await kiosk.wait_help("Có 1 người cần hỗ trợ trước bạn"))["open"]
            finally:
                await kiosk.close()
            found = [f"normal: {p}" for p in problems(normal, inches, False)]
            found += [f"large text: {p}" for p in problems(large, inches, True)]
            assert not found, "\n".join(found)

    asyncio.run(scenario())
