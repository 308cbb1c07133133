"""The virtual printer: jobs kept as PNG + bytes, states set by URL or at run time."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from hardware.printer import (
    CoverOpen,
    PaperOut,
    PaperState,
    PrinterError,
    PrinterOffline,
    PrinterTimeout,
    printer_from_url,
)
from hardware.printer.samples import sample_dossier_slip, sample_queue_ticket
from hardware.printer.sim import SimPrinterTransport, SimState, list_jobs, load_state, save_state
from hardware.printer.status import StatusQuery
from hardware.urls import InvalidDeviceURL


def test_a_printed_ticket_is_kept_and_its_qr_code_scans(
    sim_dir: Path, artefacts: Path, zbarimg: Callable[[Path], list[str]]
) -> None:
    ticket = sample_queue_ticket()
    with printer_from_url(f"sim://{sim_dir}?width=576") as printer:
        job = printer.print(ticket)
        expected = printer.render(ticket)
    (kept,) = list_jobs(sim_dir)
    assert kept.number == 1 and kept.data == printer.job(ticket) and job.size == len(kept.data)
    assert job.status.online is True and job.status.paper is PaperState.OK
    with Image.open(kept.png) as printed:
        assert printed.size == (576, expected.height)
        assert ImageChops.difference(printed.convert("L"), expected.convert("L")).getbbox() is None
    assert zbarimg(kept.png) == [ticket.qr_payload]
    (artefacts / "sim-queue-ticket-576.png").write_bytes(kept.png.read_bytes())


def test_jobs_are_numbered_in_order(sim_dir: Path) -> None:
    with printer_from_url(f"sim://{sim_dir}?width=384") as printer:
        printer.print(sample_queue_ticket())
        printer.print(sample_dossier_slip())
    assert [job.number for job in list_jobs(sim_dir)] == [1, 2]
    assert all(job.png.exists() and job.raw.exists() for job in list_jobs(sim_dir))


def test_nothing_is_opened_or_created_before_open(sim_dir: Path) -> None:
    printer = printer_from_url(f"sim://{sim_dir}")
    assert not printer.transport.is_open and not sim_dir.exists()
    with pytest.raises(PrinterError, match="not open"):
        printer.print(sample_queue_ticket())


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("paper=out", PaperOut),
        ("cover=open", CoverOpen),
        ("online=0", PrinterOffline),
        ("paper=out&cover=open", CoverOpen),
    ],
)
def test_a_printer_that_cannot_print_raises_and_keeps_no_job(
    sim_dir: Path, query: str, error: type[Exception]
) -> None:
    with printer_from_url(f"sim://{sim_dir}?{query}") as printer:
        with pytest.raises(error):
            printer.print(sample_queue_ticket())
    assert list_jobs(sim_dir) == []
    assert list(sim_dir.iterdir()) == []


@pytest.mark.parametrize("query", ["paper=out", "cover=open", "online=off"])
def test_the_simulator_refuses_even_without_a_status_check(sim_dir: Path, query: str) -> None:
    with printer_from_url(f"sim://{sim_dir}?{query}&status=off") as printer:
        with pytest.raises(PrinterOffline):
            printer.print(sample_queue_ticket())
    assert list_jobs(sim_dir) == []


def test_paper_near_end_prints_with_a_warning(sim_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), printer_from_url(f"sim://{sim_dir}?paper=near_end") as printer:
        assert printer.status().paper is PaperState.NEAR_END
        printer.print(sample_queue_ticket())
    assert len(list_jobs(sim_dir)) == 1 and "near end" in caplog.text


def test_the_state_file_switches_a_running_printer(sim_dir: Path) -> None:
    with printer_from_url(f"sim://{sim_dir}") as printer:
        printer.print(sample_queue_ticket())
        save_state(sim_dir, SimState(paper=PaperState.OUT))
        assert printer.status().paper is PaperState.OUT
        with pytest.raises(PaperOut):
            printer.print(sample_queue_ticket())
        save_state(sim_dir, SimState())
        printer.print(sample_queue_ticket())
    assert [job.number for job in list_jobs(sim_dir)] == [1, 2]


def test_the_state_file_wins_over_the_url(sim_dir: Path) -> None:
    save_state(sim_dir, SimState(cover_open=True))
    assert load_state(sim_dir, SimState(paper=PaperState.NEAR_END)) == SimState(cover_open=True)
    (sim_dir / "state.json").write_text("{not json")
    assert load_state(sim_dir, SimState(paper=PaperState.NEAR_END)).paper is PaperState.NEAR_END


def test_a_slow_printer_takes_its_time(sim_dir: Path) -> None:
    with printer_from_url(f"sim://{sim_dir}?delay=0.2&width=384") as printer:
        begin = time.monotonic()
        printer.print(sample_queue_ticket())
        assert time.monotonic() - begin >= 0.2
    assert len(list_jobs(sim_dir)) == 1


def test_a_printer_slower_than_the_timeout_fails_once_and_keeps_nothing(sim_dir: Path) -> None:
    with printer_from_url(f"sim://{sim_dir}?delay=5&timeout=0.05&width=384") as printer:
        with pytest.raises(PrinterTimeout):
            printer.print(sample_queue_ticket())
    assert list_jobs(sim_dir) == []


def test_two_printers_sharing_a_folder_never_reuse_a_number(sim_dir: Path) -> None:
    image = printer_from_url(f"sim://{sim_dir}?width=384").render(sample_queue_ticket())
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with printer_from_url(f"sim://{sim_dir}?width=384") as printer:
                for _ in range(3):
                    printer.print_image(image)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [job.number for job in list_jobs(sim_dir)] == list(range(1, 10))


def test_the_simulator_answers_dle_eot_like_a_printer(sim_dir: Path) -> None:
    with SimPrinterTransport(sim_dir, SimState(paper=PaperState.NEAR_END)) as sim:
        sim.write(StatusQuery.PAPER.request)
        assert sim.read(1, 0.1) == b"\x1e"
        assert sim.read(1, 0.1) == b""


@pytest.mark.parametrize("query", ["paper=wet", "online=maybe", "delay=soon"])
def test_a_bad_simulator_state_in_the_url_is_refused(sim_dir: Path, query: str) -> None:
    with pytest.raises(InvalidDeviceURL, match="paper=ok|near_end|out"):
        printer_from_url(f"sim://{sim_dir}?{query}")


def test_the_state_round_trips_through_json(sim_dir: Path) -> None:
    state = SimState(paper=PaperState.NEAR_END, online=False, cover_open=True, delay=1.5)
    save_state(sim_dir, state)
    assert load_state(sim_dir) == state
    assert dataclasses.replace(state, delay=0).status().online is False
