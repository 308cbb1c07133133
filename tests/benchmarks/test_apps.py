"""The ``apps`` benchmark part, run small (3 kiosk tickets, 3 console calls) so that it cannot
rot: the real kiosk, display board, officer console and phone page, driven as the benchmark
drives them (``python -m bench --only apps``), every sample present and sane."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PIL import Image

from bench.__main__ import _apps, build_parser
from bench.site import BenchSite

TICKETS = CALLS = 3
BOUND_MS = 10_000  # generous: a shared CI machine draws with software OpenGL


def sane(latency: dict, count: int) -> bool:
    return latency["count"] == count and 0 < latency["p50"] <= latency["p99"] <= latency["max"] < BOUND_MS


def test_the_apps_part_times_a_ticket_and_a_call_through_the_real_apps(tmp_path: Path) -> None:
    art = tmp_path / "art"
    args = build_parser().parse_args(
        ["--only", "apps", "--app-tickets", str(TICKETS), "--app-calls", str(CALLS), "--app-artefacts", str(art)]
    )
    figures = _apps(args, BenchSite(), tmp_path, None)  # as `python -m bench` runs it, minus the results file
    assert "error" not in figures, figures.get("error")

    kiosk = figures["kiosk"]
    assert sane(kiosk["touch_to_ticket_shown_ms"], TICKETS)
    assert sane(kiosk["touch_to_printed_ms"], TICKETS)
    assert kiosk["printed"] == TICKETS and kiosk["printer_faults"] == 0
    assert kiosk["labels"] == ["A000004", "A000006"]  # after the console's three tickets
    assert all(part["p50"] is not None and part["p50"] >= 0 for part in kiosk["parts_ms"].values())
    assert kiosk["touch_to_ticket_shown_ms"]["p50"] < kiosk["touch_to_printed_ms"]["p50"]  # shown, then printed

    console = figures["console"]
    for name in ("press_to_console_ms", "press_to_board_ms", "press_to_phone_ms", "press_to_key_event_ms"):
        assert sane(console[name], CALLS), (name, console[name])
    assert console["wrong_ticket"] == 0
    assert all(part["p50"] is not None and part["p50"] >= 0 for part in console["board_parts_ms"].values())
    assert console["page_clock_uncertainty_ms"] < 100

    printed = Path(kiosk["printed_ticket"])
    zbar = subprocess.run(["zbarimg", "--quiet", "--raw", str(printed)], capture_output=True, text=True)
    decoded = zbar.stdout.split()
    assert len(decoded) == 1 and "/t/" in decoded[0]  # the ticket's QR code: the phone page
    with Image.open(kiosk["screenshot"]) as shot:
        assert shot.size == (1920, 1080)
    with Image.open(console["screenshots"]["board"]) as shot:
        assert shot.size == (1920, 1080)
    assert Path(console["screenshots"]["console"]).exists() and Path(console["screenshots"]["phone"]).exists()
