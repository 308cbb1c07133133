"""DLE EOT answers decoded from byte tables, and what each status lets through."""

from __future__ import annotations

import logging

import pytest

from hardware.printer.errors import CoverOpen, PaperOut, PrinterFault, PrinterOffline
from hardware.printer.status import (
    PaperState,
    PrinterStatus,
    StatusQuery,
    decode_status,
    decode_status_byte,
    encode_status,
    raise_for_status,
)

Q = StatusQuery


def test_requests_are_dle_eot_n() -> None:
    assert [query.request for query in Q] == [
        b"\x10\x04\x01",
        b"\x10\x04\x02",
        b"\x10\x04\x03",
        b"\x10\x04\x04",
    ]


@pytest.mark.parametrize(
    ("query", "byte", "expected"),
    [
        (Q.PRINTER, 0x12, PrinterStatus(online=True)),
        (Q.PRINTER, 0x16, PrinterStatus(online=True)),  # drawer pin 3 high: still online
        (Q.PRINTER, 0x1A, PrinterStatus(online=False)),
        (Q.OFFLINE_CAUSE, 0x12, PrinterStatus(cover_open=False)),
        (Q.OFFLINE_CAUSE, 0x16, PrinterStatus(cover_open=True)),
        (Q.OFFLINE_CAUSE, 0x32, PrinterStatus(cover_open=False, paper=PaperState.OUT)),
        (Q.OFFLINE_CAUSE, 0x1A, PrinterStatus(cover_open=False)),  # FEED button held
        (
            Q.ERROR_CAUSE,
            0x12,
            PrinterStatus(cutter_error=False, unrecoverable_error=False, recoverable_error=False),
        ),
        (
            Q.ERROR_CAUSE,
            0x1A,
            PrinterStatus(cutter_error=True, unrecoverable_error=False, recoverable_error=False),
        ),
        (
            Q.ERROR_CAUSE,
            0x32,
            PrinterStatus(cutter_error=False, unrecoverable_error=True, recoverable_error=False),
        ),
        (
            Q.ERROR_CAUSE,
            0x52,
            PrinterStatus(cutter_error=False, unrecoverable_error=False, recoverable_error=True),
        ),
        (Q.PAPER, 0x12, PrinterStatus(paper=PaperState.OK)),
        (Q.PAPER, 0x1E, PrinterStatus(paper=PaperState.NEAR_END)),
        (Q.PAPER, 0x72, PrinterStatus(paper=PaperState.OUT)),
        (Q.PAPER, 0x7E, PrinterStatus(paper=PaperState.OUT)),  # near end and end: out wins
    ],
)
def test_decode_status_byte(query: StatusQuery, byte: int, expected: PrinterStatus) -> None:
    assert decode_status_byte(query, byte) == expected


@pytest.mark.parametrize("byte", [0x00, 0xFF, 0x13, 0x02, 0x10, 0x92, 0x0A, 0x80])
@pytest.mark.parametrize("query", list(Q))
def test_bytes_without_the_fixed_bits_are_not_answers(query: StatusQuery, byte: int) -> None:
    assert decode_status_byte(query, byte) == PrinterStatus.unknown()


def test_no_answer_is_unknown_not_paper_ok() -> None:
    """python-escpos 3.1's paper_status() says "plenty of paper" here (issue #434)."""
    status = decode_status({query: b"" for query in Q})
    assert status == PrinterStatus.unknown()
    assert status.paper is PaperState.UNKNOWN
    assert not status.is_known


def test_a_full_exchange_of_a_ready_printer() -> None:
    status = decode_status(
        {Q.PRINTER: b"\x12", Q.OFFLINE_CAUSE: b"\x12", Q.ERROR_CAUSE: b"\x12", Q.PAPER: b"\x12"}
    )
    assert status == PrinterStatus(True, PaperState.OK, False, False, False, False)
    assert status.describe() == "online, paper ok, cover closed"


def test_paper_end_from_the_offline_cause_wins_over_a_missing_sensor_answer() -> None:
    status = decode_status({Q.PRINTER: b"\x1a", Q.OFFLINE_CAUSE: b"\x32"})
    assert status.online is False and status.paper is PaperState.OUT


def test_stale_and_noise_bytes_before_the_answer_are_skipped() -> None:
    assert decode_status({Q.PAPER: b"\x00\xff\x12\x1e"}).paper is PaperState.NEAR_END
    assert decode_status({Q.PAPER: b"\x12\x00"}).paper is PaperState.OK
    assert decode_status({Q.PAPER: b"\xff\x00\x01\x81"}).paper is PaperState.UNKNOWN


STATUSES = [
    PrinterStatus(True, PaperState.OK, False, False, False, False),
    PrinterStatus(True, PaperState.NEAR_END, False, False, False, False),
    PrinterStatus(False, PaperState.OUT, False, False, False, False),
    PrinterStatus(False, PaperState.OK, True, False, False, False),
    PrinterStatus(False, PaperState.OK, False, True, False, False),
    PrinterStatus(False, PaperState.OK, False, False, True, True),
]


@pytest.mark.parametrize("status", STATUSES)
def test_encode_then_decode_gives_the_status_back(status: PrinterStatus) -> None:
    assert decode_status({query: encode_status(status, query) for query in Q}) == status


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (PrinterStatus(online=False, cover_open=True, paper=PaperState.OUT), CoverOpen),
        (PrinterStatus(online=False, cover_open=False, paper=PaperState.OUT), PaperOut),
        (PrinterStatus(online=False, cutter_error=True), PrinterFault),
        (PrinterStatus(unrecoverable_error=True), PrinterFault),
        (PrinterStatus(online=False), PrinterOffline),
    ],
)
def test_a_status_that_cannot_print_raises_its_error(status: PrinterStatus, error: type[Exception]) -> None:
    with pytest.raises(error, match="^kiosk-1: "):
        raise_for_status(status, "kiosk-1")


def test_paper_out_and_cover_open_are_kinds_of_offline() -> None:
    assert issubclass(PaperOut, PrinterOffline) and issubclass(CoverOpen, PrinterOffline)


@pytest.mark.parametrize("status", [PrinterStatus.unknown(), STATUSES[0]])
def test_unknown_or_ready_lets_the_job_through(status: PrinterStatus) -> None:
    raise_for_status(status, "p")


def test_paper_near_end_prints_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="hardware.printer.status"):
        raise_for_status(STATUSES[1], "p")
    assert "paper near end" in caplog.text
