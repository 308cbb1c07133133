"""Transports against real local stand-ins: a TCP server, a pty, files, a fake ``lp``."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from hardware.printer import (
    CoverOpen,
    PaperOut,
    PaperState,
    PrinterAccessDenied,
    PrinterNotFound,
    PrinterOffline,
    PrinterStatus,
    PrinterTimeout,
    PrintFailed,
    printer_from_url,
)
from hardware.printer.device_file import find_usb_printer, parse_usb_id
from hardware.printer.samples import sample_queue_ticket
from hardware.printer.status import StatusQuery
from hardware.urls import InvalidDeviceURL
from tests.hardware.printer.printer_fakes import PtyPrinter, TcpPrinter

STATUS_QUERIES = b"".join(query.request for query in StatusQuery)


def test_tcp_printer_gets_the_status_queries_then_exactly_the_job(tcp_printer: TcpPrinter) -> None:
    ticket = sample_queue_ticket()
    with printer_from_url(f"{tcp_printer.url}?width=576") as printer:
        job = printer.print(ticket)
        expected = printer.job(ticket)
    assert tcp_printer.done.wait(5)
    assert bytes(tcp_printer.received) == STATUS_QUERIES + expected
    assert job.status.online is True and job.status.paper is PaperState.OK


def test_tcp_printer_out_of_paper_gets_no_job(tcp_printer: TcpPrinter) -> None:
    tcp_printer.status = PrinterStatus(online=False, paper=PaperState.OUT, cover_open=False)
    with printer_from_url(tcp_printer.url) as printer, pytest.raises(PaperOut, match="out of paper"):
        printer.print(sample_queue_ticket())
    assert tcp_printer.done.wait(5)
    assert bytes(tcp_printer.received) == STATUS_QUERIES


def test_tcp_printer_that_never_answers_is_unknown_and_still_prints(tcp_printer: TcpPrinter) -> None:
    tcp_printer.answers = False
    with printer_from_url(f"{tcp_printer.url}?status_timeout=0.05") as printer:
        assert printer.status() == PrinterStatus.unknown()
        job = printer.print(sample_queue_ticket())
    assert job.status == PrinterStatus.unknown()
    assert tcp_printer.done.wait(5)
    assert bytes(tcp_printer.received).endswith(printer.job(sample_queue_ticket()))


def test_status_required_makes_a_silent_printer_an_error(tcp_printer: TcpPrinter) -> None:
    tcp_printer.answers = False
    with printer_from_url(f"{tcp_printer.url}?status=required&status_timeout=0.05") as printer:
        with pytest.raises(PrinterTimeout, match="no answer"):
            printer.print(sample_queue_ticket())
    assert tcp_printer.done.wait(5)
    assert bytes(tcp_printer.received) == StatusQuery.PRINTER.request


def test_status_off_sends_only_the_job(tcp_printer: TcpPrinter) -> None:
    with printer_from_url(f"{tcp_printer.url}?status=off") as printer:
        printer.print(sample_queue_ticket())
        expected = printer.job(sample_queue_ticket())
    assert tcp_printer.done.wait(5)
    assert bytes(tcp_printer.received) == expected


def test_tcp_connection_refused_is_offline() -> None:
    with socket.socket() as unused:  # bound, never listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        with pytest.raises(PrinterOffline, match="refused"):
            printer_from_url(f"tcp://127.0.0.1:{unused.getsockname()[1]}").open()


def test_serial_printer_on_a_pty_gets_exactly_the_job(pty_printer: PtyPrinter) -> None:
    ticket = sample_queue_ticket()
    with printer_from_url(f"{pty_printer.url}&width=384") as printer:
        job = printer.print(ticket)
        expected = printer.job(ticket)
    assert pty_printer.wait_for(len(STATUS_QUERIES) + len(expected)) == STATUS_QUERIES + expected
    assert job.status.is_known and job.status.online is True


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (PrinterStatus(online=False, paper=PaperState.OUT, cover_open=False), PaperOut),
        (PrinterStatus(online=False, paper=PaperState.OK, cover_open=True), CoverOpen),
        (PrinterStatus(online=False, paper=PaperState.OK, cover_open=False), PrinterOffline),
    ],
)
def test_serial_status_stops_the_job(
    pty_printer: PtyPrinter, status: PrinterStatus, error: type[Exception]
) -> None:
    pty_printer.status = status
    with printer_from_url(pty_printer.url) as printer:
        assert printer.status() == PrinterStatus(
            status.online, status.paper, status.cover_open, False, False, False
        )
        with pytest.raises(error):
            printer.print(sample_queue_ticket())
    assert pty_printer.wait_for(2 * len(STATUS_QUERIES)) == 2 * STATUS_QUERIES


def test_a_missing_serial_port_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(PrinterNotFound, match="no such serial port"):
        printer_from_url(f"serial://{tmp_path}/ttyUSB9").open()


def test_file_printer_gets_exactly_the_job(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.touch()
    with printer_from_url(f"file://{device}?width=512") as printer:
        job = printer.print(sample_queue_ticket())
        expected = printer.job(sample_queue_ticket())
    assert device.read_bytes() == expected and job.status == PrinterStatus.unknown()


def test_file_printer_missing_or_forbidden(tmp_path: Path) -> None:
    with pytest.raises(PrinterNotFound, match="does not exist"):
        printer_from_url(f"file://{tmp_path}/lp9").open()
    if os.geteuid() == 0:
        pytest.skip("root may open any file")
    device = tmp_path / "lp0"
    device.touch(mode=0o400)
    with pytest.raises(PrinterAccessDenied, match="'lp' group"):
        printer_from_url(f"file://{device}").open()


def test_writing_to_a_closed_file_printer_fails(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    printer = printer_from_url(f"file:///dev/fd/{write_end}")
    try:
        printer.open()
        with pytest.raises(PrintFailed, match="Broken pipe"):
            printer.print(sample_queue_ticket())
    finally:
        printer.close()
        os.close(write_end)


def make_sysfs(root: Path, vendor: str, product: str) -> Path:
    device = root / "devices" / "pci0000:00" / "usb1" / "1-1"
    interface = device / "1-1:1.0"
    interface.mkdir(parents=True)
    (device / "idVendor").write_text(f"{vendor}\n")
    (device / "idProduct").write_text(f"{product}\n")
    entry = root / "class" / "usbmisc" / "lp0"
    entry.mkdir(parents=True)
    (entry / "device").symlink_to(interface)
    return root


def test_usb_ids_are_found_through_sysfs(tmp_path: Path) -> None:
    sysfs = make_sysfs(tmp_path / "sys", "0416", "5011")
    assert find_usb_printer(0x0416, 0x5011, sysfs) == Path("/dev/usb/lp0")
    with pytest.raises(PrinterNotFound, match="usb://04b8:0202"):
        find_usb_printer(0x04B8, 0x0202, sysfs)


@pytest.mark.parametrize(
    ("target", "ids"), [("0416:5011", (0x0416, 0x5011)), ("0x04b8:0x0E15", (0x04B8, 0x0E15))]
)
def test_usb_ids_parse(target: str, ids: tuple[int, int]) -> None:
    assert parse_usb_id(target) == ids


def write_script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_cups_without_lp_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PrinterNotFound, match="`lp` command is not installed"):
        printer_from_url("cups://Kiosk").open()


def test_cups_sends_the_job_raw_through_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_script(
        tmp_path / "lp", f'echo "$@" > {tmp_path}/args\ncat > {tmp_path}/job\necho "request id is Kiosk-1"\n'
    )
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with printer_from_url("cups://Kiosk?width=384") as printer:
        printer.print(sample_queue_ticket())
        expected = printer.job(sample_queue_ticket())
    assert (tmp_path / "job").read_bytes() == expected
    assert (tmp_path / "args").read_text().split()[:4] == ["-d", "Kiosk", "-o", "raw"]


def test_cups_unknown_queue_is_not_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_script(
        tmp_path / "lp", 'cat > /dev/null\necho "lp: The printer or class does not exist." >&2\nexit 1\n'
    )
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    with printer_from_url("cups://Nope") as printer, pytest.raises(PrinterNotFound, match="no queue 'Nope'"):
        printer.print(sample_queue_ticket())


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("lp0", "not a device URL"),
        ("bogus://x", "scheme 'bogus' is not supported"),
        ("tcp://", "nothing after tcp://"),
        ("tcp://printer:99999", "port"),
        ("usb://zz:1", "VID:PID in hexadecimal"),
        ("usb://0416", "VID:PID"),
        ("serial:///dev/ttyUSB0?baudrate=fast", "baudrate"),
        ("tcp://printer?width=500", "width=500"),
        ("tcp://printer?width=wide", "width"),
        ("tcp://printer?cut=sideways", "cut='sideways'"),
        ("tcp://printer?status=maybe", "status='maybe'"),
        ("tcp://printer?profile=NoSuchPrinter", "unknown printer profile"),
        ("usb://0416:5011?status=required", "status=required needs a connection"),
    ],
)
def test_a_bad_url_says_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(InvalidDeviceURL, match=message):
        printer_from_url(url)


def test_the_profile_gives_the_width() -> None:
    assert printer_from_url("tcp://printer?profile=TM-T88V").width == 512
    assert printer_from_url("tcp://printer?profile=POS-5890").width == 384
    assert printer_from_url("tcp://printer?profile=TM-T88V&width=576").width == 576
    assert printer_from_url("tcp://printer").width == 576
    assert printer_from_url("tcp://printer?width=576", width=384).width == 384
