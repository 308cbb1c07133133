"""``motcua-server book``: a booking made through the running server's own operations."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest

from queue_server.cli import main
from tests.integration.conftest import Clock, run, running_lobby


async def _book(capsys: pytest.CaptureFixture[str], url: str, service: str) -> tuple[int, str, str]:
    code = await asyncio.to_thread(main, ["book", "--service", service, "--server", url])
    out, err = capsys.readouterr()
    return code, out, err


def test_book_takes_the_next_free_slot_and_the_kiosk_checks_it_in(
    db_path: Path, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            manager = await lobby.client("manager")
            codes = []
            for _ in range(3):  # HT has 2 places a slot: 09:15, 09:15, then 09:30
                status, out, err = await _book(capsys, lobby.url, "HT")
                assert status == 0, err
                codes.append(out.strip())
            assert all(len(c) == 9 and c[4] == "-" for c in codes), codes
            slots = []
            for code in codes:
                appointment = (await manager.ok("appointment.get", booking=code))["appointment"]
                assert appointment["state"] == "booked" and appointment["service"] == "HT"
                slots.append(appointment["slot_start"])
            assert slots == ["2026-11-23T09:15:00+07:00"] * 2 + ["2026-11-23T09:30:00+07:00"]
            assert "booked HT at 09:30 on 23/11/2026" in err and "/b/" in err
            kiosk = await lobby.client("kiosk")
            checked_in = await kiosk.ok("appointment.check_in", booking=codes[0])
            assert checked_in["late"] is False and checked_in["ticket"]["label"] == "A001"

    run(scenario())


@pytest.mark.parametrize(
    ("service", "says"),
    [
        ("XX", "the server refused: service_unknown"),
        ("DD", "DD takes no bookings on 2026-11-23 or the day after"),
    ],
)
def test_book_says_why_it_cannot_book_and_books_nothing(
    db_path: Path, clock: Clock, capsys: pytest.CaptureFixture[str], service: str, says: str
) -> None:
    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            status, out, err = await _book(capsys, lobby.url, service)
            assert (status, out) == (1, "")
            assert f"motcua-server book: {says}" in err
            assert lobby.hub.lobby.state.appointments == {}

    run(scenario())


def test_late_in_the_evening_book_takes_tomorrows_first_slot(
    db_path: Path, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    clock.now = clock.now.replace(hour=23, minute=46)  # 23:30 is the last slot of the day (it ends within it)

    async def scenario() -> None:
        async with running_lobby(db_path, clock=clock) as lobby:
            status, out, err = await _book(capsys, lobby.url, "HT")
            assert status == 0, err
            (appointment,) = lobby.hub.lobby.state.appointments.values()
            assert appointment.slot_start.isoformat() == "2026-11-24T00:00:00+07:00"
            kiosk = await lobby.client("kiosk")  # the kiosk checks in today's bookings only
            await kiosk.error("appointment.check_in", "booking_wrong_day", booking=out.strip())

    run(scenario())


def test_book_says_when_every_slot_left_is_full(db_path: Path, clock: Clock, capsys: pytest.CaptureFixture[str]) -> None:
    import dataclasses

    from tests.integration.sites import site_config

    clock.now = clock.now.replace(hour=23, minute=16)  # 23:30 is the last slot: 2 places; closed tomorrow
    config = site_config()
    ht = config.site.service("HT")
    monday_only = dataclasses.replace(ht.hours, weekdays=frozenset({clock.now.weekday()}))
    services = tuple(dataclasses.replace(s, hours=monday_only) if s.code == "HT" else s for s in config.site.services)
    config = dataclasses.replace(config, site=dataclasses.replace(config.site, services=services))

    async def scenario() -> None:
        async with running_lobby(db_path, config=config, clock=clock) as lobby:
            for _ in range(2):
                assert (await _book(capsys, lobby.url, "HT"))[0] == 0
            status, out, err = await _book(capsys, lobby.url, "HT")
            assert (status, out) == (1, "")
            assert "HT has no free booking slot left on 2026-11-23 or the day after" in err
            assert len(lobby.hub.lobby.state.appointments) == 2

    run(scenario())


def test_book_without_a_server_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: nobody answers
        assert main(["book", "--service", "HT", "--server", f"ws://127.0.0.1:{port}/"]) == 1
    assert "no queue server answers at ws://127.0.0.1:" in capsys.readouterr().err
    assert main(["book", "--service", "HT", "--server", "http://127.0.0.1:8765/"]) == 1
    assert "is not a queue server's address" in capsys.readouterr().err
